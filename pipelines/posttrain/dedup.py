"""Exact and MinHash near-duplicate removal on the normalised user turns, across all post-training sources.

The dedup stage's own phases run on a derived table (pipelines.posttrain.tasks.user_turns: id, text =
the user turns, source, language, n_chars): signatures per part, clusters over all of them (within a
language), then the conversations of each part are filtered by those clusters with the dedup stage's
apply step (survivor: ``source_priority``, then longer user turns, then smaller id)."""

from __future__ import annotations

from pipelines import storage
from pipelines.dedup.apply import CLUSTER_SIZE_COLUMN
from pipelines.dedup.clusters import DedupSummary, find_duplicates
from pipelines.dedup.config import DedupConfig
from pipelines.dedup.stage import DedupApplyTask, SignatureTask
from pipelines.posttrain.tasks import UserTurnsTask
from pipelines.runtime.runner import (
    ExecutorFactory,
    StageOutcome,
    WorkItem,
    merge_outcomes,
    run_file_stage,
)
from pipelines.storage.checksums import file_sha256

__all__ = ["CLUSTER_SIZE_COLUMN", "run_posttrain_dedup"]


def run_posttrain_dedup(
    items: list[WorkItem], out_dir: str, work_dir: str, config: DedupConfig, workers: int = 1,
    executor_factory: ExecutorFactory | None = None,
) -> tuple[StageOutcome, DedupSummary]:
    """Dedup the checked conversation parts ``items`` (all sources) into ``out_dir/<source>/``;
    user-turn tables, signatures and the duplicate table go under ``work_dir``. Kept conversations
    gain ``minhash_cluster_size``; drops have stage ``dedup``, reason exact_duplicate or near_duplicate."""
    by_source: dict[str, list[WorkItem]] = {}
    for item in items:
        by_source.setdefault(item.source, []).append(item)
    signature_parts = []
    for source, source_items in sorted(by_source.items()):
        turns = run_file_stage(UserTurnsTask(), source_items, storage.join(work_dir, "user_turns", source), workers, executor_factory)
        turn_items = [WorkItem(path, item.part, source) for path, item in zip(turns.parts, source_items)]
        folder = storage.join(work_dir, "signatures", source)
        signature_parts += run_file_stage(SignatureTask(config), turn_items, folder, workers, executor_factory).parts
    duplicates_path = storage.join(work_dir, "duplicates.parquet")
    with storage.scratch_dir(storage.join(work_dir, "duckdb")) as duckdb_dir:
        summary = find_duplicates(signature_parts, duplicates_path, config, duckdb_dir)
    apply = DedupApplyTask(duplicates_path, f"posttrain|{config!r}|{file_sha256(duplicates_path)}")
    outcomes = [
        run_file_stage(apply, source_items, storage.join(out_dir, source), workers, executor_factory)
        for source, source_items in sorted(by_source.items())
    ]
    return merge_outcomes("dedup", out_dir, outcomes), summary
