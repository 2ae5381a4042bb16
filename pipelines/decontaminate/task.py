"""Decontamination as a file task: match each batch of a part against the index, decide, and write
the part's decisions to ``<stage folder>/<source>/_decisions/<part>.parquet`` next to its drops."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa

from pipelines import storage
from pipelines.decontaminate.config import DecontamConfig
from pipelines.decontaminate.decide import DECISION_SCHEMA, STAGE, decide
from pipelines.decontaminate.index import EvalIndex
from pipelines.decontaminate.matcher import Matcher
from pipelines.runtime.problems import ErrorLog
from pipelines.runtime.runner import WorkItem
from pipelines.curate.documents import deduplicated_documents, kept_part
from pipelines.storage.parquet_io import AtomicParquetWriter

#: One opened index per process (a worker runs many parts against the same index).
_MATCHERS: dict[str, Matcher] = {}


@dataclass(frozen=True)
class DecontamTask:
    """Report, drop or cut the documents of a part that contain eval items."""

    index: EvalIndex
    config: DecontamConfig
    decisions_dir: str
    spill_dir: str | None = None
    kept_dir: str | None = None  # curate/dedup: narrow parts naming the ids dedup kept (None: every document)
    kept_fingerprint: str = ""  # what the kept parts were built from
    name: str = STAGE

    def fingerprint(self) -> str:
        return (f"decontam-v2|{self.index.fingerprint}|{self.config.action}|{self.config.max_cut_fraction}"
                f"|{self.kept_fingerprint}")

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        matcher = self._matcher()
        with AtomicParquetWriter(storage.join(self.decisions_dir, f"{item.part}.parquet"), DECISION_SCHEMA) as out:
            for table in deduplicated_documents(item.in_path, kept_part(self.kept_dir, item), self.config.batch_rows):
                languages = table.column("language").to_pylist() if "language" in table.column_names else [None] * table.num_rows
                matches = matcher.match(table.column("text").to_pylist(), languages)
                kept, dropped, decisions = decide(table, matches, self.config.action, self.config.max_cut_fraction)
                out.write(decisions)
                yield kept, dropped

    def _matcher(self) -> Matcher:
        return process_matcher(self.index, self.config, self.spill_dir)


def process_matcher(index: EvalIndex, config: DecontamConfig, spill_dir: str | None) -> Matcher:
    """The process's one opened :class:`Matcher` over ``index`` (text and conversation tasks share it)."""
    if index.folder not in _MATCHERS:
        _MATCHERS[index.folder] = Matcher(index, config.memory_limit, spill_dir)
    return _MATCHERS[index.folder]
