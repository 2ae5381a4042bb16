"""The code location: every asset, check, job and resource of seamix."""

import dagster as dg

from assets.curate_assets import curate_assets
from assets.mix_assets import mix_assets, mix_checks
from assets.resources import SeamixSettings

curate_and_mix_job = dg.define_asset_job(
    name="curate_and_mix",
    selection=dg.AssetSelection.all(),
    description="Materialize the whole graph: curate every source, then plan, sample and report the mix.",
    executor_def=dg.in_process_executor,
)

defs = dg.Definitions(
    assets=[*curate_assets, *mix_assets],
    asset_checks=mix_checks,
    jobs=[curate_and_mix_job],
    resources={"seamix": SeamixSettings()},
)
