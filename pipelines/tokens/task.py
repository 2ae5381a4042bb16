"""Tokens stage as a file task: exact counts per configured tokenizer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa

from pipelines.runtime.drops import empty_drops
from pipelines.runtime.problems import ErrorLog
from pipelines.runtime.runner import WorkItem
from pipelines.storage.parquet_io import iter_tables
from pipelines.tokens.counts import add_token_counts


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
