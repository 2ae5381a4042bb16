"""Post-training assets (group ``posttrain``): curate chat sources, count chat-template tokens, then
pool, plan, sample and report a post-training mix; checks on tool calls, response language and the
mix's tolerance; the job ``posttrain_mix``. Thin: settings in (resources ``seamix`` for the data root and executor,
``posttrain`` for the chat sources, mix spec and thresholds), engine calls, metadata out."""

import os
from dataclasses import replace
from pathlib import Path

import dagster as dg

from assets.metadata import table_metadata
from assets.resources import SeamixSettings, writes_data_root
from pipelines import storage
from pipelines.curate.config import CurateConfig
from pipelines.outputs.catalog import refresh_catalog
from pipelines.posttrain.curate import run_posttrain_stage
from pipelines.posttrain.health import check_rates
from pipelines.posttrain.mix_stages import (
    mix_stage,
    plan_stage,
    pool_stage,
    posttrain_mix_dir,
    report_stage,
    shard_dir,
)
from pipelines.posttrain.spec import PosttrainSpec, load_posttrain_spec
from pipelines.posttrain.tokens_task import run_posttrain_tokens
from pipelines.storage.parquet_io import read_table

PROJECT_ROOT = Path(__file__).resolve().parents[1]
GROUP = "posttrain"


class PosttrainSettings(dg.ConfigurableResource):
    """Chat source registry, post-training mix spec, tokenizers and check thresholds (defaults: the
    sample); the data root, catalog and executor are the ``seamix`` resource's."""

    sources_file: str = os.environ.get("SEAMIX_POSTTRAIN_SOURCES", str(PROJECT_ROOT / "sources" / "posttrain-demo.yaml"))
    mix_file: str = os.environ.get("SEAMIX_POSTTRAIN_MIX", str(PROJECT_ROOT / "mixes" / "posttrain-demo.yaml"))
    tokenizers: list[str] = []  # chat templates to count with; empty: the mix spec's tokenizer
    quality_config: str | None = None
    min_tool_call_validity: float = 0.5  # share of conversations with tool calls whose calls are valid
    min_response_language_match: float = 0.9  # share of checked conversations answering in the prompt's language

    def spec(self) -> PosttrainSpec:
        """The post-training mix spec."""
        return load_posttrain_spec(self.mix_file)

    def curate_config(self, seamix: SeamixSettings) -> CurateConfig:
        """The engine's curation settings for the chat sources, on the data root and executor of ``seamix``."""
        base = seamix.curate_config()
        return replace(base, sources_file=self.sources_file, tokenizers=tuple(self.tokenizers or [self.spec().tokenizer]),
                       quality_config=self.quality_config or base.quality_config)


def _stage_asset(stage: str, deps: list, description: str) -> dg.AssetsDefinition:
    @dg.asset(name=f"posttrain_{stage}", group_name=GROUP, deps=deps, description=description, kinds={"python"})
    @writes_data_root
    def _asset(seamix: SeamixSettings, posttrain: PosttrainSettings) -> dg.MaterializeResult:
        outcome = run_posttrain_stage(stage, posttrain.curate_config(seamix)).outcome
        refresh_catalog(seamix.layout)
        return dg.MaterializeResult(metadata=outcome.metadata())

    return _asset


posttrain_ingest = _stage_asset("ingest", [], "Chat files of every layout read into the conversation schema")
posttrain_checks = _stage_asset("checks", [posttrain_ingest], "Language per turn, structure, tool-call and "
                                "response-language checks; every drop a row with its reason")
posttrain_dedup = _stage_asset("dedup", [posttrain_checks], "Exact and MinHash near-duplicates on user turns")


@dg.asset(group_name=GROUP, deps=[posttrain_dedup], kinds={"python"})
@writes_data_root
def posttrain_tokens(seamix: SeamixSettings, posttrain: PosttrainSettings) -> dg.MaterializeResult:
    """Total, prompt and trainable tokens of each conversation through the tokenizers' chat templates."""
    config = posttrain.curate_config(seamix)
    outcome = run_posttrain_tokens(config.data_root, config.tokenizers, config.workers)
    refresh_catalog(seamix.layout)
    return dg.MaterializeResult(metadata={**outcome.metadata(), "tokenizers": list(config.tokenizers)})


