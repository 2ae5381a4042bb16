"""The code location: every asset, check, job, schedule, sensor and resource of seamix."""

import dagster as dg

from assets.automation import new_source_files_sensor, nightly_schedule
from assets.checks import curate_checks, mix_checks
from assets.curate_assets import curate_assets
from assets.decontaminate_assets import (
    decontaminate_assets,
    decontaminate_checks,
    with_decontam_upstream,
)
from assets.export_assets import export_assets
from assets.jobs import curate_and_mix_job
from assets.mix_assets import mix_assets
from assets.partitions import partitions_in_step
from assets.posttrain_assets import (
    PosttrainSettings,
    posttrain_assets,
    posttrain_checks_defs,
    posttrain_mix_job,
)
from assets.resources import SeamixSettings

defs = dg.Definitions(
    assets=[*with_decontam_upstream(curate_assets), *decontaminate_assets, *mix_assets, *export_assets, *posttrain_assets],
    asset_checks=[*curate_checks, *mix_checks, *posttrain_checks_defs, *decontaminate_checks],
    jobs=[curate_and_mix_job, posttrain_mix_job],
    schedules=[nightly_schedule],
    sensors=[new_source_files_sensor, partitions_in_step],
    resources={"seamix": SeamixSettings(), "posttrain": PosttrainSettings()},
)
