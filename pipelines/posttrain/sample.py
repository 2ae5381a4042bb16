"""Deterministic post-training sampler: plan cells -> ordered (conversation, repetition) rows -> shards.

The selection is the text mix's (pipelines.mix.sample.select_copies): per cell every conversation
``full_epochs`` times plus the md5-ranked prefix closest to the remainder, copies spread over the
stream by their shuffle key. Units are conversations (1 each) or trainable template tokens.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.mix.plan import InfeasiblePlanError
from pipelines.mix.sample import SampleInputError, configure_spill, select_copies
from pipelines.mix.shards import open_shard_folder, remove_other_shards
from pipelines.posttrain.pool import connect, conversations_sql
from pipelines.posttrain.shards import PosttrainShardWriter
from pipelines.posttrain.spec import CONVERSATIONS, PosttrainSpec
from pipelines.posttrain.tokens_task import total_column, trainable_column

CELL = ("language", "category", "mix_source")


def sample_posttrain(spec: PosttrainSpec, plan: pa.Table, parts: list[str], source_to_mix: dict[str, str],
                     out_dir: str, work_dir: str, *, memory_limit: str = "2GB", batch_rows: int = 1024
                     ) -> tuple[list[dict], list[dict]]:
    """Sample ``plan`` into out_dir/shard-NNNNN.<format>; return (cells, shards). Same inputs and
    seed give byte-identical shards. An infeasible or stale plan is an error."""
    infeasible = [r for r in plan.to_pylist() if not r["feasible"]]
    if infeasible:
        cells = ", ".join(f"{r['row_id']} [{' / '.join(r[k] for k in CELL)}]" for r in infeasible)
        raise InfeasiblePlanError(f"cannot sample an infeasible plan; infeasible cells: {cells}", plan)
    open_shard_folder(out_dir)
    con = configure_spill(connect(parts, source_to_mix), Path(work_dir), memory_limit)
    try:
        _candidates(con, spec, plan, parts)
        _check_candidates(con, plan)
        select_copies(con, spec.seed, CELL)
        cells = _cell_results(con, plan)
        total, trainable = total_column(spec.tokenizer), trainable_column(spec.tokenizer)
        ordered = con.sql(f"""
            SELECT c.id, d.messages, d.tools, c.category, c.language, c.source, c.mix_source, c.row_id,
                   CAST(c.epoch AS INTEGER) AS epoch, d.{total}, d.{trainable}
            FROM copies c JOIN conversations d ON c.id = d.id AND c.source = d.source
            ORDER BY c.shuffle_key, c.id, c.epoch
        """)
        with PosttrainShardWriter(out_dir, spec) as writer:
            for batch in ordered.to_arrow_reader(batch_rows):
                writer.write(batch)
    finally:
        con.close()
    remove_other_shards(out_dir, {s["file"] for s in writer.shards})
    return cells, writer.shards


def _candidates(con: duckdb.DuckDBPyConnection, spec: PosttrainSpec, plan: pa.Table, parts: list[str]) -> None:
    """Tables ``conversations`` (usable ones, with cell labels) and ``cand`` (one row per conversation of a planned cell)."""
    con.register("plan_cells", plan)
    con.execute(f"CREATE TEMP TABLE conversations AS SELECT * FROM ({conversations_sql(spec, '$parts')}) WHERE usable",
                {"parts": parts})
    unit = "1" if spec.unit == CONVERSATIONS else trainable_column(spec.tokenizer)
    con.execute(f"""
        CREATE TEMP TABLE cand AS
        SELECT d.id, d.cell_language AS language, d.cell_category AS category, d.source, d.mix_source, c.row_id,
               CAST({unit} AS BIGINT) AS tokens, c.target_tokens, c.full_epochs, c.remainder_tokens,
               md5('{int(spec.seed)}:pick:' || d.id) AS pick_hash
        FROM conversations d
        JOIN plan_cells c ON c.language = d.cell_language AND c.category = d.cell_category AND c.mix_source = d.mix_source
    """)


def _check_candidates(con: duckdb.DuckDBPyConnection, plan: pa.Table) -> None:
    """Refuse missing ids, duplicate ids and a plan computed from other conversations."""
    nulls = con.execute("SELECT count(*) FROM cand WHERE id IS NULL OR tokens IS NULL").fetchone()[0]
    if nulls:
        raise SampleInputError(f"{nulls} conversation(s) without id or trainable token count")
    dups = con.execute("SELECT id FROM cand GROUP BY id HAVING count(*) > 1 ORDER BY id LIMIT 3").fetchall()
    if dups:
        raise SampleInputError(f"conversation ids are not unique, e.g. {[r[0] for r in dups]}")
    found = {tuple(r[:4]): (r[4], r[5]) for r in con.execute(
        "SELECT row_id, language, category, mix_source, sum(tokens), count(*) FROM cand GROUP BY ALL").fetchall()}
    for cell in plan.to_pylist():
        key = (cell["row_id"], *(cell[k] for k in CELL))
        have = found.get(key, (0, 0))
        if have != (cell["available_tokens"], cell["docs_available"]):
            raise SampleInputError(f"stale plan: cell {key} has {have[0]:,} {cell['unit']} in {have[1]:,} conversations, "
                                   f"the plan counted {cell['available_tokens']:,} in {cell['docs_available']:,}; re-plan")


def _cell_results(con: duckdb.DuckDBPyConnection, plan: pa.Table) -> list[dict]:
    """Per plan cell: target, available and achieved units, conversations used, repetitions, largest unit."""
    achieved = {tuple(r[:4]): r[4:] for r in con.execute(
        "SELECT row_id, language, category, mix_source, sum(tokens), count(DISTINCT id), count(*) FROM copies GROUP BY ALL"
    ).fetchall()}
    largest = {tuple(r[:4]): r[4] for r in con.execute(
        "SELECT row_id, language, category, mix_source, max(tokens) FROM cand GROUP BY ALL").fetchall()}
    cells = []
    for cell in plan.to_pylist():
        key = (cell["row_id"], *(cell[k] for k in CELL))
        units, docs, reps = achieved.get(key, (0, 0, 0))
        cells.append({"row_id": cell["row_id"], "group": cell["group"], **{k: cell[k] for k in CELL},
                      "unit": cell["unit"], "target": cell["target_tokens"], "available": cell["available_tokens"],
                      "full_epochs": cell["full_epochs"], "achieved": int(units), "conversations": int(docs),
                      "repetitions": int(reps), "max_unit": int(largest.get(key) or 0)})
    return cells
