"""The job users launch: the whole graph for one mix."""

import dagster as dg

from assets.partitions import ALL_SOURCES_TAGS

curate_and_mix_job = dg.define_asset_job(
    name="curate_and_mix",
    selection=dg.AssetSelection.all(),
    description=(
        "Materialize the whole graph: curate every source, then plan, sample and report the mix. "
        "Each run covers every source partition; materialize one partition in the UI to re-run one source."
    ),
    executor_def=dg.in_process_executor,
    tags=ALL_SOURCES_TAGS,
)
