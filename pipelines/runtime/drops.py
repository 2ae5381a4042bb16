"""Split a table into kept rows and dropped rows, each drop with its stage and reason."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.schema import DROP_SCHEMA


def split_by_reason(table: pa.Table, reasons: Sequence[str | None], stage: str) -> tuple[pa.Table, pa.Table]:
    """Return ``(kept, dropped)``: rows whose reason is None are kept; the others become
    DROP_SCHEMA rows (id, source, language, stage, reason, n_chars, url)."""
    if len(reasons) != table.num_rows:
        raise ValueError(f"{stage}: {len(reasons)} reasons for {table.num_rows} rows")
    reason_arr = pa.array(reasons, type=pa.string())
    keep_mask = pc.is_null(reason_arr)
    kept = table.filter(keep_mask)
    dropped_rows = table.filter(pc.invert(keep_mask))
    dropped_reasons = reason_arr.filter(pc.invert(keep_mask))
    return kept, drop_table(dropped_rows, dropped_reasons, stage)


def drop_table(rows: pa.Table, reasons: pa.Array | Sequence[str], stage: str) -> pa.Table:
    """Build DROP_SCHEMA rows for ``rows`` with the given reasons."""
    n = rows.num_rows

    def col(name: str, default_type: pa.DataType) -> pa.Array:
        if name in rows.column_names:
            return rows.column(name).combine_chunks().cast(default_type)
        return pa.nulls(n, default_type)

    if "text" in rows.column_names:
        n_chars = pc.fill_null(pc.utf8_length(rows.column("text")), 0).cast(pa.int64())
    elif "n_chars" in rows.column_names:
        n_chars = pc.fill_null(rows.column("n_chars"), 0).cast(pa.int64())
    else:
        n_chars = pa.array([0] * n, pa.int64())
    language = col("language", pa.string()) if "language" in rows.column_names else col("declared_language", pa.string())
    return pa.Table.from_arrays(
        [
            col("id", pa.string()),
            col("source", pa.string()),
            language,
            pa.array([stage] * n, pa.string()),
            pa.array(reasons, pa.string()),
            n_chars,
            col("url", pa.string()),
        ],
        schema=DROP_SCHEMA,
    )


def empty_drops() -> pa.Table:
    """A DROP_SCHEMA table with no rows."""
    return DROP_SCHEMA.empty_table()
