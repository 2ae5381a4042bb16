"""Build a Dagster asset from a Stage: partitions, kinds, owner, tags, code references, retries."""


import importlib.util
import re
from pathlib import Path

import dagster as dg

from assets.resources import SeamixSettings, writes_data_root
from assets.stages import PASS_ASSET_STAGES, Stage, run_pass_partition

OWNERS = ["team:seamix-data"]

#: Transient I/O failures (remote storage, throttling) are retried with backoff.
IO_RETRY = dg.RetryPolicy(max_retries=3, delay=10, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)


def code_references(*targets: str) -> dg.CodeReferencesMetadataValue:
    """Links to where each ``module:name`` class or function is defined, found without importing it
    (the dedup modules load datasketch and SciPy, which only the dedup stage should pay for)."""
    references = []
    for target in targets:
        module, name = target.split(":")
        path = importlib.util.find_spec(module).origin
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        line = next(i for i, text in enumerate(lines, 1) if re.match(rf"(def|class) {name}\b", text))
        references.append(dg.LocalFileCodeReference(file_path=path, line_number=line, label=target))
    return dg.CodeReferencesMetadataValue(code_references=references)


def stage_asset(stage: Stage) -> dg.AssetsDefinition:
    """The asset that runs ``stage`` for its partition (or unpartitioned) and records that partition's metadata."""

    @dg.asset(
        name=stage.asset,
        group_name=stage.group,
        deps=list(stage.deps),
        description=stage.description,
        kinds=set(stage.kinds),
        owners=OWNERS,
        tags={"stage": stage.step},
        metadata={"dagster/code_references": code_references(stage.engine)},
        partitions_def=stage.partitions_def,
        backfill_policy=dg.BackfillPolicy.multi_run(1) if stage.partitions_def else None,
        retry_policy=IO_RETRY,
    )
    @writes_data_root
    def _asset(context: dg.AssetExecutionContext, seamix: SeamixSettings) -> dg.MaterializeResult:
        if stage.partitions_def is None:
            return dg.MaterializeResult(metadata=stage.run(seamix, None, context.log))
        # a key, or a range (UI backfills tag their runs with one): each partition gets its own metadata
        for key in context.partition_keys:
            context.add_asset_metadata(stage.run(seamix, key, context.log), partition_key=key)
        return dg.MaterializeResult()

    return _asset


def pass_asset() -> dg.AssetsDefinition:
    """The four per-source stage assets of the pass (ingest … quality) as one multi-asset: one
    computation per source partition materializes all four, each with its own stage's numbers."""
    stages = PASS_ASSET_STAGES
    specs = [
        dg.AssetSpec(
            stage.asset, group_name=stage.group, deps=list(stage.deps), description=stage.description,
            kinds=set(stage.kinds), owners=OWNERS, tags={"stage": stage.step},
            metadata={"dagster/code_references": code_references(stage.engine, "pipelines.curate.one_pass:CuratePassTask")},
        )
        for stage in stages
    ]

    @dg.multi_asset(
        name="curate_pass",
        specs=specs,
        description="ingest → extract → langid → quality as one pass over each input file of a source "
                    "(set one_pass: false to run the four stages one by one)",
        partitions_def=stages[0].partitions_def,
        backfill_policy=dg.BackfillPolicy.multi_run(1),
        retry_policy=IO_RETRY,
    )
    @writes_data_root
    def _pass(context: dg.AssetExecutionContext, seamix: SeamixSettings):
        for key in context.partition_keys:
            for asset, metadata in run_pass_partition(seamix, key, context.log).items():
                context.add_asset_metadata(metadata, asset_key=dg.AssetKey(asset), partition_key=key)
        for stage in stages:
            yield dg.MaterializeResult(asset_key=stage.asset)

    return _pass
