"""Pool, plan, mix and report assets, and the check that the mix hit its targets."""

import dagster as dg

from assets.curate_assets import ASSET_NAMES
from assets.metadata import composition_chart, table_metadata
from assets.resources import SeamixSettings
from pipelines.mix.spec import load_mix_spec
from pipelines.mix.stages import (
    build_pool_stage,
    mix_stage,
    plan_stage,
    report_stage,
    shard_dir,
)
from pipelines.outputs.catalog import refresh_catalog
from pipelines.outputs.tables import format_report
from pipelines.storage.parquet_io import read_table


@dg.asset(group_name="pool", deps=[ASSET_NAMES["tokens"]])
def pool_inventory(seamix: SeamixSettings) -> dg.MaterializeResult:
    """Documents, bytes and tokens per language x source: what a mix is planned from."""
    pool = build_pool_stage(seamix.layout, seamix.sources_file, seamix.tokenizers)
    refresh_catalog(seamix.layout)
    return dg.MaterializeResult(metadata={"pool": table_metadata(pool), "cells": pool.num_rows})


@dg.asset(group_name="plan", deps=[pool_inventory])
def mix_plan(seamix: SeamixSettings) -> dg.MaterializeResult:
    """Per mix row: available tokens, quota, sampling fraction and epochs; fails when infeasible."""
    plan = plan_stage(seamix.layout, load_mix_spec(seamix.mix_file))
    refresh_catalog(seamix.layout)
    return dg.MaterializeResult(metadata={"plan": table_metadata(plan)})


@dg.asset(group_name="mix", deps=[mix_plan])
def mix_shards(seamix: SeamixSettings) -> dg.MaterializeResult:
    """Deterministic sample of the plan written as zstd Parquet shards + manifest.json."""
    spec = load_mix_spec(seamix.mix_file)
    manifest = mix_stage(seamix.layout, spec, seamix.sources_file)
    refresh_catalog(seamix.layout)
    return dg.MaterializeResult(
        metadata={
            "shards": len(manifest["shards"]),
            "tokens": sum(s["tokens"] for s in manifest["shards"]),
            "path": dg.MetadataValue.path(str(shard_dir(seamix.layout, spec))),
        }
    )


@dg.asset(group_name="report", deps=[mix_shards])
def mix_report(context: dg.AssetExecutionContext, seamix: SeamixSettings) -> dg.MaterializeResult:
    """Target vs achieved tokens per mix row, also the DuckDB view ``mix_report``."""
    report = report_stage(seamix.layout, load_mix_spec(seamix.mix_file))
    refresh_catalog(seamix.layout)
    context.log.info("\n" + format_report(report))
    return dg.MaterializeResult(
        metadata={
            "report": table_metadata(report),
            "composition": composition_chart(report),
            "rows_within_tolerance": sum(report.column("within_tolerance").to_pylist()),
            "rows": report.num_rows,
        }
    )


@dg.asset_check(asset=mix_report, blocking=True, description="Every mix row within max(0.1%, one document) of its target")
def mix_within_tolerance(seamix: SeamixSettings) -> dg.AssetCheckResult:
    """Fails when any row of the mix missed its tolerance."""
    spec = load_mix_spec(seamix.mix_file)
    report = read_table(seamix.layout.mix_report(spec.name)).to_pylist()
    missed = [r["row_id"] for r in report if not r["within_tolerance"]]
    return dg.AssetCheckResult(passed=not missed, metadata={"rows_missed": dg.MetadataValue.json(missed)})


mix_assets = [pool_inventory, mix_plan, mix_shards, mix_report]
mix_checks = [mix_within_tolerance]
