"""The DuckDB catalog: views over curated documents, drops, pool, plans, shards and reports.

The catalog file is always local (``DataLayout.duckdb_path``); under a remote data root the views
read the object store through its fsspec filesystem, registered on every connection."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines import storage
from pipelines.curate.curated import curated_parts, text_parts
from pipelines.curate.one_pass import PASS_STAGES
from pipelines.dedup.apply import CLUSTER_SIZE_COLUMN
from pipelines.storage.layout import CURATE_STAGES, DataLayout

# view name -> glob under the data root
VIEWS: dict[str, str] = {
    "curated_tokens": f"curate/{CURATE_STAGES[-1]}/*/part-*.parquet",
    "dropped": "curate/*/*/_dropped/part-*.parquet",
    "dropped_text": "curate/*/*/_dropped_text/part-*.parquet",
    "pool": "pool/pool.parquet",
    "plan": "mixes/*/plan.parquet",
    "mix_shards": "mixes/*/*/shard-*.parquet",
    "mix_report": "mixes/*/report.parquet",
    "duplicates": "work/dedup/duplicates.parquet",
    "cc_dry_run": "cc-index/*/dry_run.parquet",
    # post-training (docs/posttrain-mix.md): curated conversations with template token counts, drops, mixes
    "conversations": "posttrain/tokens/*/part-*.parquet",
    "conversation_drops": "posttrain/*/*/_dropped/part-*.parquet",
    "posttrain_pool": "posttrain/mixes/*/pool.parquet",
    "posttrain_plan": "posttrain/mixes/*/plan.parquet",
    "posttrain_shards": "posttrain/mixes/*/*/shard-*.parquet",
    "posttrain_report": "posttrain/mixes/*/report.parquet",
    "contamination_decisions": "curate/decontam/*/_decisions/part-*.parquet",
    "conversation_contamination": "posttrain/checks/*/_decisions/part-*.parquet",
}

# view name -> (views it reads, SQL): created when those views exist
DERIVED_VIEWS: dict[str, tuple[tuple[str, ...], str]] = {
    "dedup_source_pairs": (
        ("dropped", "duplicates"),
        "SELECT d.language, d.source AS removed_from, x.survivor_source AS kept_in, d.reason, count(*) AS docs "
        "FROM dropped AS d JOIN duplicates AS x USING (id) WHERE d.stage = 'dedup' GROUP BY ALL",
    ),
    "contamination": (
        ("contamination_decisions",),
        "SELECT benchmark, language, source, count(DISTINCT id) AS documents, "
        "count(DISTINCT eval_language || '/' || item_id) AS items_matched, list(DISTINCT action) AS actions, "
        "list(span ORDER BY matched_words DESC, id)[1:3] AS example_spans "
        "FROM contamination_decisions GROUP BY ALL ORDER BY benchmark, language, source",
    ),
}

STAGE_STATS_GLOB = "curate/*/*/_stats/part-*.json"

#: The stages of the pass and the stage before each: a part the pass wrote is one row per stage.
_PASS_ROWS = ", ".join(f"('{stage}', '{PASS_STAGES[max(i - 1, 0)]}')" for i, stage in enumerate(PASS_STAGES))

#: One row per done part and stage: counts, and the part's input problems (kept samples, see ErrorLog)
#: as a list. A part the pass wrote (its stats count the documents out of each of its stages) gives
#: a row per stage of the pass, the file's input problems on ingest's.
STAGE_PARTS_SQL = (
    "CREATE VIEW stage_parts AS WITH raw AS (SELECT regexp_extract(filename, 'curate/([^/]+)/', 1) AS folder, "
    "regexp_extract(filename, 'curate/[^/]+/([^/]+)/_stats', 1) AS source, "
    "regexp_extract(filename, '_stats/(.+)[.]json$', 1) AS part, in_path, docs_in, docs_out, errors, counts, filename "
    "FROM read_json({stats}, filename = true, "
    "columns = {{in_path: 'VARCHAR', docs_in: 'BIGINT', docs_out: 'BIGINT', errors: 'JSON', counts: 'JSON'}})), "
    "rows AS (SELECT folder AS stage, source, part, in_path, docs_in, docs_out, errors, filename FROM raw "
    "WHERE counts->>'docs_out/ingest' IS NULL UNION ALL "
    "SELECT s.stage, source, part, in_path, CAST(counts->>('docs_out/' || s.before) AS BIGINT), "
    "CAST(counts->>('docs_out/' || s.stage) AS BIGINT), "
    "CASE WHEN s.stage = 'ingest' THEN errors ELSE '{{\"counts\": {{}}, \"samples\": []}}'::JSON END, filename "
    f"FROM raw, (VALUES {_PASS_ROWS.replace('{', '{{').replace('}', '}}')}) AS s(stage, before) "
    "WHERE counts->>'docs_out/ingest' IS NOT NULL) "
    "SELECT stage, source, part, in_path, docs_in, docs_out, "
    "CAST(errors->'counts' AS MAP(VARCHAR, BIGINT)) AS problem_counts, "
    "from_json(errors->'samples', '[{{\"file\": \"VARCHAR\", \"where\": \"VARCHAR\", \"message\": \"VARCHAR\", \"kind\": \"VARCHAR\"}}]') AS problems, "
    "filename FROM rows"
)

#: One row per input problem: stage, source, part, the file and where in it (line N, byte offset N, row N).
PROBLEMS_SQL = (
    "CREATE VIEW problems AS SELECT stage, source, part, p.file, p.\"where\" AS location, p.kind, p.message "
    "FROM (SELECT stage, source, part, unnest(problems) AS p FROM stage_parts)"
)


def refresh_catalog(layout: DataLayout) -> list[str]:
    """(Re)create the views whose files exist; return the names of the views created.

    Paths are absolute, so the database works from any working directory."""
    storage.makedirs(layout.root)
    Path(layout.duckdb_path).parent.mkdir(parents=True, exist_ok=True)
    created = []
    with _connect(layout) as con:
        for name, pattern in VIEWS.items():
            full = layout.path(pattern)
            con.execute(f"DROP VIEW IF EXISTS {name}")
            if storage.glob(full):
                con.execute(
                    f"CREATE VIEW {name} AS SELECT * FROM read_parquet({storage.sql_literal(full)}, "
                    "union_by_name = true, filename = true)"
                )
                created.append(name)
        con.execute("DROP VIEW IF EXISTS documents")
        parts = text_parts(layout, curated_parts(layout)) if "curated_tokens" in created else []
        if parts:  # none when curation kept no document
            con.execute(_documents_sql(parts))
            created.append("documents")
        stats = layout.path(STAGE_STATS_GLOB)
        con.execute("DROP VIEW IF EXISTS problems")
        con.execute("DROP VIEW IF EXISTS stage_parts")
        if storage.glob(stats):
            con.execute(STAGE_PARTS_SQL.format(stats=storage.sql_literal(stats)))
            con.execute(PROBLEMS_SQL)
            created += ["stage_parts", "problems"]
        for name, (needs, sql) in DERIVED_VIEWS.items():
            con.execute(f"DROP VIEW IF EXISTS {name}")
            if set(needs) <= set(created):
                con.execute(f"CREATE VIEW {name} AS {sql}")
                created.append(name)
    return created


def _documents_sql(parts: list[str]) -> str:
    """The view ``documents``: every curated document with its text, signals and token counts (the
    tokens stage's narrow rows joined with ``parts``, the parts their text lies in)."""
    files = ", ".join(storage.sql_literal(p) for p in parts)
    shared = ", ".join(f"'{c}'" for c in ("source", "language", CLUSTER_SIZE_COLUMN))  # the narrow rows carry these
    return (f"CREATE VIEW documents AS SELECT x.*, t.* EXCLUDE (id, text_part, filename) FROM curated_tokens AS t "
            f"JOIN (SELECT COLUMNS(lambda c: c NOT IN ({shared})) FROM read_parquet([{files}], union_by_name = true)) AS x "
            "USING (id)")


def query(layout: DataLayout, sql: str) -> pa.Table:
    """Run ``sql`` against the catalog (read-only) and return the result as an Arrow table."""
    with _connect(layout, read_only=True) as con:
        return con.sql(sql).to_arrow_table()


def _connect(layout: DataLayout, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the catalog that can read the data root."""
    con = duckdb.connect(layout.duckdb_path, read_only=read_only)
    storage.register_duckdb(con, layout.root)
    return con

