"""Quality stage as a file task: per-language rules, optional PII masking."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa

from pipelines.quality.config import cached_quality_config
from pipelines.quality.filter import quality_batch
from pipelines.quality.pii import mask_pii_column
from pipelines.quality.segment import SEGMENTER_BACKEND
from pipelines.runtime.problems import ErrorLog
from pipelines.runtime.runner import WorkItem
from pipelines.storage.parquet_io import iter_tables


@dataclass(frozen=True)
class QualityTask:
    """Per-language rule families, every drop with its rule as reason and every signal a column; optional PII masking of kept text."""

    quality_config: str | None
    mask_pii: bool = False
    name: str = "quality"

    def fingerprint(self) -> str:
        config = sorted(cached_quality_config(self.quality_config).items())
        return f"quality-v4-families|segmenter={SEGMENTER_BACKEND}|pii={self.mask_pii}|{config}"

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        for table in iter_tables(item.in_path):
            yield self.transform(table)

    def transform(self, table: pa.Table) -> tuple[pa.Table, pa.Table]:
        """(kept, dropped) of one table of language-identified documents."""
        kept, dropped = quality_batch(table, cached_quality_config(self.quality_config))
        return (mask_pii_column(kept) if self.mask_pii else kept), dropped
