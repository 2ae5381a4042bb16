"""Run the curation stages, one at a time (Dagster assets) or all in a row (CLI).

Every stage writes one folder per source (``curate/<stage>/<source>/``), so a source can be
re-run alone; dedup reads all sources at once because duplicates cross sources. By default
ingest → extract → langid → quality run as one pass over each input file (PASS_STAGE, written to
the quality stage's folder); ``one_pass=False`` runs them one by one, each writing its folder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from pipelines import storage
from pipelines.curate.config import CurateConfig
from pipelines.curate.one_pass import PASS_STAGES, CuratePassTask
from pipelines.extract.task import ExtractTask
from pipelines.ingest.config import SourceConfig, load_sources
from pipelines.ingest.task import IngestTask
from pipelines.langid.task import LangidTask
from pipelines.quality.task import QualityTask
from pipelines.runtime.executors import executor_factory as make_executor_factory
from pipelines.runtime.problems import ErrorLog
from pipelines.runtime.progress import ProgressCallback, with_progress
from pipelines.runtime.runner import (
    ExecutorFactory,
    FileTask,
    StageOutcome,
    WorkItem,
    merge_outcomes,
    part_stats,
    run_file_stage,
)
from pipelines.storage.layout import (
    DataLayout,
    StageFolder,
    StageOrderError,
)
from pipelines.storage.parquet_io import parquet_parts
from pipelines.tokens.task import TokensTask

#: The optional stage between dedup and tokens (``curate/decontam/``), run when eval sets are configured.
DECONTAM_STAGE = "decontam"
#: ingest → extract → langid → quality as one pass over each input file (pipelines/curate/one_pass.py).
PASS_STAGE = "pass"

#: A source of either registry (text or chat); only its ``name`` is used here.
Named = TypeVar("Named")

if TYPE_CHECKING:  # the dedup modules load datasketch and SciPy: only the dedup stage imports them
    from pipelines.dedup.clusters import DedupSummary


@dataclass
class StageRun:
    """The outcome of one curation stage (and the dedup summary for the dedup stage)."""

    outcome: StageOutcome
    dedup: DedupSummary | None = None


def curate_stages(config: CurateConfig) -> tuple[str, ...]:
    """The stages a full curation run goes through: the pass (or, with ``one_pass=False``, its four
    stages one by one), dedup, decontamination when eval sets are configured (without them the
    pipeline and its output are unchanged), tokens."""
    first = (PASS_STAGE,) if config.one_pass else PASS_STAGES
    return (*first, "dedup", *((DECONTAM_STAGE,) if config.decontam.enabled else ()), "tokens")


def stage_items(folder: StageFolder) -> list[WorkItem]:
    """Work items reading the parts of one source's folder of a finished stage, keeping part names."""
    return [WorkItem(path, storage.stem(path), folder.source) for path in parquet_parts(folder.path)]


def select_sources(config: CurateConfig, names: Sequence[str] | None = None) -> list[SourceConfig]:
    """The configured sources, or those named (an unknown name is an error listing the known ones)."""
    return select_named(load_sources(config.sources_file), names, config.sources_file)


def select_named(sources: list[Named], names: Sequence[str] | None, sources_file: str) -> list[Named]:
    """``sources`` (anything with a ``name``: text or chat sources), or those ``names`` pick, in their
    order; an unknown name is an error naming the file and listing the known ones."""
    if names is None:
        return sources
    known = {s.name: s for s in sources}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown source(s) {unknown} in {sources_file}; known: {sorted(known)}")
    return [known[n] for n in names]


def run_curate_stage(
    stage: str,
    config: CurateConfig,
    sources: Sequence[str] | None = None,
    executor_factory: ExecutorFactory | None = None,
    progress: ProgressCallback | None = None,
) -> StageRun:
    """Run one stage of CURATE_STAGES, the pass or decontamination for ``sources`` (default: all) on
    the previous stage's output.

    The stage runs on ``executor_factory`` (default: the one ``config.executor`` describes);
    ``progress`` is called (from a monitor thread) as parts get done.
    Dedup always runs over every source: which copy survives depends on all of them."""
    executor_factory = executor_factory or make_executor_factory(config.executor)
    if progress is not None:
        executor_factory = with_progress(executor_factory, progress)
    layout = DataLayout.at(config.data_root)
    selected = select_sources(config, None if stage == "dedup" else sources)
    if stage == PASS_STAGE:
        return StageRun(_run_pass(config, layout, selected, executor_factory))
    if stage == DECONTAM_STAGE:
        from pipelines.decontaminate.stage import run_decontam

        items = [item for s in selected for item in _text_items(layout, s.name, stage)]
        return StageRun(run_decontam(items, layout, config.decontam, config.workers, executor_factory,
                                     config.keep_dropped_text))
    if stage == "dedup":
        from pipelines.dedup.stage import run_dedup

        items = [item for s in selected for item in _previous_items(layout, stage, s.name)]
        outcome, summary = run_dedup(items, layout, config.dedup, config.workers, executor_factory, config.keep_dropped_text)
        return StageRun(outcome, summary)
    outcomes = []
    for source in selected:
        task, items = _task_and_items(stage, config, layout, source)
        out_dir = layout.stage_folder(stage, source.name).path
        outcomes.append(run_file_stage(task, items, out_dir, config.workers, executor_factory, config.keep_dropped_text))
        if stage == "ingest" and not config.allow_failed_files:
            _check_some_file_read(source, out_dir, [item.part for item in items])
    return StageRun(merge_outcomes(stage, layout.stage_dir(stage), outcomes))


