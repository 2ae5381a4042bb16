"""Extract stage as a file task: HTML parts in, text parts out."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pyarrow as pa

from pipelines.extract.html import ExtractOptions, extract_batch
from pipelines.runtime.problems import ErrorLog
from pipelines.runtime.runner import WorkItem
from pipelines.storage.parquet_io import iter_tables


@dataclass(frozen=True)
class ExtractTask:
    """HTML → main-content text (resiliparse by default); documents already in text pass through."""

    options: ExtractOptions = field(default_factory=ExtractOptions)
    name: str = "extract"

    def fingerprint(self) -> str:
        return f"extract-v2|{self.options.fingerprint()}"

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        for table in iter_tables(item.in_path, batch_rows=200):
            yield self.transform(table, errors)

    def transform(self, table: pa.Table, errors: ErrorLog) -> tuple[pa.Table, pa.Table]:
        """(kept, dropped) of one table of ingested documents."""
        return extract_batch(table, options=self.options, errors=errors)
