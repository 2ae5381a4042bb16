"""Tokens stage as a file task: exact counts per configured tokenizer, written as narrow parts.

The stage reads each part where its text lies (the quality stage's folder, or decontam's), keeps
the ids the dedup stage kept, and writes one row per document without the text: id, source,
language, cluster size, UTF-8 bytes, ``tokens_<name>`` per tokenizer and ``text_part``, the path
under the data root of the part holding the document's text (:mod:`pipelines.curate.curated`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from pipelines import storage
from pipelines.curate.documents import deduplicated_documents, kept_part
from pipelines.dedup.apply import CLUSTER_SIZE_COLUMN
from pipelines.runtime.drops import empty_drops
from pipelines.runtime.problems import ErrorLog
from pipelines.runtime.runner import WorkItem
from pipelines.schema import token_column
from pipelines.tokens.counts import add_token_counts

#: The columns of a tokens part besides ``tokens_<name>`` per tokenizer.
NARROW_COLUMNS = ("id", "source", "language", CLUSTER_SIZE_COLUMN, "text_bytes", "text_part")


@dataclass(frozen=True)
class TokensTask:
    """Exact token counts for every configured tokenizer, over the documents dedup kept."""

    tokenizers: tuple[str, ...]
    root: str  # the data root: text_part is relative to it
    kept_dir: str | None = None  # curate/dedup: narrow parts naming the kept ids (None: every document)
    kept_fingerprint: str = ""  # what the kept parts were built from
    name: str = "tokens"

    def fingerprint(self) -> str:
        return f"tokens-v2-narrow|{self.tokenizers}|{self.kept_fingerprint}"

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        text_part = storage.relative_to(item.in_path, self.root)
        for table in deduplicated_documents(item.in_path, kept_part(self.kept_dir, item)):
            yield narrow(add_token_counts(table, list(self.tokenizers)), self.tokenizers, text_part), empty_drops()


def narrow(table: pa.Table, tokenizers: tuple[str, ...], text_part: str) -> pa.Table:
    """The NARROW_COLUMNS and token columns of documents that carry text and token counts."""
    n = table.num_rows
    columns = {
        "id": table.column("id"),
        "source": table.column("source"),
        "language": table.column("language"),
        CLUSTER_SIZE_COLUMN: table.column(CLUSTER_SIZE_COLUMN) if CLUSTER_SIZE_COLUMN in table.column_names
        else pa.array([1] * n, pa.int64()),
        "text_bytes": pc.binary_length(table.column("text")).cast(pa.int64()),
        "text_part": pa.array([text_part] * n, pa.string()),
    }
    columns.update({token_column(t): table.column(token_column(t)) for t in tokenizers})
    return pa.table(columns)
