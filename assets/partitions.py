"""Source partitions: the per-source curation stages can be re-run or backfilled one source at a time."""

import dagster as dg

from assets.resources import SeamixSettings
from pipelines.ingest.config import load_sources

source_partitions = dg.StaticPartitionsDefinition([s.name for s in load_sources(SeamixSettings().sources_file)])

#: Run tags that make one run cover every source partition (single-run backfill): the job carries them,
#: so `dagster job launch` from cron curates every source and records a materialization per source.
ALL_SOURCES_TAGS = {
    "dagster/asset_partition_range_start": source_partitions.get_partition_keys()[0],
    "dagster/asset_partition_range_end": source_partitions.get_partition_keys()[-1],
}


def selected_sources(context: dg.AssetExecutionContext) -> list[str] | None:
    """Source names of the run's partition key or range; None (all sources) for a run without one."""
    if context.has_partition_key_range or context.has_partition_key:
        return list(context.partition_keys)
    return None
