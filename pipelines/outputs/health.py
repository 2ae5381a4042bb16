"""Health numbers of a curation run: drop rates per stage and language purity per source.

Dagster asset checks and the CLI read these; the thresholds live with the checks."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa

from pipelines import storage
from pipelines.runtime.runner import (
    StageOutcome,
    collect_outcome,
    done_parts,
    merge_outcomes,
)
from pipelines.schema import token_column
from pipelines.storage.layout import DataLayout
from pipelines.storage.parquet_io import parquet_parts


def source_summaries(layout: DataLayout, stage: str) -> dict[str, StageOutcome]:
    """Per source: documents in/out, drops and input problems of a finished stage, from its part stats."""
    return {folder.source: collect_outcome(stage, folder.path, sorted(done_parts(folder.path)))
            for folder in layout.stage_folders(stage)}


def stage_summary(layout: DataLayout, stage: str) -> StageOutcome:
    """Documents in/out and drops of a finished stage, summed over its sources' part stats."""
    return merge_outcomes(stage, layout.stage_dir(stage), list(source_summaries(layout, stage).values()))


def language_summary(layout: DataLayout, stage: str, tokenizers: Sequence[str] = ()) -> pa.Table:
    """Per language of a finished stage: documents kept (``docs``) and dropped (``dropped``), and
    tokens of the kept documents per tokenizer (``tokens_<name>``), ordered by language."""
    stage_dir = layout.stage_dir(stage)
    kept = parquet_parts(stage_dir)
    dropped = storage.glob(storage.join(stage_dir, "*", "_dropped", "part-*.parquet"))
    columns = [token_column(t) for t in tokenizers]
    kept_sql = (
        "SELECT language, count(*) AS docs" + "".join(f", sum({c}) AS {c}" for c in columns)
        + " FROM read_parquet($kept, union_by_name = true) GROUP BY 1"
        if kept else "SELECT NULL::VARCHAR AS language, 0 AS docs" + "".join(f", 0 AS {c}" for c in columns) + " WHERE false"
    )
    dropped_sql = (
        "SELECT language, count(*) AS dropped FROM read_parquet($dropped) GROUP BY 1"
        if dropped else "SELECT NULL::VARCHAR AS language, 0 AS dropped WHERE false"
    )
    sql = f"""
        SELECT coalesce(language, 'none') AS language, coalesce(k.docs, 0)::BIGINT AS docs,
               coalesce(d.dropped, 0)::BIGINT AS dropped{"".join(f", coalesce(k.{c}, 0)::BIGINT AS {c}" for c in columns)}
        FROM ({kept_sql}) AS k FULL OUTER JOIN ({dropped_sql}) AS d USING (language)
        ORDER BY 1
    """
    params = {name: parts for name, parts in (("kept", kept), ("dropped", dropped)) if parts}
    with duckdb.connect() as con:
        storage.register_duckdb(con, *kept, *dropped)
        return con.sql(sql, params=params).to_arrow_table()


def drop_rate(layout: DataLayout, stage: str) -> float:
    """Fraction of a stage's input documents that it dropped (0.0 for an empty stage)."""
    summary = stage_summary(layout, stage)
    return (summary.docs_in - summary.docs_out) / summary.docs_in if summary.docs_in else 0.0


def language_purity(layout: DataLayout) -> dict[str, float]:
    """Per source: share of documents with a declared language (FineWeb2 folder, Pile file, fixed
    source language) that language ID assigned to that same language. Sources that declare no
    language are left out."""
    parts = parquet_parts(layout.stage_dir("langid"))
    if not parts:
        return {}
    sql = """
        SELECT source, avg(CASE WHEN language = declared_language THEN 1.0 ELSE 0.0 END) AS purity
        FROM read_parquet($parts, union_by_name = true)
        WHERE declared_language IS NOT NULL AND language IS NOT NULL
        GROUP BY source ORDER BY source
    """
    with duckdb.connect() as con:
        storage.register_duckdb(con, *parts)
        return dict(con.execute(sql, {"parts": parts}).fetchall())
