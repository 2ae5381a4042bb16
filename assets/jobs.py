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
from assets.stages import PASS_ASSET_STAGES, STAGES, Stage, partition_keys, run_pass_partition


@dg.op(description="Add a partition for every source of the run's sources file and every mix spec")
def sync_partitions_op(context: dg.OpExecutionContext, seamix: SeamixSettings) -> dg.Nothing:
    """Keeps the dynamic partitions in step with the files this run uses."""
    added = sync_partitions(context.instance, seamix)
    context.log.info(f"partitions added: {added or 'none'}")


def _record(context: dg.OpExecutionContext, seamix: SeamixSettings, asset: str, key: str | None,
            metadata: dict) -> list[str]:
    """Log one partition's materialization of ``asset`` and its checks' evaluations; return the
    blocking checks that failed."""
    context.log_event(dg.AssetMaterialization(asset_key=asset, partition=key, metadata=metadata))
    failed = []
    for check in (c for c in CHECKS if c.asset == asset):
        result = evaluation(check, seamix, key)
        context.log_event(result)
        if check.blocking and not result.passed:
            failed.append(f"{check.name}[{key or 'all'}]")
    return failed


def _stop_if_failed(failed: list[str]) -> None:
    if failed:
        raise dg.Failure(f"blocking check(s) failed: {', '.join(failed)}; the assets downstream were not run")


def _stage_op(stage: Stage) -> dg.OpDefinition:
    @dg.op(name=f"run_{stage.step}", description=stage.description, ins={"after": dg.In(dg.Nothing)})
    @writes_data_root
    def _op(context: dg.OpExecutionContext, seamix: SeamixSettings) -> dg.Nothing:
        failed = []
        for key in partition_keys(stage, seamix):
            failed += _record(context, seamix, stage.asset, key, stage.run(seamix, key, context.log))
        _stop_if_failed(failed)

    return _op


@dg.op(name="run_pass", description="ingest → extract → langid → quality, one pass per input file of every source",
       ins={"after": dg.In(dg.Nothing)})
@writes_data_root
def pass_op(context: dg.OpExecutionContext, seamix: SeamixSettings) -> dg.Nothing:
    """The pass for every source, recording each of its four stage assets per partition."""
    failed = []
    for key in partition_keys(PASS_ASSET_STAGES[0], seamix):
        for asset, metadata in run_pass_partition(seamix, key, context.log).items():
            failed += _record(context, seamix, asset, key, metadata)
    _stop_if_failed(failed)


STAGE_OPS = [pass_op, *(_stage_op(stage) for stage in STAGES[len(PASS_ASSET_STAGES):])]


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
    """sync partitions → pass (ingest → extract → langid → quality) → dedup → tokens → pool → plan → mix → report."""
    done = sync_partitions_op()
    for op in STAGE_OPS:
        done = op(after=done)
