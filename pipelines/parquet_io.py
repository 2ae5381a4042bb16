"""Parquet writing helpers: atomic (temp name + rename), zstd, reproducible bytes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def write_table_atomic(table: pa.Table, path: str | Path) -> None:
    """Write ``table`` to ``path`` with zstd; readers never see a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd", write_statistics=True)
    os.replace(tmp, path)


def write_json_atomic(data: dict, path: str | Path) -> None:
    """Write ``data`` as sorted, indented JSON, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def parquet_parts(folder: str | Path) -> list[str]:
    """Sorted ``part-*.parquet`` files under ``folder``, recursively, skipping ``_``/``.`` folders and temp files."""
    root = Path(folder)
    return sorted(
        str(p)
        for p in root.rglob("part-*.parquet")
        if not any(c.startswith(("_", ".")) for c in p.relative_to(root).parts)
    )


class AtomicParquetWriter:
    """Stream tables into one zstd Parquet file that appears under its final name only on success.

    The schema is ``schema`` or that of the first table written; a file that received no table
    at all is still written (with a lone ``id`` column) so that every part exists."""

    def __init__(self, path: str | Path, schema: pa.Schema | None = None):
        self.path = Path(path)
        self.tmp = self.path.with_name(f".{self.path.name}.tmp")
        self.schema = schema
        self._writer: pq.ParquetWriter | None = None

    def write(self, table: pa.Table) -> None:
        """Append ``table`` (cast to the file's schema)."""
        if self._writer is None:
            self._open(self.schema or table.schema)
        if table.num_rows:
            self._writer.write_table(table.select(self.schema.names).cast(self.schema))

    def _open(self, schema: pa.Schema) -> None:
        self.schema = schema
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(self.tmp, schema, compression="zstd")

    def __enter__(self) -> "AtomicParquetWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None and self._writer is None:
            self._open(self.schema or pa.schema([("id", pa.string())]))
        if self._writer is not None:
            self._writer.close()
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)
