"""Post-training shards in the layout TRL and axolotl read: ``messages`` in the OpenAI form and ``tools``.

Parquet shards hold ``messages`` as a list of structs (role, content, reasoning_content, name,
tool_call_id, tool_calls: id, type, function: name, arguments as JSON text) and ``tools`` as the
JSON text of the OpenAI tool definitions (JSON Schema has no fixed Arrow type); JSON-lines shards
hold the same conversation as plain JSON, ``tools`` as a list. Every shard holds at most
``max_rows`` conversations and is written to a temporary name and renamed (one upload on an object
store) when complete; the same rows give the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines import storage
from pipelines.posttrain.spec import PosttrainShard, PosttrainSpec
from pipelines.posttrain.tokens_task import (
    template_messages,
    total_column,
    trainable_column,
)
from pipelines.storage.checksums import file_sha256

FUNCTION_TYPE = pa.struct([("name", pa.string()), ("arguments", pa.large_string())])
OPENAI_TOOL_CALL_TYPE = pa.struct([("id", pa.string()), ("type", pa.string()), ("function", FUNCTION_TYPE)])
OPENAI_MESSAGE_TYPE = pa.struct(
    [
        ("role", pa.string()),
        ("content", pa.large_string()),
        ("reasoning_content", pa.large_string()),
        ("name", pa.string()),
        ("tool_call_id", pa.string()),
        ("tool_calls", pa.list_(OPENAI_TOOL_CALL_TYPE)),
    ]
)
#: Columns copied from the sampler's rows as they are, after messages and tools.
LABEL_COLUMNS = ("category", "language", "source", "mix_source", "row_id", "epoch")


def shard_schema(spec: PosttrainSpec) -> pa.Schema:
    """Columns of every Parquet shard of ``spec``, in order."""
    return pa.schema(
        [("id", pa.string()), ("messages", pa.list_(OPENAI_MESSAGE_TYPE)), ("tools", pa.large_string()),
         ("category", pa.string()), ("language", pa.string()), ("source", pa.string()), ("mix_source", pa.string()),
         ("row_id", pa.string()), ("epoch", pa.int32()),
         (total_column(spec.tokenizer), pa.int64()), (trainable_column(spec.tokenizer), pa.int64())]
    )


def shard_name(index: int, shard: PosttrainShard) -> str:
    """shard-00000.parquet (or .jsonl), shard-00001..."""
    return f"shard-{index:05d}.{shard.format}"


def openai_rows(batch: pa.RecordBatch, spec: PosttrainSpec) -> list[dict]:
    """The sampler's rows (CONVERSATION_SCHEMA messages + labels + counts) as OpenAI-form shard rows."""
    counts = (total_column(spec.tokenizer), trainable_column(spec.tokenizer))
    rows = []
    for row in batch.to_pylist():
        rows.append({"id": row["id"], "messages": template_messages(row), "tools": row["tools"],
                     **{k: row[k] for k in LABEL_COLUMNS}, **{k: row[k] for k in counts}})
    return rows


class PosttrainShardWriter:
    """Context manager: ``write()`` sampler batches in final order; ``shards`` lists what was written."""

    def __init__(self, out_dir: str, spec: PosttrainSpec) -> None:
        self.out_dir = out_dir
        self.spec = spec
        self.schema = shard_schema(spec)
        self.shards: list[dict] = []
        self._rows: list[dict] = []

    def __enter__(self) -> PosttrainShardWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None and self._rows:
            self._flush()

    def write(self, batch: pa.RecordBatch) -> None:
        """Append the batch's rows, writing a shard whenever ``max_rows`` are buffered."""
        self._rows.extend(openai_rows(batch, self.spec))
        while len(self._rows) >= self.spec.shard.max_rows:
            self._flush()

    def _flush(self) -> None:
        rows, self._rows = self._rows[:self.spec.shard.max_rows], self._rows[self.spec.shard.max_rows:]
        target = storage.join(self.out_dir, shard_name(len(self.shards), self.spec.shard))
        with storage.AtomicFile(target, durable=True) as out:
            if self.spec.shard.format == "parquet":
                table = pa.Table.from_pylist(rows, schema=self.schema)
                pq.write_table(table, out.local, compression="zstd", row_group_size=1024,
                               compression_level=self.spec.shard.compression_level)
            else:
                _write_jsonl(rows, out.local)
            local = Path(out.local)
            total, trainable = total_column(self.spec.tokenizer), trainable_column(self.spec.tokenizer)
            self.shards.append({
                "file": storage.name(target), "rows": len(rows),
                "tokens": sum(r[total] for r in rows), "trainable_tokens": sum(r[trainable] for r in rows),
                "bytes": local.stat().st_size, "sha256": file_sha256(local),
            })


def _write_jsonl(rows: list[dict], path: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            messages = [{k: v for k, v in m.items() if v is not None} for m in row["messages"]]
            tools = None if row["tools"] is None else json.loads(row["tools"])
            handle.write(json.dumps({**row, "messages": messages, "tools": tools}, ensure_ascii=False) + "\n")
