"""The code location: every asset, check, job, schedule, sensor and resource of seamix."""

import dagster as dg

from assets.automation import new_source_files_sensor, nightly_schedule
from assets.checks import curate_checks, mix_checks
from assets.curate_assets import curate_assets
from assets.jobs import curate_and_mix_job
from assets.mix_assets import mix_assets
from assets.partitions import partitions_in_step
from assets.resources import SeamixSettings

defs = dg.Definitions(
    assets=[*curate_assets, *mix_assets],
    asset_checks=[*curate_checks, *mix_checks],
    jobs=[curate_and_mix_job],
    schedules=[nightly_schedule],
    sensors=[new_source_files_sensor, partitions_in_step],
    resources={"seamix": SeamixSettings()},
)
