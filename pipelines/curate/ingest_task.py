"""Ingest stage: source files → documents in the canonical schema."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa

from pipelines.drops import empty_drops
from pipelines.errors import ErrorLog
from pipelines.runner import WorkItem
from pipelines.sources import list_input_files, read_documents
from pipelines.sources.config import SourceConfig


@dataclass(frozen=True)
class IngestTask:
    """Reads each input file with the reader of the source it belongs to."""

    sources: tuple[SourceConfig, ...]
    name: str = "ingest"

    def fingerprint(self) -> str:
        return repr(self.sources)

    def work_items(self) -> list[WorkItem]:
        """One item per input file, parts named ``<source>/part-NNNNN``."""
        return [
            WorkItem(path, f"{source.name}/part-{i:05d}", source.name)
            for source in self.sources
            for i, path in enumerate(list_input_files(source))
        ]

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        source = next(s for s in self.sources if s.name == item.source)
        for batch in read_documents(source, item.in_path, errors):
            yield pa.Table.from_batches([batch]), empty_drops()
