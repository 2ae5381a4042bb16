"""Langid stage as a file task: normalise, identify, drop other languages and low scores."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import pyarrow as pa

from pipelines.langid.identify import LanguageIdentifier, label_batch
from pipelines.quality.config import cached_quality_config
from pipelines.runtime.drops import split_by_reason
from pipelines.runtime.problems import ErrorLog
from pipelines.runtime.runner import WorkItem
from pipelines.storage.parquet_io import iter_tables


@lru_cache(maxsize=4)
def _identifier(model_path: str | None, backend: str) -> LanguageIdentifier:
    return LanguageIdentifier(model_path, backend=backend)


@dataclass(frozen=True)
class LangidTask:
    """Normalise text and assign the language (backend + checks); drop other languages and low scores."""

    model_path: str | None
    quality_config: str | None
    backend: str = "fasttext"
    name: str = "langid"

    def fingerprint(self) -> str:
        return (
            f"langid-v6-scripts-myanmar-regional-lexicon-news-han-classical|{self.backend}|{self.model_path}"
            f"|{sorted(self._min_scores().items())}"
        )

    def _min_scores(self) -> dict[str, float]:
        return {lang: t.min_language_score for lang, t in cached_quality_config(self.quality_config).items()}

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        for table in iter_tables(item.in_path):
            yield split_by_reason(*self.label(table), stage="langid")

    def label(self, table: pa.Table) -> tuple[pa.Table, list[str | None]]:
        """``table`` with its language columns and each row's drop reason (None: kept)."""
        return label_batch(table, _identifier(self.model_path, self.backend), self._min_scores())
