"""Health numbers of a curation run: drop rates per stage and language purity per source.

Dagster asset checks and the CLI read these; the thresholds live with the checks."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa

from pipelines import storage
from pipelines.curate.one_pass import (
    DECLARED,
    DECLARED_SAME,
    PASS_STAGES,
    is_pass_stats,
    pass_stage_outcome,
)
from pipelines.runtime.problems import ErrorLog
from pipelines.runtime.runner import (
    StageOutcome,
    done_parts,
    merge_outcomes,
    part_stats,
)
from pipelines.schema import token_column
from pipelines.storage.layout import DataLayout, StageFolder
from pipelines.storage.parquet_io import parquet_parts


def source_summaries(layout: DataLayout, stage: str) -> dict[str, StageOutcome]:
    """Per source: documents in/out, drops and input problems of a finished stage, from its part
    stats; for a stage of the pass, from the stats the pass wrote into the quality folder."""
    summaries = {folder.source: folder_outcome(stage, folder.path) for folder in layout.stage_folders(stage)}
    if stage in PASS_STAGES:
        for folder in layout.stage_folders(PASS_STAGES[-1]):
            if folder.source not in summaries and _written_by_pass(folder.path):
                summaries[folder.source] = folder_outcome(stage, folder.path)
    return dict(sorted(summaries.items()))


def folder_outcome(stage: str, out_dir: str) -> StageOutcome:
    """``stage``'s numbers over the done parts of one folder (its own, or the pass's), each part's stats read once."""
    outcome = StageOutcome(stage=stage, out_dir=out_dir, parts=[])
    for part in sorted(done_parts(out_dir)):
        stats, path = part_stats(out_dir, part), StageFolder(out_dir).part(part)
        if is_pass_stats(stats):
            one = pass_stage_outcome(stats, stage, out_dir, path)
            outcome.add(one.docs_in, one.docs_out, one.dropped, one.errors)
        else:
            outcome.add(stats["docs_in"], stats["docs_out"], stats["dropped"], ErrorLog.from_dict(stats["errors"]))
        outcome.parts.append(path)
    return outcome


def _written_by_pass(out_dir: str) -> bool:
    """True when the folder's parts were written by the pass (their stats count each stage's documents)."""
    parts = sorted(done_parts(out_dir))
    return bool(parts) and is_pass_stats(part_stats(out_dir, parts[0]))


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
    source language) that language ID assigned to that same language (from the langid stage's parts,
    or the counts the pass recorded). Sources that declare no language are left out."""
    purity = _pass_purity(layout)
    parts = parquet_parts(layout.stage_dir("langid"))
    if not parts:
        return purity
    sql = """
        SELECT source, avg(CASE WHEN language = declared_language THEN 1.0 ELSE 0.0 END) AS purity
        FROM read_parquet($parts, union_by_name = true)
        WHERE declared_language IS NOT NULL AND language IS NOT NULL
        GROUP BY source ORDER BY source
    """
    with duckdb.connect() as con:
        storage.register_duckdb(con, *parts)
        purity.update(con.execute(sql, {"parts": parts}).fetchall())
    return dict(sorted(purity.items()))


def _pass_purity(layout: DataLayout) -> dict[str, float]:
    """language_purity of the sources the pass curated, from the counts in its part stats."""
    purity = {}
    for folder in layout.stage_folders(PASS_STAGES[-1]):
        if not _written_by_pass(folder.path):
            continue
        counts = [part_stats(folder.path, part)["counts"] for part in sorted(done_parts(folder.path))]
        declared = sum(c[DECLARED] for c in counts)
        if declared:
            purity[folder.source] = sum(c[DECLARED_SAME] for c in counts) / declared
    return purity
