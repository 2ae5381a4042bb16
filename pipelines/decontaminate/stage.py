"""Decontamination stage: build (or reuse) the eval index, then run :class:`DecontamTask` over every
source's curated parts (the documents dedup kept) into ``curate/decontam/<source>/`` (kept parts,
``_dropped/`` with reasons ``decontam_<benchmark>``, ``_decisions/``). The tokens stage reads this
folder when eval sets are configured and the quality stage's otherwise, so a run without eval sets
writes nothing here; with them, this stage writes a copy of the text (a cut changes it)."""

from __future__ import annotations

from pipelines import storage
from pipelines.decontaminate.config import DecontamConfig
from pipelines.decontaminate.evalsets import load_evalsets
from pipelines.decontaminate.index import EvalIndex, ensure_index
from pipelines.decontaminate.matcher import Matcher
from pipelines.decontaminate.task import DecontamTask
from pipelines.runtime.runner import (
    ExecutorFactory,
    StageOutcome,
    WorkItem,
    merge_outcomes,
    run_file_stage,
)
from pipelines.storage.layout import DataLayout

INDEX_DIR = ("work", "decontam", "index")
DUCKDB_DIR = ("work", "decontam", "duckdb")


def stage_dir(layout: DataLayout) -> str:
    """``curate/decontam``: one folder per source."""
    return layout.stage_dir("decontam")


def build_index(layout: DataLayout, config: DecontamConfig) -> EvalIndex:
    """The index of ``config.evalsets_file`` under ``work/decontam/index/`` (built once per version)."""
    if config.evalsets_file is None:
        raise ValueError("decontamination needs an eval-set registry (DecontamConfig.evalsets_file)")
    return ensure_index(load_evalsets(config.evalsets_file), config, layout.path(*INDEX_DIR))


def open_matcher(layout: DataLayout, config: DecontamConfig, threads: int | None = None) -> Matcher:
    """A :class:`Matcher` over the (built or reused) index of ``config.evalsets_file``; the entry point
    for post-training data (see :func:`pipelines.decontaminate.matcher.find_matches`)."""
    return Matcher(build_index(layout, config), config.memory_limit, spill_dir(layout), threads)


def run_decontam(
    items: list[WorkItem],
    layout: DataLayout,
    config: DecontamConfig,
    workers: int = 1,
    executor_factory: ExecutorFactory | None = None,
    keep_dropped_text: bool = False,
) -> StageOutcome:
    """Run the stage over ``items`` (every source's curated parts; the ids dedup kept are read from
    ``curate/dedup/<source>/``)."""
    index = build_index(layout, config)
    spill = spill_dir(layout)
    by_source: dict[str, list[WorkItem]] = {}
    for item in items:
        by_source.setdefault(item.source, []).append(item)
    outcomes = []
    for source, source_items in sorted(by_source.items()):
        out_dir = storage.join(stage_dir(layout), source)
        task = DecontamTask(index, config, storage.join(out_dir, "_decisions"), spill, layout.stage_dir("dedup"),
                            layout.stage_folder("dedup", source).recorded_fingerprint)
        outcomes.append(run_file_stage(task, source_items, out_dir, workers, executor_factory, keep_dropped_text))
    return merge_outcomes("decontam", stage_dir(layout), outcomes)


def spill_dir(layout: DataLayout) -> str | None:
    """The local folder DuckDB spills the index to (None under a remote data root: DuckDB's default)."""
    if layout.is_remote:
        return None
    folder = storage.local_path(layout.path(*DUCKDB_DIR))
    storage.makedirs(folder)
    return folder
