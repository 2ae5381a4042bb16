"""Ingest stage: source files → documents in the canonical schema."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa

from pipelines.ingest.config import SourceConfig
from pipelines.ingest.files import list_input_files
from pipelines.ingest.readers import read_documents
from pipelines.runtime.drops import empty_drops
from pipelines.runtime.problems import ErrorLog
from pipelines.runtime.runner import WorkItem
from pipelines.schema import INGEST_SCHEMA


@dataclass(frozen=True)
class IngestTask:
    """Reads the files of one source with the reader of its kind."""

    source: SourceConfig
    name: str = "ingest"

    def fingerprint(self) -> str:
        return repr(self.source)

    def work_items(self) -> list[WorkItem]:
        """One item per input file, parts named ``part-NNNNN`` in file order."""
        return [
            WorkItem(path, f"part-{i:05d}", self.source.name) for i, path in enumerate(list_input_files(self.source))
        ]

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        """Yield the file's documents; a file without documents still yields one empty, typed table
        so that its part carries the full schema downstream."""
        empty = True
        for batch in read_documents(self.source, item.in_path, errors):
            empty = False
            yield pa.Table.from_batches([batch]), empty_drops()
        if empty:
            yield INGEST_SCHEMA.empty_table(), empty_drops()
