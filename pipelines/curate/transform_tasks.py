"""The per-batch curation stages (extract, langid, quality, tokens) as file tasks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import pyarrow as pa

from pipelines.drops import empty_drops
from pipelines.errors import ErrorLog
from pipelines.extract import ExtractOptions, extract_batch
from pipelines.langid import LanguageIdentifier, langid_batch
from pipelines.parquet_io import parquet_file
from pipelines.pii import mask_pii_column
from pipelines.quality import load_quality_config, quality_batch
from pipelines.runner import WorkItem
from pipelines.segment import SEGMENTER_BACKEND
from pipelines.token_counts import add_token_counts

BATCH_ROWS = 1000


def iter_tables(path: str, batch_rows: int = BATCH_ROWS) -> Iterator[pa.Table]:
    """Stream a Parquet part as tables of at most ``batch_rows`` rows (one empty table for an empty part,
    so that the next stage sees its schema)."""
    parquet = parquet_file(path)
    if parquet.metadata.num_rows == 0:
        yield parquet.schema_arrow.empty_table()
        return
    for batch in parquet.iter_batches(batch_size=batch_rows):
        yield pa.Table.from_batches([batch])


@dataclass(frozen=True)
class ExtractTask:
    """HTML → main-content text (resiliparse by default); documents already in text pass through."""

    options: ExtractOptions = field(default_factory=ExtractOptions)
    name: str = "extract"

    def fingerprint(self) -> str:
        return f"extract-v2|{self.options.fingerprint()}"

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        for table in iter_tables(item.in_path, batch_rows=200):
            yield extract_batch(table, options=self.options, errors=errors)


@lru_cache(maxsize=4)
def _identifier(model_path: str | None) -> LanguageIdentifier:
    return LanguageIdentifier(model_path)


@dataclass(frozen=True)
class LangidTask:
    """Normalise text and assign the fastText language; drop other languages and low scores."""

    model_path: str | None
    quality_config: str | None
    name: str = "langid"

    def fingerprint(self) -> str:
        return f"langid-v3-close-pairs-zawgyi-window|{self.model_path}|{sorted(self._min_scores().items())}"

    def _min_scores(self) -> dict[str, float]:
        return {lang: t.min_language_score for lang, t in load_quality_config(self.quality_config).items()}

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        identifier = _identifier(self.model_path)
        min_scores = self._min_scores()
        for table in iter_tables(item.in_path):
            yield langid_batch(table, identifier, min_scores)


@dataclass(frozen=True)
class QualityTask:
    """Per-language heuristic filters, every drop with its rule as reason; optional PII masking of kept text."""

    quality_config: str | None
    mask_pii: bool = False
    name: str = "quality"

    def fingerprint(self) -> str:
        config = sorted(load_quality_config(self.quality_config).items())
        return f"quality-v3|segmenter={SEGMENTER_BACKEND}|pii={self.mask_pii}|{config}"

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        config = load_quality_config(self.quality_config)
        for table in iter_tables(item.in_path):
            kept, dropped = quality_batch(table, config)
            yield (mask_pii_column(kept) if self.mask_pii else kept), dropped


@dataclass(frozen=True)
class TokensTask:
    """Exact token counts for every configured tokenizer."""

    tokenizers: tuple[str, ...]
    name: str = "tokens"

    def fingerprint(self) -> str:
        return f"tokens-v1|{self.tokenizers}"

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        for table in iter_tables(item.in_path):
            yield add_token_counts(table, list(self.tokenizers)), empty_drops()
