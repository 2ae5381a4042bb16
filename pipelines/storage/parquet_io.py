"""Parquet helpers on the data root (local or fsspec URL): atomic writes, zstd, reproducible bytes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines import storage
from pipelines.storage.checksums import file_digest


def write_table_atomic(table: pa.Table, path: str | Path) -> dict[str, int | str]:
    """Write ``table`` to ``path`` with zstd; readers never see a half-written file. Returns the
    file's size and checksum (:func:`file_digest`)."""
    with storage.AtomicFile(path) as out:
        pq.write_table(table, out.local, compression="zstd", write_statistics=True)
        return file_digest(out.local)


def write_json_atomic(data: dict, path: str | Path) -> None:
    """Write ``data`` as sorted, indented JSON, atomically."""
    storage.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", str(path))


def read_table(path: str | Path, **kwargs) -> pa.Table:
    """``pq.read_table`` for a local path or URL (``columns``, ``filters``, ... passed on)."""
    target, fs = storage.arrow_path(str(path))
    with naming_damage(str(path)):
        return pq.read_table(target, filesystem=fs, **kwargs)


def read_schema(path: str | Path) -> pa.Schema:
    """The Arrow schema of a Parquet file, local or remote."""
    target, fs = storage.arrow_path(str(path))
    return pq.read_schema(target, filesystem=fs)


def parquet_file(path: str | Path) -> pq.ParquetFile:
    """A ``pq.ParquetFile`` (streaming reader) of a local path or URL."""
    target, fs = storage.arrow_path(str(path))
    with naming_damage(str(path)):
        return pq.ParquetFile(target, filesystem=fs)


def parquet_parts(folder: str | Path) -> list[str]:
    """Sorted ``part-*.parquet`` files under ``folder``, recursively, skipping ``_``/``.`` folders and temp files."""
    return storage.files_matching(str(folder), "part-*.parquet")


class AtomicParquetWriter:
    """Stream tables into one zstd Parquet file that appears under its final name only on success.

    The schema is ``schema`` or that of the first table written; a file that received no table
    at all is still written (with a lone ``id`` column) so that every part exists, unless it is
    ``optional``. After a successful exit ``digest`` holds the file's size and checksum
    (:func:`file_digest`); it stays None for an optional file that was not written."""

    def __init__(self, path: str | Path, schema: pa.Schema | None = None, optional: bool = False):
        self.path = str(path)
        self.schema = schema
        self.optional = optional
        self._out: storage.AtomicFile | None = None
        self._writer: pq.ParquetWriter | None = None
        self.digest: dict[str, int | str] | None = None

    def write(self, table: pa.Table) -> None:
        """Append ``table`` (cast to the file's schema)."""
        if self._writer is None:
            self._open(self.schema or table.schema)
        if table.num_rows:
            self._writer.write_table(table.select(self.schema.names).cast(self.schema))

    def _open(self, schema: pa.Schema) -> None:
        self.schema = schema
        self._out = storage.AtomicFile(self.path)
        self._writer = pq.ParquetWriter(self._out.local, schema, compression="zstd")

    def __enter__(self) -> "AtomicParquetWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None and self._writer is None and not self.optional:
            self._open(self.schema or pa.schema([("id", pa.string())]))
        if self._writer is not None:
            self._writer.close()
        if self._out is None:
            return
        if exc_type is None:
            self.digest = file_digest(self._out.local)
            self._out.commit()
        else:
            self._out.discard()


BATCH_ROWS = 1000


def iter_tables(path: str, batch_rows: int = BATCH_ROWS) -> Iterator[pa.Table]:
    """Stream a Parquet part as tables of at most ``batch_rows`` rows (one empty table for an empty part,
    so that the next stage sees its schema)."""
    parquet = parquet_file(path)
    if parquet.metadata.num_rows == 0:
        yield parquet.schema_arrow.empty_table()
        return
    with naming_damage(path):
        for batch in parquet.iter_batches(batch_size=batch_rows):
            yield pa.Table.from_batches([batch])


@contextmanager
def naming_damage(path: str) -> Iterator[None]:
    """Turn Arrow's errors on an unreadable Parquet file (often without a file name) into CorruptPartError."""
    try:
        yield
    except FileNotFoundError:
        raise
    except (pa.ArrowException, OSError) as exc:
        raise CorruptPartError(path, exc) from exc


class CorruptPartError(ValueError):
    """A Parquet part under the data root cannot be read; the message names it."""

    def __init__(self, path: str, cause: Exception):
        super().__init__(f"{path}: damaged or truncated Parquet part ({cause}); rerun the stage that wrote it "
                         "(its done marker no longer matches, so the part is redone) or delete the file")
        self.path = path
