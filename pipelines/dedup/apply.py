"""Phase 3 of dedup: which documents of one input file survive the clusters of find_duplicates.

The stage writes no copy of the documents: per part, the ids it keeps with their cluster size (a
narrow part) and a drop row per duplicate; the tokens stage reads the text where it already lies."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import storage
from pipelines.runtime.drops import split_by_reason
from pipelines.storage.parquet_io import read_schema, read_table

CLUSTER_SIZE_COLUMN = "minhash_cluster_size"
#: The columns of a part phase 3 reads: what its kept ids and drop rows need, never the text.
READ_COLUMNS = ("id", "source", "language", "url", "n_chars")
#: The columns of a kept (narrow) part.
KEPT_COLUMNS = ("id", "language", CLUSTER_SIZE_COLUMN)


def apply_dedup(in_path: str, duplicates_path: str) -> tuple[pa.Table, pa.Table]:
    """Return ``(kept, dropped)`` for ``in_path``: kept rows are ``KEPT_COLUMNS`` (their cluster's
    size, 1 for singletons); dropped rows are DROP_SCHEMA rows of stage ``dedup`` with reason
    exact_duplicate or near_duplicate. Only the rows of ``duplicates_path`` whose id is in
    ``in_path`` are read into memory, and of ``in_path`` only READ_COLUMNS."""
    names = read_schema(in_path).names
    if "id" not in names:
        raise ValueError(f"{in_path}: no 'id' column")
    table = read_table(in_path, columns=[c for c in READ_COLUMNS if c in names])
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
    table = table.append_column(CLUSTER_SIZE_COLUMN, cluster_size)
    kept, dropped = split_by_reason(table, reasons, stage="dedup")
    if "language" not in kept.column_names:
        kept = kept.append_column("language", pa.nulls(kept.num_rows, pa.string()))
    return kept.select(list(KEPT_COLUMNS)), dropped
