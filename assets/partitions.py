"""Source partitions: the per-source curation stages can be re-run or backfilled one source at a time."""

import dagster as dg

from assets.resources import SeamixSettings
from pipelines.sources.config import load_sources

source_partitions = dg.StaticPartitionsDefinition([s.name for s in load_sources(SeamixSettings().sources_file)])


def selected_sources(context: dg.AssetExecutionContext) -> list[str] | None:
    """Source names of the run's partition (key or range), or None for an unpartitioned run (all sources).

    A plain `dagster job launch` (the cron path) carries no partition and curates every source."""
    if context.has_partition_key_range or context.has_partition_key:
        return list(context.partition_keys)
    return None
