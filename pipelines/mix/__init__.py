"""Datamix: mix spec -> plan (integer token quotas) -> deterministic token-exact sample -> Parquet shards."""

from pipelines.mix.manifest import achieved_vs_target
from pipelines.mix.plan import InfeasiblePlanError, plan_mix
from pipelines.mix.sample import sample_mix
from pipelines.mix.spec import MixRow, MixSpec, MixSpecError, ShardConfig, load_mix_spec, validate_against_pool

__all__ = [
    "InfeasiblePlanError",
    "MixRow",
    "MixSpec",
    "MixSpecError",
    "ShardConfig",
    "achieved_vs_target",
    "load_mix_spec",
    "plan_mix",
    "sample_mix",
    "validate_against_pool",
]
