"""Health numbers of a curation run: drop rates per stage and language purity per source.

Dagster asset checks and the CLI read these; the thresholds live with the checks."""

from __future__ import annotations

import duckdb

from pipelines import storage
from pipelines.runtime.runner import (
    StageOutcome,
    collect_outcome,
    done_parts,
    merge_outcomes,
)
from pipelines.storage.layout import DataLayout
from pipelines.storage.parquet_io import parquet_parts


def stage_summary(layout: DataLayout, stage: str) -> StageOutcome:
    """Documents in/out and drops of a finished stage, summed over its sources' part stats."""
    outcomes = [collect_outcome(stage, folder.path, sorted(done_parts(folder.path))) for folder in layout.stage_folders(stage)]
    return merge_outcomes(stage, layout.stage_dir(stage), outcomes)


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