@dg.asset(group_name=GROUP, deps=[posttrain_tokens], kinds={"duckdb"})
@writes_data_root
def posttrain_pool(seamix: SeamixSettings, posttrain: PosttrainSettings) -> dg.MaterializeResult:
    """Usable conversations and template tokens per language x category x source for the mix spec."""
    pool = pool_stage(seamix.layout, posttrain.spec(), posttrain.sources_file)
    refresh_catalog(seamix.layout)
    return dg.MaterializeResult(metadata={
        "pool": table_metadata(pool), "cells": pool.num_rows,
        "unrenderable": sum(pool.column("unrenderable").to_pylist()),
        "over_max_length": sum(pool.column("over_max_length").to_pylist()),
    })


@dg.asset(group_name=GROUP, deps=[posttrain_pool], kinds={"python"})
@writes_data_root
def posttrain_plan(seamix: SeamixSettings, posttrain: PosttrainSettings) -> dg.MaterializeResult:
    """Per cell: target, available, epochs (largest remainder, max epochs); fails when infeasible."""
    plan = plan_stage(seamix.layout, posttrain.spec())
    refresh_catalog(seamix.layout)
    return dg.MaterializeResult(metadata={"plan": table_metadata(plan)})


@dg.asset(group_name=GROUP, deps=[posttrain_plan], kinds={"parquet"})
@writes_data_root
def posttrain_shards(seamix: SeamixSettings, posttrain: PosttrainSettings) -> dg.MaterializeResult:
    """Deterministic sample of the plan as TRL/axolotl shards (messages, tools) + manifest.json."""
    spec = posttrain.spec()
    manifest = mix_stage(seamix.layout, spec, posttrain.sources_file)
    refresh_catalog(seamix.layout)
    return dg.MaterializeResult(metadata={
        **{key: value for key, value in manifest["totals"].items()},
        "path": dg.MetadataValue.path(shard_dir(seamix.layout, spec)),
    })


@dg.asset(group_name=GROUP, deps=[posttrain_shards], kinds={"duckdb"})
@writes_data_root
def posttrain_report(seamix: SeamixSettings, posttrain: PosttrainSettings) -> dg.MaterializeResult:
    """Target vs achieved per cell, also the DuckDB view ``posttrain_report``."""
    report = report_stage(seamix.layout, posttrain.spec())
    refresh_catalog(seamix.layout)
    return dg.MaterializeResult(metadata={
        "report": table_metadata(report), "cells": report.num_rows,
        "cells_within_tolerance": sum(report.column("within_tolerance").to_pylist()),
    })


def _rate_check(name: str, key: str, threshold_field: str, description: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(name=name, asset=posttrain_checks, description=description)
    def _check(seamix: SeamixSettings, posttrain: PosttrainSettings) -> dg.AssetCheckResult:
        rates = check_rates(seamix.layout)
        threshold = getattr(posttrain, threshold_field)
        return dg.AssetCheckResult(passed=rates[key] >= threshold,
                                   metadata={**rates, "threshold": threshold})

    return _check


tool_call_validity = _rate_check("tool_call_validity_rate", "tool_call_validity_rate", "min_tool_call_validity",
                                 "Share of conversations with tool calls whose calls name declared tools with "
                                 "schema-valid arguments and answered ids")
response_language_match = _rate_check("response_language_match_rate", "response_language_match_rate",
                                      "min_response_language_match",
                                      "Share of checked conversations whose response is in the prompt's language")


@dg.asset_check(asset=posttrain_report, blocking=True,
                description="Every cell within max(0.1% of its target, its largest conversation)")
def posttrain_mix_tolerance(seamix: SeamixSettings, posttrain: PosttrainSettings) -> dg.AssetCheckResult:
    """Fails when a cell of the post-training mix missed its target."""
    report = read_table(storage.join(posttrain_mix_dir(seamix.layout, posttrain.spec()), "report.parquet"))
    missed = [f"{r['row_id']}[{r['language']}/{r['category']}/{r['mix_source']}]"
              for r in report.to_pylist() if not r["within_tolerance"]]
    return dg.AssetCheckResult(passed=not missed, metadata={"cells_missed": dg.MetadataValue.json(missed)})


posttrain_assets = [posttrain_ingest, posttrain_checks, posttrain_dedup, posttrain_tokens, posttrain_pool,
                    posttrain_plan, posttrain_shards, posttrain_report]
posttrain_checks_defs = [tool_call_validity, response_language_match, posttrain_mix_tolerance]
posttrain_mix_job = dg.define_asset_job(
    name="posttrain_mix", selection=dg.AssetSelection.groups(GROUP), executor_def=dg.in_process_executor,
    description="Curate the chat sources, count chat-template tokens, then pool, plan, sample and report the "
                "post-training mix (settings: resource `posttrain`).",
)
