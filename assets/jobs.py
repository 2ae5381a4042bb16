"""The job users launch: the whole graph for one mix."""

import dagster as dg

curate_and_mix_job = dg.define_asset_job(
    name="curate_and_mix",
    selection=dg.AssetSelection.all(),
    description=(
        "Materialize the whole graph: curate every source, then plan, sample and report the mix. "
        "Launched without a partition it curates every source; a source partition re-runs one source."
    ),
    executor_def=dg.in_process_executor,
)
