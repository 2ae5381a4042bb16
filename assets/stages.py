"""What each asset runs and records, for one partition: the one place both the assets (UI runs) and the
`curate_and_mix` job (cron, demo) call, so both record the same numbers per partition."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg
import pyarrow as pa

from assets.metadata import (
    column_schema,
    composition_markdown,
    percent,
    stage_metadata,
    table_metadata,
)
from assets.partitions import mix_partitions, source_partitions
from assets.resources import SeamixSettings
from pipelines import storage
from pipelines.curate.run import DECONTAM_STAGE, PASS_STAGE, run_curate_stage
from pipelines.ingest.config import load_sources
from pipelines.mix.spec import load_mix_spec
from pipelines.mix.stages import (
    build_pool_stage,
    mix_stage,
    plan_stage,
    report_stage,
    shard_dir,
)
from pipelines.outputs.catalog import refresh_catalog
from pipelines.outputs.health import language_summary, source_summaries
from pipelines.outputs.tables import format_report
from pipelines.schema import token_column

#: Runs one partition (a source, a mix spec, or None) and returns its materialization metadata.
StageRunner = Callable[[SeamixSettings, "str | None", dg.DagsterLogManager], dict]


@dataclass(frozen=True)
class Stage:
    """One asset of the graph: its name, group, partitioning, kinds and what it runs."""

    asset: str
    group: str
    description: str
    kinds: frozenset[str]
    run: StageRunner
    engine: str  # ``module:name`` of the engine class or function doing the work (the asset's code reference)
    partitions_def: dg.PartitionsDefinition | None = None
    deps: tuple[str, ...] = ()

    @property
    def step(self) -> str:
        """The stage's short name: its group's last segment without the order prefix (``ingest``)."""
        return self.group.rsplit("/", 1)[-1].split("_", 1)[1]


def _per_source(stage: str) -> StageRunner:
    """A stage of the pass, run alone (``one_pass: false``); its metadata from its own stats."""
    def run(settings: SeamixSettings, source: str | None, log: dg.DagsterLogManager) -> dict:
        run_curate_stage(stage, settings.curate_config(), sources=[source], progress=lambda p: log.info(p.describe()))
        return stage_metadata(source_summaries(settings.layout, stage)[source])

    return run


def run_pass_partition(settings: SeamixSettings, source: str, log: dg.DagsterLogManager) -> dict[str, dict]:
    """Run ingest → extract → langid → quality for one source (one pass, or the stages one by one
    with ``one_pass: false``); return each stage asset's metadata, from that stage's own numbers."""
    config = settings.curate_config()
    if config.one_pass:
        run_curate_stage(PASS_STAGE, config, sources=[source], progress=lambda p: log.info(p.describe()))
    else:
        for stage in PASS_ASSET_STAGES:
            stage.run(settings, source, log)
    return {stage.asset: stage_metadata(source_summaries(settings.layout, stage.step)[source])
            for stage in PASS_ASSET_STAGES}


def _languages_table(summary: pa.Table, tokenizers: list[str]) -> pa.Table:
    """Per language: docs kept and dropped, the dropped share in percent, and tokens."""
    docs, dropped = summary.column("docs").to_pylist(), summary.column("dropped").to_pylist()
    columns = {
        "language": summary.column("language"),
        "docs": summary.column("docs"),
        "dropped": summary.column("dropped"),
        "dropped_pct": pa.array([percent(d, d + k) for k, d in zip(docs, dropped)], pa.float64()),
    }
    columns.update({token_column(t): summary.column(token_column(t)) for t in tokenizers})
    return pa.table(columns)


def _run_dedup(settings: SeamixSettings, _: str | None, log: dg.DagsterLogManager) -> dict:
    run = run_curate_stage("dedup", settings.curate_config(), progress=lambda p: log.info(p.describe()))
    meta = stage_metadata(run.outcome)
    pairs = sorted(run.dedup.removed_by_source_pair.items())
    meta["removed_exact"] = run.dedup.removed_exact
    meta["removed_near"] = run.dedup.removed_near
    meta["per_language"] = table_metadata(_languages_table(language_summary(settings.layout, "dedup"), []))
    meta["removed_by_source_pair"] = table_metadata(pa.table({
        "removed_from": [a for (a, _), _ in pairs], "kept_in": [b for (_, b), _ in pairs],
        "docs": pa.array([n for _, n in pairs], pa.int64()),
    }))
    return meta


def _run_tokens(settings: SeamixSettings, _: str | None, log: dg.DagsterLogManager) -> dict:
    config = settings.curate_config()
    if config.decontam.enabled:  # tokens reads curate/decontam then (the decontaminated_documents asset)
        run_curate_stage(DECONTAM_STAGE, config, progress=lambda p: log.info(p.describe()))
    run = run_curate_stage("tokens", config, progress=lambda p: log.info(p.describe()))
    meta = stage_metadata(run.outcome)
    summary = language_summary(settings.layout, "tokens", settings.tokenizers)
    meta["per_language"] = table_metadata(_languages_table(summary, settings.tokenizers))
    for tokenizer in settings.tokenizers:  # one number per (tokenizer, language): the UI plots each run over run
        column = token_column(tokenizer)
        meta[column] = dg.MetadataValue.int(sum(summary.column(column).to_pylist()))
        for language, tokens in zip(summary.column("language").to_pylist(), summary.column(column).to_pylist()):
            meta[f"{column}/{language}"] = dg.MetadataValue.int(tokens)
    return meta


def _run_pool(settings: SeamixSettings, _: str | None, log: dg.DagsterLogManager) -> dict:
    pool = build_pool_stage(settings.layout, settings.sources_file, settings.tokenizers)
    refresh_catalog(settings.layout)
    if pool.column("mix_source").equals(pool.column("source")):  # no source is relabelled: one column is enough
        pool = pool.drop_columns(["mix_source"])
    return {"pool": table_metadata(pool), "cells": pool.num_rows, "dagster/row_count": pool.num_rows,
            "path": dg.MetadataValue.path(settings.layout.pool_path)}


def _run_plan(settings: SeamixSettings, mix: str | None, log: dg.DagsterLogManager) -> dict:
    spec = load_mix_spec(settings.mix_spec_file(mix))
    plan = plan_stage(settings.layout, spec)
    refresh_catalog(settings.layout)
    return {"plan": table_metadata(plan), "dagster/row_count": plan.num_rows,
            "spec": dg.MetadataValue.path(settings.mix_spec_file(mix))}


def _run_mix(settings: SeamixSettings, mix: str | None, log: dg.DagsterLogManager) -> dict:
    spec = load_mix_spec(settings.mix_spec_file(mix))
    manifest = mix_stage(settings.layout, spec, settings.sources_file)
    refresh_catalog(settings.layout)
    shards = manifest["shards"]
    meta = {
        "shards": len(shards),
        "tokens": sum(s["tokens"] for s in shards),
        "path": dg.MetadataValue.path(shard_dir(settings.layout, spec)),
    }
    meta["dagster/row_count"] = sum(s["rows"] for s in shards)
    if (schema := column_schema(storage.glob(storage.join(shard_dir(settings.layout, spec), "shard-*.parquet")))):
        meta["dagster/column_schema"] = schema
    return meta


def _run_report(settings: SeamixSettings, mix: str | None, log: dg.DagsterLogManager) -> dict:
    spec = load_mix_spec(settings.mix_spec_file(mix))
    report = report_stage(settings.layout, spec)
    refresh_catalog(settings.layout)
    log.info("\n" + format_report(report))
    shown = report.drop_columns(["deviation", "mix"]).append_column(
        "deviation_pct", pa.array([round(100 * d, 2) for d in report.column("deviation").to_pylist()], pa.float64())
    )
    within = sum(report.column("within_tolerance").to_pylist())
    return {
        "report": table_metadata(shown),
        "composition": composition_markdown(report, f"composition of mix {spec.name}"),
        "rows_within_tolerance": within,
        "rows": report.num_rows,
        "achieved_tokens": sum(report.column("achieved_tokens").to_pylist()),
        "dagster/row_count": report.num_rows,
    }


#: The graph in pipeline order. Groups nest stages under their partitioning (per source, all sources,
#: per mix spec); the numeric prefixes keep pipeline order in the UI's alphabetical lists.
STAGES = (
    Stage(
        asset="ingested_documents",
        group="1_per_source/01_ingest",
        description=(
            "Source files (WARC, FineWeb2, SEA-LION Pile, JSONL/Parquet) read into the canonical "
            "schema, one partition per source."
        ),
        kinds=frozenset({"parquet", "python"}),
        run=_per_source("ingest"),
        engine="pipelines.ingest.task:IngestTask",
        partitions_def=source_partitions,
    ),
    Stage(
        asset="extracted_documents",
        group="1_per_source/02_extract",
        description="Main-content text extracted from HTML with resiliparse, per source.",
        kinds=frozenset({"parquet", "python"}),
        run=_per_source("extract"),
        engine="pipelines.extract.task:ExtractTask",
        partitions_def=source_partitions,
        deps=("ingested_documents",),
    ),
    Stage(
        asset="identified_documents",
        group="1_per_source/03_langid",
        description=(
            "Text normalised (NFC, zero-width, Zawgyi) and language-identified with fastText, per "
            "source."
        ),
        kinds=frozenset({"parquet", "python"}),
        run=_per_source("langid"),
        engine="pipelines.langid.task:LangidTask",
        partitions_def=source_partitions,
        deps=("extracted_documents",),
    ),
    Stage(
        asset="filtered_documents",
        group="1_per_source/04_quality",
        description="Per-language Gopher, FineWeb and C4 heuristics, per source; every drop has a reason.",
        kinds=frozenset({"parquet", "python"}),
        run=_per_source("quality"),
        engine="pipelines.quality.task:QualityTask",
        partitions_def=source_partitions,
        deps=("identified_documents",),
    ),
    Stage(
        asset="deduplicated_documents",
        group="2_all_sources/05_dedup",
        description="Exact and MinHash near-duplicates removed within each language across all sources.",
        kinds=frozenset({"parquet", "duckdb", "python"}),
        run=_run_dedup,
        engine="pipelines.dedup.stage:run_dedup",
        partitions_def=None,
        deps=("filtered_documents",),
    ),
    Stage(
        asset="curated_documents",
        group="2_all_sources/06_tokens",
        description="Exact token counts for every configured tokenizer: the curated pool, tokens per language.",
        kinds=frozenset({"parquet", "python"}),
        run=_run_tokens,
        engine="pipelines.tokens.task:TokensTask",
        partitions_def=None,
        deps=("deduplicated_documents",),
    ),
    Stage(
        asset="pool_inventory",
        group="2_all_sources/07_pool",
        description="Documents, bytes and tokens per language and source: what a mix is planned from.",
        kinds=frozenset({"parquet", "duckdb"}),
        run=_run_pool,
        engine="pipelines.mix.stages:build_pool_stage",
        partitions_def=None,
        deps=("curated_documents",),
    ),
    Stage(
        asset="mix_plan",
        group="3_per_mix/08_plan",
        description=(
            "Per mix row: available tokens, quota, sampling fraction and epochs; fails when infeasible. "
            "One partition per mix spec."
        ),
        kinds=frozenset({"parquet", "python"}),
        run=_run_plan,
        engine="pipelines.mix.stages:plan_stage",
        partitions_def=mix_partitions,
        deps=("pool_inventory",),
    ),
    Stage(
        asset="mix_shards",
        group="3_per_mix/09_mix",
        description=(
            "Deterministic sample of the plan written as zstd Parquet shards and manifest.json, per mix "
            "spec."
        ),
        kinds=frozenset({"parquet", "duckdb"}),
        run=_run_mix,
        engine="pipelines.mix.stages:mix_stage",
        partitions_def=mix_partitions,
        deps=("mix_plan",),
    ),
    Stage(
        asset="mix_report",
        group="3_per_mix/10_report",
        description=(
            "Target vs achieved tokens per mix row with a composition chart, also the DuckDB view "
            "mix_report."
        ),
        kinds=frozenset({"parquet", "duckdb"}),
        run=_run_report,
        engine="pipelines.mix.stages:report_stage",
        partitions_def=mix_partitions,
        deps=("mix_shards",),
    ),
)

BY_ASSET = {stage.asset: stage for stage in STAGES}


def partition_keys(stage: Stage, settings: SeamixSettings) -> list[str | None]:
    """The partitions a whole-graph run covers: every source of the sources file, the job's mix, or None."""
    if stage.partitions_def is source_partitions:
        return [s.name for s in load_sources(settings.sources_file)]
    if stage.partitions_def is mix_partitions:
        return [settings.mix_key]
    return [None]

#: The per-source stages of the pass: one computation (a multi-asset) materializes all four.
PASS_ASSET_STAGES = STAGES[:4]
