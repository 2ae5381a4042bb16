"""Run the curation stages, one at a time (Dagster assets) or all in a row (CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.curate.config import CurateConfig
from pipelines.curate.dedup_stage import run_dedup
from pipelines.curate.ingest_task import IngestTask
from pipelines.curate.transform_tasks import ExtractTask, LangidTask, QualityTask, TokensTask
from pipelines.dedup.clusters import DedupSummary
from pipelines.layout import CURATE_STAGES, DataLayout
from pipelines.parquet_io import parquet_parts
from pipelines.runner import ExecutorFactory, StageOutcome, WorkItem, run_file_stage
from pipelines.sources.config import load_sources


@dataclass
class StageRun:
    """The outcome of one curation stage (and the dedup summary for the dedup stage)."""

    outcome: StageOutcome
    dedup: DedupSummary | None = None


def stage_items(folder: Path) -> list[WorkItem]:
    """Work items reading the parts of a finished stage, keeping their part names."""
    items = []
    for path in parquet_parts(folder):
        part = str(Path(path).relative_to(folder).with_suffix(""))
        items.append(WorkItem(path, part, part.split("/", 1)[0]))
    return items


def run_curate_stage(stage: str, config: CurateConfig, executor_factory: ExecutorFactory | None = None) -> StageRun:
    """Run one stage of CURATE_STAGES on the output of the stage before it."""
    layout = DataLayout.at(config.data_root)
    out_dir = layout.stage_dir(stage)
    if stage == "ingest":
        task = IngestTask(tuple(load_sources(config.sources_file)))
        return StageRun(run_file_stage(task, task.work_items(), out_dir, config.workers, executor_factory))
    previous = CURATE_STAGES[CURATE_STAGES.index(stage) - 1]
    items = stage_items(layout.stage_dir(previous))
    if not items:
        raise RuntimeError(f"stage {stage}: no input parts in {layout.stage_dir(previous)}; run {previous} first")
    if stage == "dedup":
        outcome, summary = run_dedup(
            items, out_dir, layout.dedup_work_dir, config.dedup, config.workers, executor_factory
        )
        return StageRun(outcome, summary)
    task = {
        "extract": lambda: ExtractTask(),
        "langid": lambda: LangidTask(config.langid_model, config.quality_config),
        "quality": lambda: QualityTask(config.quality_config),
        "tokens": lambda: TokensTask(tuple(config.tokenizers)),
    }[stage]()
    return StageRun(run_file_stage(task, items, out_dir, config.workers, executor_factory))


def curate(config: CurateConfig, executor_factory: ExecutorFactory | None = None) -> dict[str, StageRun]:
    """Run every curation stage in order; return each stage's run."""
    return {stage: run_curate_stage(stage, config, executor_factory) for stage in CURATE_STAGES}
