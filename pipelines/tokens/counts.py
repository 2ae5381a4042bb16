"""Exact token counts: ``len(tokenizer.encode(text, add_special_tokens=False).ids)`` per document."""

from __future__ import annotations

import pyarrow as pa

from pipelines.schema import token_column
from pipelines.tokens.registry import load_tokenizer


def count_tokens(texts: list[str], tokenizer: str) -> list[int]:
    """Token count of each text with ``tokenizer``, no BOS/EOS or other special tokens.

    Uses the library's batched, multi-threaded ``encode_batch_fast`` (no offsets)."""
    tok = load_tokenizer(tokenizer)
    return [len(enc.ids) for enc in tok.encode_batch_fast(texts, add_special_tokens=False)]


def add_token_counts(table: pa.Table, tokenizers: list[str]) -> pa.Table:
    """Append a ``tokens_<name>`` int64 column per tokenizer, counted on the ``text`` column."""
    texts = table.column("text").to_pylist()
    for name in tokenizers:
        table = table.append_column(token_column(name), pa.array(count_tokens(texts, name), pa.int64()))
    return table
