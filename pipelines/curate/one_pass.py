"""One pass over each input file: ingest → extract → langid → quality in memory, no copy in between.

The pass writes what the quality stage writes (kept documents with their signals, every drop as a
row with its stage and reason) into the quality stage's folder, and counts in the part's stats how
many documents left each stage, so every stage keeps its own truthful numbers
(:func:`pass_stage_outcome`). Running the four stages one by one stays available for debugging."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.extract.task import ExtractTask
from pipelines.ingest.task import IngestTask
from pipelines.langid.task import LangidTask
from pipelines.quality.task import QualityTask
from pipelines.runtime.drops import split_by_reason
from pipelines.runtime.problems import ErrorLog
from pipelines.runtime.runner import ChunkExtras, StageOutcome, WorkItem

#: The stages the pass runs, in order; it writes the last one's folder.
PASS_STAGES = ("ingest", "extract", "langid", "quality")
#: The stats counter of the documents that left a stage of the pass: ``docs_out/<stage>``.
DOCS_OUT = "docs_out/"
#: Counters of language purity: documents with a declared language, and those LID gave that language.
DECLARED, DECLARED_SAME = "langid/declared", "langid/declared_same"


@dataclass(frozen=True)
class CuratePassTask:
    """The four per-file stages of one source as one file task."""

    ingest: IngestTask
    extract: ExtractTask
    langid: LangidTask
    quality: QualityTask
    name: str = "curate-pass"

    def fingerprint(self) -> str:
        return "pass-v1|" + "|".join(
            task.fingerprint() for task in (self.ingest, self.extract, self.langid, self.quality))

    def work_items(self) -> list[WorkItem]:
        """The ingest stage's items: one per input file of the source."""
        return self.ingest.work_items()

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table, ChunkExtras]]:
        """Per table of the file's documents: the quality stage's kept documents, the drops of every
        stage, and counters (documents out of each stage, language purity)."""
        for table, _ in self.ingest.process(item, errors):
            counts = {DOCS_OUT + "ingest": table.num_rows}
            extracted, extract_drops = self.extract.transform(table, errors)
            counts[DOCS_OUT + "extract"] = extracted.num_rows
            labelled, reasons = self.langid.label(extracted)
            counts.update(_purity(labelled))
            identified, langid_drops = split_by_reason(labelled, reasons, stage="langid")
            counts[DOCS_OUT + "langid"] = identified.num_rows
            kept, quality_drops = self.quality.transform(identified)
            counts[DOCS_OUT + "quality"] = kept.num_rows
            drops = pa.concat_tables([extract_drops, langid_drops, quality_drops])
            text = _dropped_text(labelled, langid_drops, identified, quality_drops)
            yield kept, drops, ChunkExtras(counts, text)


def _purity(labelled: pa.Table) -> dict[str, int]:
    """How many documents declare a language, and how many of them LID gave that same language."""
    if "declared_language" not in labelled.column_names:
        return {DECLARED: 0, DECLARED_SAME: 0}
    declared, found = labelled.column("declared_language"), labelled.column("language")
    both = pc.and_(pc.is_valid(declared), pc.is_valid(found))
    same = pc.and_(both, pc.equal(declared, found))
    return {DECLARED: pc.sum(both.cast(pa.int64())).as_py() or 0, DECLARED_SAME: pc.sum(same.cast(pa.int64())).as_py() or 0}


def _dropped_text(labelled: pa.Table, langid_drops: pa.Table, identified: pa.Table, quality_drops: pa.Table) -> pa.Table:
    """Id and (normalised) text of the documents langid and quality dropped; extract's drops have no text."""
    tables = []
    for source, drops in ((labelled, langid_drops), (identified, quality_drops)):
        if drops.num_rows:
            mask = pc.is_in(source.column("id"), value_set=drops.column("id"))
            tables.append(source.filter(mask).select(["id", "text"]))
    if not tables:
        return pa.table({"id": pa.array([], pa.string()), "text": pa.array([], pa.large_string())})
    return pa.concat_tables(tables)


def is_pass_stats(stats: dict) -> bool:
    """True for the stats of a part the pass wrote (they count documents out of each of its stages)."""
    return DOCS_OUT + PASS_STAGES[0] in stats.get("counts", {})


def pass_stage_outcome(stats: dict, stage: str, out_dir: str, part: str) -> StageOutcome:
    """One stage's numbers for one part the pass wrote: documents in (what the stage before let
    through) and out, its drops by reason; the input problems of the file go to ingest."""
    counts = stats["counts"]
    index = PASS_STAGES.index(stage)
    docs_out = counts[DOCS_OUT + stage]
    docs_in = docs_out if index == 0 else counts[DOCS_OUT + PASS_STAGES[index - 1]]
    outcome = StageOutcome(stage=stage, out_dir=out_dir, parts=[part])
    errors = ErrorLog.from_dict(stats["errors"]) if index == 0 else ErrorLog()
    outcome.add(docs_in, docs_out, stats.get("dropped_by_stage", {}).get(stage, {}), errors)
    return outcome

