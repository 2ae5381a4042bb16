"""JSON lines of token ids: one document per line ``{"id", "row_id", "epoch", "tokens"}`` (BOS/EOS included).

The token lists are formatted by Arrow per batch (ids cast to strings and joined in C++), about half
the time of ``json.dumps`` per document; the metadata of each line still goes through ``json.dumps``,
so ids and row ids are escaped exactly as JSON wants."""

from __future__ import annotations

import json
from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.export.tokenize import TokenizedBatch

#: Batches can exceed 2 GiB of text, so every Arrow string here is a large_string.
_TEXT = pa.large_string()


def write_part(batches: Iterable[TokenizedBatch], local_path: str) -> dict:
    """Write one mix shard's documents to ``local_path``; return its documents and tokens."""
    docs = tokens = 0
    with open(local_path, "wb") as out:
        for batch in batches:
            if not batch.ids:
                continue
            out.write(batch_lines(batch))
            docs += len(batch.ids)
            tokens += sum(map(len, batch.tokens))
    return {"docs": docs, "tokens": tokens}


def batch_lines(batch: TokenizedBatch) -> pa.Buffer:
    """The UTF-8 lines of one batch, each ``{"id":...,"row_id":...,"epoch":...,"tokens":[...]}`` + newline."""
    offsets = np.zeros(len(batch.tokens) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, batch.tokens), dtype=np.int64, count=len(batch.tokens)), out=offsets[1:])
    values = pa.array(np.concatenate(batch.tokens)).cast(_TEXT)
    ids = pc.binary_join(pa.LargeListArray.from_arrays(pa.array(offsets), values), pa.scalar(",", _TEXT))
    heads = pa.array([json.dumps({"id": doc_id, "row_id": row_id, "epoch": epoch}, ensure_ascii=False,
                                 separators=(",", ":"))[:-1] + ',"tokens":['
                      for doc_id, row_id, epoch in zip(batch.ids, batch.row_ids, batch.epochs)], _TEXT)
    lines = pc.binary_join_element_wise(heads, ids, pa.scalar("]}\n", _TEXT), pa.scalar("", _TEXT))
    whole = pa.LargeListArray.from_arrays(pa.array([0, len(lines)], pa.int64()), lines)
    return pc.binary_join(whole, pa.scalar("", _TEXT))[0].as_buffer()
