"""Phase 3 of dedup: filter one input file by the clusters of find_duplicates."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import storage
from pipelines.runtime.drops import split_by_reason
from pipelines.storage.parquet_io import read_table

CLUSTER_SIZE_COLUMN = "minhash_cluster_size"


def apply_dedup(in_path: str, duplicates_path: str) -> tuple[pa.Table, pa.Table]:
    """Return ``(kept, dropped)`` for ``in_path``: kept rows gain ``minhash_cluster_size``
    (their cluster's size, 1 for singletons); dropped rows are DROP_SCHEMA rows of stage
    ``dedup`` with reason exact_duplicate or near_duplicate. Only the rows of
    ``duplicates_path`` whose id is in ``in_path`` are read into memory."""
    table = read_table(in_path)
    if "id" not in table.column_names:
        raise ValueError(f"{in_path}: no 'id' column")
    ids = table.select(["id"])
    with duckdb.connect() as con:
        storage.register_duckdb(con, duplicates_path)
        con.register("file_ids", ids)
        matches = con.sql(
            "SELECT id, cluster_size, reason FROM read_parquet($path) WHERE id IN (SELECT id FROM file_ids)",
            params={"path": duplicates_path},
        ).to_arrow_table()
    position = pc.index_in(ids.column("id"), value_set=matches.column("id").cast(ids.column("id").type))
    cluster_size = pc.fill_null(pc.take(matches.column("cluster_size"), position), 1).cast(pa.int64())
    reasons = pc.take(matches.column("reason"), position).to_pylist()
    if CLUSTER_SIZE_COLUMN in table.column_names:
        table = table.drop_columns([CLUSTER_SIZE_COLUMN])
    table = table.append_column(CLUSTER_SIZE_COLUMN, cluster_size)
    return split_by_reason(table, reasons, stage="dedup")
