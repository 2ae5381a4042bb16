"""Run the curation stages, one at a time (Dagster assets) or all in a row (CLI).

Every stage writes one folder per source (``curate/<stage>/<source>/``), so a source can be
re-run alone; dedup reads all sources at once because duplicates cross sources."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipelines import storage
from pipelines.curate.config import CurateConfig
from pipelines.extract.task import ExtractTask
from pipelines.ingest.config import SourceConfig, load_sources
from pipelines.ingest.task import IngestTask
from pipelines.langid.task import LangidTask
from pipelines.quality.task import QualityTask
from pipelines.runtime.executors import executor_factory as make_executor_factory
from pipelines.runtime.progress import ProgressCallback, with_progress
from pipelines.runtime.runner import (
    ExecutorFactory,
    FileTask,
    StageOutcome,
    WorkItem,
    merge_outcomes,
    run_file_stage,
)
from pipelines.storage.layout import CURATE_STAGES, DataLayout
from pipelines.storage.parquet_io import parquet_parts
from pipelines.tokens.task import TokensTask

if TYPE_CHECKING:  # the dedup modules load datasketch and SciPy: only the dedup stage imports them
    from pipelines.dedup.clusters import DedupSummary


@dataclass
class StageRun:
    """The outcome of one curation stage (and the dedup summary for the dedup stage)."""

    outcome: StageOutcome
    dedup: DedupSummary | None = None


def stage_items(folder: str) -> list[WorkItem]:
    """Work items reading the parts of one source's folder of a finished stage, keeping part names."""
    return [WorkItem(path, storage.stem(path), storage.name(folder)) for path in parquet_parts(folder)]


def select_sources(config: CurateConfig, names: Sequence[str] | None = None) -> list[SourceConfig]:
    """The configured sources, or those named (an unknown name is an error listing the known ones)."""
    sources = load_sources(config.sources_file)
    if names is None:
        return sources
    known = {s.name: s for s in sources}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown source(s) {unknown} in {config.sources_file}; known: {sorted(known)}")
    return [known[n] for n in names]


def run_curate_stage(
    stage: str,
    config: CurateConfig,
    sources: Sequence[str] | None = None,
    executor_factory: ExecutorFactory | None = None,
    progress: ProgressCallback | None = None,
) -> StageRun:
    """Run one stage of CURATE_STAGES for ``sources`` (default: all) on the previous stage's output.

    The stage runs on ``executor_factory`` (default: the one ``config.executor`` describes);
    ``progress`` is called (from a monitor thread) as parts get done.
    Dedup always runs over every source: which copy survives depends on all of them."""
    executor_factory = executor_factory or make_executor_factory(config.executor)
    if progress is not None:
        executor_factory = with_progress(executor_factory, progress)
    layout = DataLayout.at(config.data_root)
    selected = select_sources(config, None if stage == "dedup" else sources)
    if stage == "dedup":
        from pipelines.dedup.stage import run_dedup

        items = [item for s in selected for item in _previous_items(layout, stage, s.name)]
        outcome, summary = run_dedup(
            items, layout.stage_dir(stage), layout.dedup_work_dir, config.dedup, config.workers, executor_factory,
            config.keep_dropped_text,
        )
        return StageRun(outcome, summary)
    outcomes = []
    for source in selected:
        task, items = _task_and_items(stage, config, layout, source)
        out_dir = storage.join(layout.stage_dir(stage), source.name)
        outcomes.append(run_file_stage(task, items, out_dir, config.workers, executor_factory, config.keep_dropped_text))
    return StageRun(merge_outcomes(stage, layout.stage_dir(stage), outcomes))


def _task_and_items(
    stage: str, config: CurateConfig, layout: DataLayout, source: SourceConfig
) -> tuple[FileTask, list[WorkItem]]:
    if stage == "ingest":
        task = IngestTask(source)
        return task, task.work_items()
    task = {
        "extract": lambda: ExtractTask(config.extract),
        "langid": lambda: LangidTask(config.langid_model, config.quality_config, config.langid_backend),
        "quality": lambda: QualityTask(config.quality_config, config.mask_pii),
        "tokens": lambda: TokensTask(tuple(config.tokenizers)),
    }[stage]()
    return task, _previous_items(layout, stage, source.name)


def _previous_items(layout: DataLayout, stage: str, source: str) -> list[WorkItem]:
    previous = CURATE_STAGES[CURATE_STAGES.index(stage) - 1]
    folder = storage.join(layout.stage_dir(previous), source)
    if not storage.isfile(storage.join(folder, "_fingerprint")):
        raise RuntimeError(f"stage {stage}: {previous} has not run for source {source!r} ({folder}); run {previous} first")
    return stage_items(folder)
