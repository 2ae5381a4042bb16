"""Read curated documents where their text lies, keeping only the ids the dedup stage kept."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from pipelines import storage
from pipelines.dedup.apply import CLUSTER_SIZE_COLUMN
from pipelines.runtime.runner import WorkItem
from pipelines.storage.parquet_io import iter_tables, read_table


def kept_part(kept_dir: str | None, item: WorkItem) -> str | None:
    """The dedup stage's narrow part for ``item`` under ``kept_dir`` (``<dir>/<source>/<part>.parquet``),
    or None without a ``kept_dir`` (every document is kept)."""
    return storage.join(kept_dir, item.source, f"{item.part}.parquet") if kept_dir else None


def deduplicated_documents(text_path: str, kept_path: str | None, batch_rows: int = 1000) -> Iterator[pa.Table]:
    """Tables of the documents of ``text_path``; with ``kept_path`` (a narrow part of the dedup stage)
    only the ids it keeps, each with its ``minhash_cluster_size``, in ``text_path``'s order."""
    kept = read_table(kept_path, columns=["id", CLUSTER_SIZE_COLUMN]) if kept_path else None
    for table in iter_tables(text_path, batch_rows):
        if kept is None:
            yield table
            continue
        ids = kept.column("id").cast(table.schema.field("id").type)
        table = table.filter(pc.is_in(table.column("id"), value_set=ids))
        sizes = pc.take(kept.column(CLUSTER_SIZE_COLUMN), pc.index_in(table.column("id"), value_set=ids))
        if CLUSTER_SIZE_COLUMN in table.column_names:
            table = table.drop_columns([CLUSTER_SIZE_COLUMN])
        yield table.append_column(CLUSTER_SIZE_COLUMN, sizes)
