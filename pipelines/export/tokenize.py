"""Read a mix shard in order and tokenize it exactly as the token counts were made, adding BOS/EOS."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from pipelines.export.config import ExportSettings
from pipelines.storage.parquet_io import parquet_file
from pipelines.tokens.registry import load_tokenizer, tokenizer_digest

#: Documents tokenized per call of ``encode_batch_fast`` (one Parquet batch).
BATCH_ROWS = 1024


class ExportError(RuntimeError):
    """The shards cannot be exported as they are (token counts differ, bad token, ...); names file and row."""


@dataclass(frozen=True)
class TokenizedBatch:
    """Documents of one batch in shard order: metadata and ``bos + ids + eos`` per document."""

    ids: list[str]
    row_ids: list[str]
    epochs: list[int]
    tokens: list[np.ndarray]  # int32 token ids with the special tokens
    text_tokens: list[int]  # counts without special tokens (= the shard's token column)


class DocumentEncoder:
    """The spec's tokenizer with the export's BOS/EOS: ``encode_batch_fast(texts, add_special_tokens=False)``
    as pipelines/tokens/counts.py counts, then the special tokens around each document."""

    def __init__(self, tokenizer: str, settings: ExportSettings) -> None:
        self.name = tokenizer
        self.tokenizer = load_tokenizer(tokenizer)
        self.prefix = self._ids(settings.bos, "bos")
        self.suffix = self._ids(settings.eos, "eos")

    def _ids(self, token: str | None, field: str) -> list[int]:
        if token is None:
            return []
        token_id = self.tokenizer.token_to_id(token)
        if token_id is None:
            raise ExportError(f"export: field {field!r}: {token!r} is not a token of tokenizer {self.name!r}")
        return [token_id]

    @property
    def special_per_document(self) -> int:
        """BOS/EOS tokens added to every document."""
        return len(self.prefix) + len(self.suffix)

    @cached_property
    def vocab_size(self) -> int:
        """Vocabulary size including added tokens (2 ms for Gemma 3's 262,145: asked once)."""
        return self.tokenizer.get_vocab_size(with_added_tokens=True)

    @property
    def digest(self) -> str:
        """xxh3-128 of the tokenizer.json bytes the tokenizer was loaded from (an input's identity, like
        the done markers' checksums: a quarter of SHA-256's time on a 33 MB tokenizer.json)."""
        return tokenizer_digest(self.name)

    def encode(self, texts: list[str]) -> tuple[list[np.ndarray], list[int]]:
        """Per text: ``prefix + ids + suffix`` as int32 (vocabularies stay below 2**31, megatron.token_dtype)
        and the count of ``ids``."""
        encodings = self.tokenizer.encode_batch_fast(texts, add_special_tokens=False)
        prefix, suffix = self.prefix, self.suffix
        tokens, counts = [], []
        for enc in encodings:
            ids = enc.ids  # a new list per call: the special tokens go into it, then one conversion
            counts.append(len(ids))
            ids[:0] = prefix
            ids += suffix
            tokens.append(np.array(ids, dtype=np.int32))
        return tokens, counts


def tokenized_batches(shard: str, encoder: DocumentEncoder, token_column: str,
                      batch_rows: int = BATCH_ROWS) -> Iterator[TokenizedBatch]:
    """Stream ``shard`` (a mix shard, local path or URL) as tokenized batches in row order; raise
    ExportError naming the shard, row and document when a count differs from the shard's column."""
    parquet = parquet_file(shard)
    missing = [c for c in ("id", "text", "row_id", "epoch", token_column) if c not in parquet.schema_arrow.names]
    if missing:
        raise ExportError(f"{shard}: mix shard lacks column(s) {missing}")
    offset = 0
    for batch in parquet.iter_batches(batch_size=batch_rows, columns=["id", "text", "row_id", "epoch", token_column]):
        texts = batch.column("text").to_pylist()
        ids = batch.column("id").to_pylist()
        expected = batch.column(token_column).to_pylist()
        tokens, counts = encoder.encode([t or "" for t in texts])
        for i, (got, want) in enumerate(zip(counts, expected)):
            if got != want:
                raise ExportError(f"{shard}: row {offset + i} (id {ids[i]!r}): {encoder.name} gives {got} tokens but "
                                  f"column {token_column!r} says {want}; the shard was counted with another "
                                  "tokenizer or tokenizer version")
        yield TokenizedBatch(ids=ids, row_ids=batch.column("row_id").to_pylist(),
                             epochs=batch.column("epoch").to_pylist(), tokens=tokens, text_tokens=counts)
        offset += batch.num_rows
