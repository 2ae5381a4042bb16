"""Contamination per benchmark over a finished decontamination stage: documents matched, items
matched and the share of the stage's input documents (the Dagster check's rate)."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from pipelines import storage
from pipelines.decontaminate.stage import stage_dir
from pipelines.storage.layout import DataLayout


def contamination_summary(layout: DataLayout) -> pa.Table:
    """benchmark, documents, items_matched, docs_in, rate: one row per benchmark found (none when clean)."""
    decisions = storage.join(stage_dir(layout), "*", "_decisions", "part-*.parquet")
    stats = storage.join(stage_dir(layout), "*", "_stats", "part-*.json")
    if not storage.glob(stats):
        raise RuntimeError(f"decontamination has not run under {layout.root} (no {stats})")
    with duckdb.connect() as con:
        storage.register_duckdb(con, layout.root)
        docs_in = con.sql("SELECT coalesce(sum(docs_in), 0) FROM read_json($p)", params={"p": stats}).fetchall()[0][0]
        if not storage.glob(decisions):
            return pa.table({"benchmark": pa.array([], pa.string()), "documents": pa.array([], pa.int64()),
                             "items_matched": pa.array([], pa.int64()), "docs_in": pa.array([], pa.int64()),
                             "rate": pa.array([], pa.float64())})
        return con.sql(
            "SELECT benchmark, count(DISTINCT id) AS documents, "
            "count(DISTINCT eval_language || '/' || item_id) AS items_matched, "
            "$docs_in::BIGINT AS docs_in, round(count(DISTINCT id) / greatest($docs_in, 1), 6) AS rate "
            "FROM read_parquet($p) GROUP BY benchmark ORDER BY benchmark",
            params={"p": decisions, "docs_in": docs_in},
        ).to_arrow_table()


def contamination_rates(layout: DataLayout) -> dict[str, float]:
    """benchmark -> share of the stage's input documents that contain one of its items."""
    summary = contamination_summary(layout).to_pydict()
    return dict(zip(summary["benchmark"], summary["rate"]))
