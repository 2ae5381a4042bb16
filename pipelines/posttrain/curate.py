"""Run the post-training curation stages (ingest -> checks -> dedup), one at a time or all in a row.

Each stage writes ``<data root>/posttrain/<stage>/<source>/part-*.parquet`` plus ``_dropped/`` parts
(every drop a DROP_SCHEMA row with its reason); dedup reads all sources at once. Settings come from
the text pipeline's CurateConfig (sources_file, data_root, langid_model, quality_config, dedup, executor)."""

from __future__ import annotations

from collections.abc import Sequence

from pipelines import storage
from pipelines.curate.config import CurateConfig
from pipelines.curate.run import StageRun, select_named, stage_items
from pipelines.posttrain.sources import ChatSource, load_chat_sources
from pipelines.posttrain.tasks import ChatChecksTask, ChatIngestTask
from pipelines.runtime.executors import executor_factory as make_executor_factory
from pipelines.runtime.progress import ProgressCallback, with_progress
from pipelines.runtime.runner import (
    ExecutorFactory,
    WorkItem,
    merge_outcomes,
    run_file_stage,
)
from pipelines.storage.layout import POSTTRAIN_STAGES, DataLayout, StageOrderError


def select_chat_sources(config: CurateConfig, names: Sequence[str] | None = None) -> list[ChatSource]:
    """The chat sources of ``config.sources_file``, or those named (unknown names are an error)."""
    return select_named(load_chat_sources(config.sources_file), names, config.sources_file)


def run_posttrain_stage(
    stage: str, config: CurateConfig, sources: Sequence[str] | None = None,
    executor_factory: ExecutorFactory | None = None, progress: ProgressCallback | None = None,
) -> StageRun:
    """Run one of POSTTRAIN_STAGES for ``sources`` (default: all; dedup always runs over all)."""
    if stage not in POSTTRAIN_STAGES:
        raise ValueError(f"unknown post-training stage {stage!r}; known: {', '.join(POSTTRAIN_STAGES)}")
    executor_factory = executor_factory or make_executor_factory(config.executor)
    if progress is not None:
        executor_factory = with_progress(executor_factory, progress)
    layout = DataLayout.at(config.data_root)
    selected = select_chat_sources(config, None if stage == "dedup" else sources)
    if stage == "dedup":
        from pipelines.posttrain.dedup import run_posttrain_dedup

        items = [item for s in selected for item in _previous_items(layout, stage, s.name)]
        outcome, summary = run_posttrain_dedup(
            items, layout.posttrain_dir(stage), layout.posttrain_dedup_work_dir, config.dedup, config.workers, executor_factory
        )
        return StageRun(outcome, summary)
    outcomes = []
    for source in selected:
        if stage == "ingest":
            task = ChatIngestTask(source)
            items = task.work_items()
        else:
            task = _checks_task(config, layout, source.name)
            items = _previous_items(layout, stage, source.name)
        out_dir = storage.join(layout.posttrain_dir(stage), source.name)
        outcomes.append(run_file_stage(task, items, out_dir, config.workers, executor_factory))
    return StageRun(merge_outcomes(stage, layout.posttrain_dir(stage), outcomes))


def run_posttrain_curation(
    config: CurateConfig, sources: Sequence[str] | None = None,
    executor_factory: ExecutorFactory | None = None, progress: ProgressCallback | None = None,
) -> dict[str, StageRun]:
    """Run every post-training stage in order; ``{stage: StageRun}``."""
    return {stage: run_posttrain_stage(stage, config, sources, executor_factory, progress) for stage in POSTTRAIN_STAGES}


def _previous_items(layout: DataLayout, stage: str, source: str) -> list[WorkItem]:
    previous = POSTTRAIN_STAGES[POSTTRAIN_STAGES.index(stage) - 1]
    folder = layout.posttrain_folder(previous, source)
    if not folder.is_built:
        raise StageOrderError(f"post-training stage {stage}: {previous} has not run for source {source!r} ({folder.path}); "
                              f"run {previous} first")
    return stage_items(folder)


def _checks_task(config: CurateConfig, layout: DataLayout, source: str) -> ChatChecksTask:
    """The checks task; with eval sets configured it also decontaminates the turns (decisions in ``_decisions/``)."""
    if not config.decontam.enabled:
        return ChatChecksTask(config.langid_model, config.quality_config)
    from pipelines.decontaminate.stage import build_index, spill_dir

    decisions = storage.join(layout.posttrain_folder("checks", source).path, "_decisions")
    return ChatChecksTask(config.langid_model, config.quality_config, config.decontam, build_index(layout, config.decontam),
                          decisions, spill_dir(layout))
