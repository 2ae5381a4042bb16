"""Deterministic, token-exact sampler: plan cells -> ordered (document, repetition) rows -> shards.

Per plan cell every document is taken ``full_epochs`` times, plus one more copy for a
subset: documents are ranked by md5("<seed>:pick:<id>"), and the prefix of that ranking
whose cumulative tokens land closest to ``remainder_tokens`` is kept (so the cell is off by
less than one document). Copy ``e`` of a document with ``c`` copies gets the shuffle key
``(e + u) / c`` where ``u`` in [0, 1) comes from md5("<seed>:shuffle:<id>"): copies of one
document sit 1/c of the stream apart and every cell is spread evenly over the whole stream.
All selection and ordering runs in DuckDB, spilling to the local ``work_dir``; the ordered rows are
streamed as Arrow batches into shards, so memory does not grow with the pool.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines import storage
from pipelines.mix.manifest import build_manifest, write_manifest
from pipelines.mix.plan import InfeasiblePlanError
from pipelines.mix.shards import (
    ShardWriter,
    open_shard_folder,
    remove_other_shards,
    shard_name,
)
from pipelines.mix.spec import MixSpec
from pipelines.storage.parquet_io import read_schema

DOCUMENT_COLUMNS = ("id", "text", "url", "source", "language")
#: The columns sampling reads from the documents when their text lies in other files (``text_paths``).
CANDIDATE_COLUMNS = ("id", "source", "language")
_PLAN_COLUMNS = ("row_id", "group", "language", "mix_source", "target_tokens", "available_tokens",
                 "docs_available", "full_epochs", "remainder_tokens", "feasible")


class SampleInputError(ValueError):
    """Documents or plan do not fit together (missing column, duplicate id, stale plan)."""


def sample_mix(spec: MixSpec, plan: pa.Table, document_paths: list[str], source_to_mix: dict[str, str],
               out_dir: str, work_dir: str, *, memory_limit: str = "2GB", threads: int | None = None,
               batch_rows: int = 2048, text_paths: list[str] | None = None) -> dict:
    """Sample ``plan`` from the documents into out_dir/shard-NNNNN.parquet + manifest.json and
    return the manifest (documents and ``out_dir``: local paths or fsspec URLs; ``work_dir``: local).
    The documents carry id, source, language and the spec's token column, and their text and url
    unless ``text_paths`` names the files holding those (the tokens stage's narrow parts do).
    Same inputs and spec.seed give byte-identical output (whatever the memory limit, thread count
    or batch size). DuckDB's out-of-core sort needs roughly 300 MB of ``memory_limit`` per thread;
    lower ``threads`` to sample with less memory."""
    _check_plan(spec, plan)
    paths = [str(p) for p in document_paths]
    texts = [str(p) for p in text_paths] if text_paths is not None else paths
    if text_paths is None:
        _check_documents(paths, (*DOCUMENT_COLUMNS, spec.token_column))
    else:
        _check_documents(paths, (*CANDIDATE_COLUMNS, spec.token_column))
        _check_documents(texts, DOCUMENT_COLUMNS)
    out = str(out_dir)
    open_shard_folder(out)
    con = configure_spill(duckdb.connect(), Path(work_dir), memory_limit, threads)
    try:
        storage.register_duckdb(con, *paths, *texts)
        _load_inputs(con, spec, plan, paths, texts, source_to_mix)
        _check_candidates(con, plan)
        select_copies(con, spec.seed)
        cells = _cell_results(con, plan)
        with ShardWriter(out, spec.token_column, spec.shard) as writer:
            reader = con.sql(_ORDERED_ROWS.format(tok=spec.token_column)).to_arrow_reader(batch_rows)
            for batch in reader:
                writer.write(batch)
        shards = writer.shards
    finally:
        con.close()
    remove_other_shards(out, {shard_name(i) for i in range(len(shards))})
    manifest = build_manifest(spec, cells, shards)
    if manifest["totals"]["tokens"] != sum(c["achieved_tokens"] for c in cells):
        raise RuntimeError("shard tokens differ from the selected tokens; the sample is inconsistent")
    write_manifest(out, manifest)
    return manifest


def configure_spill(con: duckdb.DuckDBPyConnection, work_dir: Path, memory_limit: str,
                    threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """``con`` (an in-memory DuckDB) spilling to work_dir/duckdb-spill beyond ``memory_limit``."""
    spill = work_dir / "duckdb-spill"
    spill.mkdir(parents=True, exist_ok=True)
    con.execute(f"SET temp_directory = {storage.sql_literal(str(spill))}")
    con.execute(f"SET memory_limit = {storage.sql_literal(memory_limit)}")
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    return con



def _check_plan(spec: MixSpec, plan: pa.Table) -> None:
    missing = [c for c in _PLAN_COLUMNS if c not in plan.column_names]
    if missing:
        raise SampleInputError(f"plan lacks column(s) {missing}; build it with plan_mix()")
    bad = [r for r in plan.select(list(_PLAN_COLUMNS)).to_pylist() if not r["feasible"]]
    if bad:
        listed = ", ".join(f"{r['row_id']} [{r['language']} / {r['mix_source']}]" for r in bad)
        raise InfeasiblePlanError(f"cannot sample an infeasible plan; infeasible cells: {listed}", plan)
    planned: dict[str, int] = {}
    for row_id, target in zip(plan.column("row_id").to_pylist(), plan.column("target_tokens").to_pylist()):
        planned[row_id] = planned.get(row_id, 0) + target
    expected = {row.id: row.tokens for row in spec.rows}
    if planned != expected:
        wrong = sorted(set(planned) ^ set(expected)) or [r for r in expected if planned.get(r) != expected[r]]
        raise SampleInputError(f"plan does not match spec {spec.name!r} (rows {wrong}); re-plan with plan_mix()")


def _check_documents(paths: list[str], columns: tuple[str, ...]) -> None:
    if not paths:
        raise SampleInputError("no document files given")
    for path in paths:
        try:
            names = read_schema(path).names
        except (OSError, pa.ArrowInvalid) as exc:
            raise SampleInputError(f"{path}: cannot read Parquet schema: {exc}") from exc
        missing = [c for c in columns if c not in names]
        if missing:
            raise SampleInputError(f"{path}: document file lacks column(s) {missing}")


def _load_inputs(con: duckdb.DuckDBPyConnection, spec: MixSpec, plan: pa.Table, paths: list[str],
                 text_paths: list[str], source_to_mix: dict[str, str]) -> None:
    con.register("plan_cells", plan.select(list(_PLAN_COLUMNS)))
    con.register("source_labels", pa.table({"source": pa.array(list(source_to_mix), pa.string()),
                                            "mix_source": pa.array(list(source_to_mix.values()), pa.string())}))
    con.execute("CREATE TEMP TABLE cells AS SELECT * FROM plan_cells")
    con.execute("CREATE TEMP TABLE src_map AS SELECT * FROM source_labels")
    files = ", ".join(storage.sql_literal(p) for p in paths)
    con.execute(f"CREATE VIEW documents AS SELECT * FROM read_parquet([{files}], union_by_name = true)")
    text_files = ", ".join(storage.sql_literal(p) for p in text_paths)
    con.execute(f"CREATE VIEW texts AS SELECT * FROM read_parquet([{text_files}], union_by_name = true)")
    con.execute(f"""
        CREATE TEMP TABLE cand AS
        SELECT d.id, d.language, d.source, m.mix_source, c.row_id, CAST(d."{spec.token_column}" AS BIGINT) AS tokens,
               c.target_tokens, c.full_epochs, c.remainder_tokens,
               md5('{int(spec.seed)}:pick:' || d.id) AS pick_hash
        FROM documents d
        JOIN src_map m ON d.source = m.source
        JOIN cells c ON c.language = d.language AND c.mix_source = m.mix_source
    """)


def _check_candidates(con: duckdb.DuckDBPyConnection, plan: pa.Table) -> None:
    """Refuse null token counts, duplicate ids and a plan computed from other documents."""
    nulls = con.execute("SELECT id FROM cand WHERE tokens IS NULL OR id IS NULL ORDER BY id LIMIT 3").fetchall()
    if nulls:
        raise SampleInputError(f"documents without id or token count, e.g. {[r[0] for r in nulls]}")
    dups = con.execute("SELECT id FROM cand GROUP BY id HAVING count(*) > 1 ORDER BY id LIMIT 3").fetchall()
    if dups:
        raise SampleInputError(f"document ids are not unique, e.g. {[r[0] for r in dups]}")
    found = {
        (row_id, lang, src): (tokens, docs)
        for row_id, lang, src, tokens, docs in con.execute(
            "SELECT row_id, language, mix_source, sum(tokens), count(*) FROM cand GROUP BY ALL").fetchall()
    }
    for cell in plan.select(["row_id", "language", "mix_source", "available_tokens", "docs_available"]).to_pylist():
        have = found.get((cell["row_id"], cell["language"], cell["mix_source"]), (0, 0))
        if have != (cell["available_tokens"], cell["docs_available"]):
            raise SampleInputError(
                f"stale plan: cell {cell['row_id']} [{cell['language']} / {cell['mix_source']}] has {have[0]:,} tokens "
                f"in {have[1]:,} documents, but the plan counted {cell['available_tokens']:,} tokens in "
                f"{cell['docs_available']:,}; re-plan from a pool of these documents")


def select_copies(con: duckdb.DuckDBPyConnection, seed: int, cell: tuple[str, ...] = ("language", "mix_source")) -> None:
    """Build table ``copies`` from table ``cand``: one row per (document, repetition) with its shuffle
    key, cut per (row_id, *cell) (the post-training sampler adds ``category`` to the cell)."""
    keys = ", ".join(("row_id", *cell))
    con.execute(f"""
        CREATE TEMP TABLE ranked AS
        SELECT *, sum(tokens) OVER (PARTITION BY {keys} ORDER BY pick_hash, id
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum
        FROM cand WHERE target_tokens > 0
    """)
    con.execute(f"""
        CREATE TEMP TABLE cuts AS
        SELECT {keys},
               CASE WHEN hi IS NOT NULL AND hi - r < r - lo THEN hi ELSE lo END AS cut
        FROM (SELECT {keys}, any_value(remainder_tokens) AS r,
                     coalesce(max(cum) FILTER (WHERE cum <= remainder_tokens), 0) AS lo,
                     min(cum) FILTER (WHERE cum > remainder_tokens) AS hi
              FROM ranked GROUP BY ALL)
    """)
    con.execute(f"""
        CREATE TEMP TABLE copies AS
        SELECT id, source, {keys}, tokens, epoch,
               (epoch + u) / n_copies AS shuffle_key
        FROM (SELECT r.*, k.cut,
                     r.full_epochs + CASE WHEN k.cut > 0 AND r.cum <= k.cut THEN 1 ELSE 0 END AS n_copies,
                     (md5_number_upper('{int(seed)}:shuffle:' || r.id) >> 11)::DOUBLE / 9007199254740992.0 AS u,
                     unnest(range(n_copies)) AS epoch
              FROM ranked r JOIN cuts k USING ({keys}))
    """)


def _cell_results(con: duckdb.DuckDBPyConnection, plan: pa.Table) -> list[dict]:
    """Per plan cell: target, available, achieved tokens, docs used, repetitions, largest doc."""
    achieved = {
        (r, lang, src): (tokens, docs, reps)
        for r, lang, src, tokens, docs, reps in con.execute(
            "SELECT row_id, language, mix_source, sum(tokens), count(DISTINCT id), count(*) FROM copies GROUP BY ALL"
        ).fetchall()
    }
    largest = {
        (r, lang, src): biggest
        for r, lang, src, biggest in con.execute(
            "SELECT row_id, language, mix_source, max(tokens) FROM cand GROUP BY ALL").fetchall()
    }
    cells = []
    for cell in plan.select(list(_PLAN_COLUMNS)).to_pylist():
        key = (cell["row_id"], cell["language"], cell["mix_source"])
        tokens, docs, reps = achieved.get(key, (0, 0, 0))
        cells.append({
            "row_id": cell["row_id"], "group": cell["group"], "language": cell["language"],
            "mix_source": cell["mix_source"], "target_tokens": cell["target_tokens"],
            "available_tokens": cell["available_tokens"], "full_epochs": cell["full_epochs"],
            "achieved_tokens": int(tokens), "docs": int(docs), "repetitions": int(reps),
            "max_doc_tokens": int(largest.get(key) or 0),
        })
    return cells


_ORDERED_ROWS = """
    SELECT c.id, d.text, c.language, c.source, c.mix_source, c.row_id, CAST(c.epoch AS INTEGER) AS epoch,
           d.url, c.tokens AS "{tok}"
    FROM copies c
    JOIN (SELECT id, language, source, text, url FROM texts) d
      ON c.id = d.id AND c.language = d.language AND c.source = d.source
    ORDER BY c.shuffle_key, c.id, c.epoch
"""
