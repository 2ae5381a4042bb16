"""The job cron and the demo launch: the whole graph in one run, no daemon, every partition recorded.

An asset job cannot span assets with different partitions definitions (sources, none, mix specs),
so `curate_and_mix` is an op job: one op per stage, in pipeline order, each running the same code
as the stage's asset for every partition the run's files call for (every source, the job's mix)
and recording one materialization and the checks' evaluations per partition. A blocking check that
fails stops the job before the assets downstream of it."""


import dagster as dg

from assets.checks import CHECKS, evaluation
from assets.partitions import sync_partitions
from assets.resources import SeamixSettings, writes_data_root
from assets.stages import STAGES, Stage, partition_keys


@dg.op(description="Add a partition for every source of the run's sources file and every mix spec")
def sync_partitions_op(context: dg.OpExecutionContext, seamix: SeamixSettings) -> dg.Nothing:
    """Keeps the dynamic partitions in step with the files this run uses."""
    added = sync_partitions(context.instance, seamix)
    context.log.info(f"partitions added: {added or 'none'}")


def _stage_op(stage: Stage) -> dg.OpDefinition:
    checks = [c for c in CHECKS if c.asset == stage.asset]

    @dg.op(name=f"run_{stage.step}", description=stage.description, ins={"after": dg.In(dg.Nothing)})
    @writes_data_root
    def _op(context: dg.OpExecutionContext, seamix: SeamixSettings) -> dg.Nothing:
        failed = []
        for key in partition_keys(stage, seamix):
            metadata = stage.run(seamix, key, context.log)
            context.log_event(dg.AssetMaterialization(asset_key=stage.asset, partition=key, metadata=metadata))
            for check in checks:
                result = evaluation(check, seamix, key)
                context.log_event(result)
                if check.blocking and not result.passed:
                    failed.append(f"{check.name}[{key or 'all'}]")
        if failed:
            raise dg.Failure(f"blocking check(s) failed: {', '.join(failed)}; the assets downstream were not run")

    return _op


STAGE_OPS = [_stage_op(stage) for stage in STAGES]


@dg.job(
    name="curate_and_mix",
    description=(
        "The whole graph in one run: curate every source of the sources file, dedup and count tokens, "
        "then pool, plan, sample and report the job's mix; one materialization per partition. "
        "Materialize an asset's partition in the UI to re-run one source or one mix."
    ),
    executor_def=dg.in_process_executor,
)
def curate_and_mix_job() -> None:
    """sync partitions → ingest → extract → langid → quality → dedup → tokens → pool → plan → mix → report."""
    done = sync_partitions_op()
    for op in STAGE_OPS:
        done = op(after=done)
