"""Shard writer: stream ordered rows into size-bounded, byte-reproducible Parquet files.

Each shard holds at most ``max_tokens`` tokens and ``max_bytes`` UTF-8 text bytes (a single
larger document gets a shard of its own). Row groups have a fixed row count whatever the
incoming batch sizes, so the same rows always give the same bytes. A shard is written to a
hidden temporary name in the output folder and renamed into place when complete (on an object
store: to a local temporary file uploaded whole under its final key).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines import storage
from pipelines.mix.manifest import MANIFEST_NAME
from pipelines.mix.spec import ShardConfig
from pipelines.storage.checksums import file_sha256


def shard_schema(token_column: str) -> pa.Schema:
    """Columns of every output shard, in order."""
    return pa.schema(
        [
            ("id", pa.string()),
            ("text", pa.large_string()),
            ("language", pa.string()),
            ("source", pa.string()),
            ("mix_source", pa.string()),
            ("row_id", pa.string()),
            ("epoch", pa.int32()),
            ("url", pa.string()),
            (token_column, pa.int64()),
        ]
    )


def shard_name(index: int) -> str:
    """File name of shard ``index``: shard-00000.parquet, shard-00001.parquet, ..."""
    return f"shard-{index:05d}.parquet"


class ShardWriter:
    """Context manager: ``write()`` record batches in final order, read ``shards`` afterwards.
    On an exception the unfinished temporary shard is removed."""

    def __init__(self, out_dir: str | Path, token_column: str, config: ShardConfig) -> None:
        self.out_dir = str(out_dir)
        self.token_column = token_column
        self.schema = shard_schema(token_column)
        self.config = config
        self.max_tokens = config.max_tokens if config.max_tokens is not None else np.iinfo(np.int64).max
        self.max_bytes = config.max_bytes if config.max_bytes is not None else np.iinfo(np.int64).max
        self.shards: list[dict] = []
        self._writer: pq.ParquetWriter | None = None
        self._out: storage.AtomicFile | None = None
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        self._rows = self._tokens = self._text_bytes = 0

    def __enter__(self) -> ShardWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self._close_shard()
            return
        if self._writer is not None:
            self._writer.close()
        if self._out is not None:
            self._out.discard()

    def write(self, batch: pa.RecordBatch) -> None:
        """Append ``batch`` (columns of shard_schema, any order/extra ignored), cutting shards at the bounds."""
        table = pa.Table.from_batches([batch]).select(self.schema.names).cast(self.schema)
        tokens = table.column(self.token_column).to_numpy()
        text_bytes = pc.fill_null(pc.binary_length(table.column("text")), 0).to_numpy()
        start = 0
        while start < table.num_rows:
            fit = self._rows_that_fit(tokens[start:], text_bytes[start:])
            if fit == 0:
                if self._rows == 0:
                    fit = 1  # a document larger than the bound gets a shard of its own
                else:
                    self._close_shard()
                    continue
            self._append(table.slice(start, fit), int(tokens[start:start + fit].sum()),
                         int(text_bytes[start:start + fit].sum()))
            start += fit

    def _rows_that_fit(self, tokens: np.ndarray, text_bytes: np.ndarray) -> int:
        by_tokens = np.searchsorted(np.cumsum(tokens), self.max_tokens - self._tokens, side="right")
        by_bytes = np.searchsorted(np.cumsum(text_bytes), self.max_bytes - self._text_bytes, side="right")
        return int(min(by_tokens, by_bytes))

    def _append(self, table: pa.Table, tokens: int, text_bytes: int) -> None:
        if self._writer is None:
            self._open_shard()
        self._pending.append(table)
        self._pending_rows += table.num_rows
        self._rows += table.num_rows
        self._tokens += tokens
        self._text_bytes += text_bytes
        group = self.config.row_group_rows
        if self._pending_rows >= group:
            combined = pa.concat_tables(self._pending)
            full = (combined.num_rows // group) * group
            for offset in range(0, full, group):
                self._write_group(combined.slice(offset, group))
            rest = combined.slice(full)
            self._pending, self._pending_rows = ([rest] if rest.num_rows else []), rest.num_rows

    def _write_group(self, table: pa.Table) -> None:
        self._writer.write_table(table.combine_chunks(), row_group_size=table.num_rows)

    def _open_shard(self) -> None:
        name = shard_name(len(self.shards))
        self._out = storage.AtomicFile(storage.join(self.out_dir, name), durable=True)
        self._writer = pq.ParquetWriter(
            self._out.local, self.schema, compression=self.config.compression,
            compression_level=self.config.compression_level, write_statistics=True,
        )

    def _close_shard(self) -> None:
        if self._writer is None:
            return
        if self._pending_rows:
            self._write_group(pa.concat_tables(self._pending))
        self._writer.close()
        local = Path(self._out.local)
        self.shards.append({
            "file": storage.name(self._out.target), "rows": self._rows, "tokens": self._tokens,
            "text_bytes": self._text_bytes, "bytes": local.stat().st_size, "sha256": file_sha256(local),
        })
        self._out.commit()
        self._writer, self._out, self._pending, self._pending_rows = None, None, [], 0
        self._rows = self._tokens = self._text_bytes = 0


def open_shard_folder(out: str) -> None:
    """Make ``out`` ready for a new sample: created, its manifest removed (no manifest = no complete
    sample here) and temporary shard files of a killed run cleared."""
    storage.makedirs(out)
    storage.remove(storage.join(out, MANIFEST_NAME), inside=out)
    for stale in storage.glob(storage.join(out, ".shard-*.tmp")):
        storage.remove(stale, inside=out)


def remove_other_shards(out: str, keep: set[str]) -> None:
    """Delete the shard files of an earlier run in ``out`` whose names are not in ``keep``."""
    for old in storage.glob(storage.join(out, "shard-*")):
        if storage.name(old) not in keep:
            storage.remove(old, inside=out)
