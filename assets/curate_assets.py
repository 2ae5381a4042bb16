"""One asset per curation stage (ingest ... tokens), in pipeline order."""

from assets.asset_factory import stage_asset
from assets.stages import STAGES

curate_assets = [stage_asset(stage) for stage in STAGES[:6]]

#: Stage name → asset name (``tokens`` → ``curated_documents``), for assets that depend on a stage.
ASSET_NAMES = {stage.step: stage.asset for stage in STAGES[:6]}
