"""Decontamination in Dagster: the stage between dedup and tokens, and its check (contamination rate
per benchmark). Without eval sets (``SeamixSettings.evalsets_file`` unset) the asset records that and
writes nothing, and tokens reads dedup's output as before."""

import dagster as dg

from assets.asset_factory import IO_RETRY
from assets.curate_assets import ASSET_NAMES
from assets.metadata import stage_metadata, table_metadata
from assets.resources import SeamixSettings, writes_data_root
from pipelines.curate.run import DECONTAM_STAGE, run_curate_stage
from pipelines.decontaminate.report import contamination_summary

ASSET_NAME = "decontaminated_documents"

#: Highest share of the pool one benchmark may contaminate before the check warns.
MAX_CONTAMINATION_RATE = 0.01


@dg.asset(
    name=ASSET_NAME,
    group_name="decontaminate",
    deps=[ASSET_NAMES["dedup"]],
    description="Documents holding an evaluation item (SEA-HELM or any registered eval set) reported, dropped or "
    "cut, by word n-grams in all eleven languages; runs only when eval sets are configured.",
    retry_policy=IO_RETRY,
)
@writes_data_root
def decontaminated_documents(context: dg.AssetExecutionContext, seamix: SeamixSettings) -> dg.MaterializeResult:
    """Run the decontamination stage over every source's deduplicated parts."""
    config = seamix.curate_config()
    if not config.decontam.enabled:
        return dg.MaterializeResult(metadata={"eval_sets": "none configured: nothing decontaminated, tokens reads dedup"})
    run = run_curate_stage(DECONTAM_STAGE, config, progress=lambda p: context.log.info(p.describe()))
    metadata = stage_metadata(run.outcome)
    metadata["contamination"] = table_metadata(contamination_summary(seamix.layout))
    metadata["eval_sets"] = dg.MetadataValue.path(config.decontam.evalsets_file)
    return dg.MaterializeResult(metadata=metadata)


@dg.asset_check(
    asset=ASSET_NAME,
    description=f"No benchmark's items are in more than {MAX_CONTAMINATION_RATE:.0%} of the pool's documents",
)
def contamination_rate_check(seamix: SeamixSettings) -> dg.AssetCheckResult:
    """Contamination rate per benchmark (documents with one of its items / documents in); warns above the band."""
    if not seamix.curate_config().decontam.enabled:
        return dg.AssetCheckResult(passed=True, metadata={"eval_sets": "none configured"})
    summary = contamination_summary(seamix.layout)
    rates = dict(zip(summary.column("benchmark").to_pylist(), summary.column("rate").to_pylist()))
    above = {b: r for b, r in rates.items() if r > MAX_CONTAMINATION_RATE}
    return dg.AssetCheckResult(
        passed=not above,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"rate_per_benchmark": dg.MetadataValue.json(rates), "above_band": dg.MetadataValue.json(above),
                  "band": MAX_CONTAMINATION_RATE, "per_benchmark": table_metadata(summary)},
    )


def with_decontam_upstream(assets: list[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    """The curation assets with the tokens asset also downstream of decontamination (it reads
    ``curate/decontam`` when eval sets are configured), without editing their definitions."""
    tokens = dg.AssetKey(ASSET_NAMES["tokens"])
    return list(dg.map_asset_specs(
        lambda spec: spec.merge_attributes(deps=[ASSET_NAME]) if spec.key == tokens else spec, assets
    ))


decontaminate_assets = [decontaminated_documents]
decontaminate_checks = [contamination_rate_check]
