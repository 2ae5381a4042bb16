"""Langid stage as a file task: normalise, identify, drop other languages and low scores."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import pyarrow as pa

from pipelines.langid.identify import LanguageIdentifier, langid_batch
from pipelines.quality.config import load_quality_config
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
            f"langid-v4-scripts-myanmar-regional-lexicon|{self.backend}|{self.model_path}"
            f"|{sorted(self._min_scores().items())}"
        )

    def _min_scores(self) -> dict[str, float]:
        return {lang: t.min_language_score for lang, t in load_quality_config(self.quality_config).items()}

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        identifier = _identifier(self.model_path, self.backend)
        min_scores = self._min_scores()
        for table in iter_tables(item.in_path):
            yield langid_batch(table, identifier, min_scores)