class AllFilesFailed(RuntimeError):
    """Every input file of a source failed to read: the stage fails instead of reporting zero documents."""


def _run_pass(config: CurateConfig, layout: DataLayout, sources: list[SourceConfig],
              executor_factory: ExecutorFactory) -> StageOutcome:
    """The pass over every file of each source into its quality folder; the folders a run of the
    stages one by one left for ingest, extract and langid are removed (the pass's stats replace them)."""
    outcomes = []
    for source in sources:
        task = CuratePassTask(IngestTask(source), *(_stage_task(stage, config) for stage in PASS_STAGES[1:]))
        items = task.work_items()
        out_dir = layout.stage_folder(PASS_STAGES[-1], source.name).path
        outcomes.append(run_file_stage(task, items, out_dir, config.workers, executor_factory, config.keep_dropped_text))
        if not config.allow_failed_files:
            _check_some_file_read(source, out_dir, [item.part for item in items])
        for stage in PASS_STAGES[:-1]:
            folder = layout.stage_folder(stage, source.name).path
            if storage.exists(folder):
                storage.remove_tree(folder, inside=layout.stage_dir(stage))
    return merge_outcomes(PASS_STAGE, layout.stage_dir(PASS_STAGES[-1]), outcomes)


def _check_some_file_read(source: SourceConfig, out_dir: str, parts: list[str]) -> None:
    """Raise AllFilesFailed when every file of ``source`` gave no document and at least one error,
    naming each file and its first problem."""
    failed = []
    for part in parts:
        stats = part_stats(out_dir, part)
        errors = ErrorLog.from_dict(stats["errors"])
        if stats["docs_in"] or not errors.errors:
            return
        first = next(p for p in errors.samples if p.kind == "error")
        failed.append(f"  {stats['in_path']} [{first.where}]: {first.message}")
    if failed:
        raise AllFilesFailed(
            f"source {source.name!r} (kind {source.kind}): all {len(failed)} input file(s) failed, no document read:\n"
            + "\n".join(failed[:20]) + ("\n  ..." if len(failed) > 20 else "")
            + "\nfix the source entry (kind, paths, columns) or allow it with --allow-failed-files (allow_failed_files: true)"
        )


def _task_and_items(
    stage: str, config: CurateConfig, layout: DataLayout, source: SourceConfig
) -> tuple[FileTask, list[WorkItem]]:
    if stage == "ingest":
        task = IngestTask(source)
        return task, task.work_items()
    if stage == "tokens" and config.decontam.enabled:  # decontam's parts hold what dedup kept, cut text included
        return TokensTask(tuple(config.tokenizers), layout.root), _built_items(
            layout.stage_folder(DECONTAM_STAGE, source.name), stage)
    if stage == "tokens":
        kept = layout.stage_folder("dedup", source.name)
        task = TokensTask(tuple(config.tokenizers), layout.root, layout.stage_dir("dedup"), kept.recorded_fingerprint)
        return task, _text_items(layout, source.name, stage)
    return _stage_task(stage, config), _previous_items(layout, stage, source.name)


def _stage_task(stage: str, config: CurateConfig) -> FileTask:
    """The file task of extract, langid or quality under ``config`` (run alone or inside the pass)."""
    return {
        "extract": lambda: ExtractTask(config.extract),
        "langid": lambda: LangidTask(config.langid_model, config.quality_config, config.langid_backend),
        "quality": lambda: QualityTask(config.quality_config, config.mask_pii),
    }[stage]()


def _text_items(layout: DataLayout, source: str, stage: str) -> list[WorkItem]:
    """The quality stage's parts of ``source`` (where the curated text lies), once dedup has run
    for it (its narrow parts name the ids it kept); StageOrderError otherwise."""
    _built_items(layout.stage_folder("dedup", source), stage)
    return _built_items(layout.stage_folder(PASS_STAGES[-1], source), stage)


def _previous_items(layout: DataLayout, stage: str, source: str) -> list[WorkItem]:
    return _built_items(layout.input_folder(stage, source), stage)


def _built_items(folder: StageFolder, stage: str) -> list[WorkItem]:
    """The parts of ``folder`` that ``stage`` reads; StageOrderError when that stage has not run."""
    if not folder.is_built:
        previous = storage.name(storage.parent(folder.path))
        raise StageOrderError(f"stage {stage}: {previous} has not run for source {folder.source!r} ({folder.path}); run {previous} first")
    return stage_items(folder)
