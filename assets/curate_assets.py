"""One asset per curation stage (ingest ... tokens), in pipeline order; the four per-source ones
are materialized together by the pass (one multi-asset)."""

from assets.asset_factory import pass_asset, stage_asset
from assets.stages import STAGES

curate_assets = [pass_asset(), *(stage_asset(stage) for stage in STAGES[4:6])]

#: Stage name → asset name (``tokens`` → ``curated_documents``), for assets that depend on a stage.
ASSET_NAMES = {stage.step: stage.asset for stage in STAGES[:6]}
