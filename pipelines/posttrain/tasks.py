"""File tasks of the post-training stages under the runner: ingest (files -> conversations), checks,
and the user-turn table the dedup stage signs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import pyarrow as pa

from pipelines import storage
from pipelines.decontaminate.config import DecontamConfig
from pipelines.decontaminate.decide import DECISION_SCHEMA
from pipelines.decontaminate.index import EvalIndex
from pipelines.ingest.files import list_input_files
from pipelines.langid.identify import LanguageIdentifier
from pipelines.langid.languages import OTHER
from pipelines.posttrain.checks import check_batch
from pipelines.posttrain.decontam import decontaminate_conversations
from pipelines.posttrain.readers import read_conversations
from pipelines.posttrain.schema import CONVERSATION_SCHEMA
from pipelines.posttrain.sources import ChatSource
from pipelines.runtime.drops import empty_drops
from pipelines.runtime.problems import ErrorLog
from pipelines.runtime.runner import WorkItem
from pipelines.storage.parquet_io import AtomicParquetWriter, iter_tables

USER_TURNS_SCHEMA = pa.schema(
    [("id", pa.string()), ("text", pa.large_string()), ("source", pa.string()), ("language", pa.string()), ("n_chars", pa.int64())]
)


@dataclass(frozen=True)
class ChatIngestTask:
    """Reads the files of one chat source into CONVERSATION_SCHEMA parts (bad records go to the error log)."""

    source: ChatSource
    name: str = "posttrain-ingest"

    def fingerprint(self) -> str:
        return f"posttrain-ingest-v1|{self.source!r}"

    def work_items(self) -> list[WorkItem]:
        """One item per input file, parts named ``part-NNNNN`` in file order."""
        files = list_input_files(self.source.config)
        return [WorkItem(path, f"part-{i:05d}", self.source.name) for i, path in enumerate(files)]

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        """The file's conversations; an empty, typed table when it has none."""
        empty = True
        for table in read_conversations(self.source, item.in_path, errors):
            empty = False
            yield table, empty_drops()
        if empty:
            yield CONVERSATION_SCHEMA.empty_table(), empty_drops()


@lru_cache(maxsize=4)
def _identifier(model_path: str | None) -> LanguageIdentifier:
    return LanguageIdentifier(model_path)


@dataclass(frozen=True)
class ChatChecksTask:
    """Language per turn, structure, tool-call and response-language checks (pipelines.posttrain.checks)."""

    model_path: str | None = None
    quality_config: str | None = None
    decontam: DecontamConfig | None = None  # with ``index``: also match the turns against the eval sets
    index: EvalIndex | None = None
    decisions_dir: str | None = None  # where each part's decontamination decisions go
    spill_dir: str | None = None
    name: str = "posttrain-checks"

    def fingerprint(self) -> str:
        decontam = f"|{self.index.fingerprint}|{self.decontam.action}" if self.index is not None else ""
        return f"posttrain-checks-v3|{self.model_path}|{self.quality_config}{decontam}"

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        identifier = _identifier(self.model_path)
        if self.index is None:
            for table in iter_tables(item.in_path):
                yield check_batch(table, identifier, self.quality_config)
            return
        with AtomicParquetWriter(storage.join(self.decisions_dir, f"{item.part}.parquet"), DECISION_SCHEMA) as out:
            for table in iter_tables(item.in_path):
                kept, dropped = check_batch(table, identifier, self.quality_config)
                kept, contaminated, decisions = decontaminate_conversations(kept, self.index, self.decontam, self.spill_dir)
                out.write(decisions)
                yield kept, pa.concat_tables([dropped, contaminated])


def user_turns(table: pa.Table) -> pa.Table:
    """USER_TURNS_SCHEMA rows of conversations: their user turns joined by newlines as ``text``,
    in the conversation's language (``other`` when unknown) -- the input of the dedup stage."""
    texts = ["\n".join(m["content"] or "" for m in messages if m["role"] == "user")
             for messages in table.column("messages").to_pylist()]
    languages = [language or OTHER for language in table.column("language").to_pylist()]
    return pa.table(
        {"id": table.column("id"), "text": pa.array(texts, pa.large_string()), "source": table.column("source"),
         "language": pa.array(languages, pa.string()), "n_chars": pa.array([len(t) for t in texts], pa.int64())},
        schema=USER_TURNS_SCHEMA,
    )


@dataclass(frozen=True)
class UserTurnsTask:
    """Writes the user-turn table of a checked part (nothing is dropped here)."""

    name: str = "posttrain-user-turns"

    def fingerprint(self) -> str:
        return "posttrain-user-turns-v1"

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        for table in iter_tables(item.in_path):
            yield user_turns(table), empty_drops()
