"""Pool, plan, mix and report assets (plan, mix and report: one partition per mix spec)."""

from assets.asset_factory import stage_asset
from assets.stages import STAGES

mix_assets = [stage_asset(stage) for stage in STAGES[6:]]
pool_inventory, mix_plan, mix_shards, mix_report = mix_assets
