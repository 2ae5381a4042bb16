"""JSON lines of token ids: one document per line ``{"id", "row_id", "epoch", "tokens"}`` (BOS/EOS included)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from pipelines.export.tokenize import TokenizedBatch


def write_part(batches: Iterable[TokenizedBatch], local_path: str) -> dict:
    """Write one mix shard's documents to ``local_path``; return its documents and tokens."""
    docs = tokens = 0
    with open(local_path, "w", encoding="utf-8") as out:
        for batch in batches:
            for doc_id, row_id, epoch, ids in zip(batch.ids, batch.row_ids, batch.epochs, batch.tokens):
                out.write(json.dumps({"id": doc_id, "row_id": row_id, "epoch": epoch, "tokens": ids.tolist()},
                                     ensure_ascii=False, separators=(",", ":")))
                out.write("\n")
                docs += 1
                tokens += len(ids)
    return {"docs": docs, "tokens": tokens}
