"""Dedup stage: signatures per part → duplicate clusters over all parts → filter each part.

Phases 1 and 3 are file tasks (scale out under any datatrove executor); phase 2's bucket tasks too
(candidate edges per band and hash range), then one merge verifies them and finds the clusters
within each language across all sources. The merge's DuckDB spill files need a local
folder: ``work/dedup/duckdb`` for a local data root, a temporary folder otherwise."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa

from pipelines import storage
from pipelines.dedup.apply import apply_dedup
from pipelines.dedup.buckets import clear_stale_scratch
from pipelines.dedup.clusters import DedupSummary, find_duplicates
from pipelines.dedup.config import DedupConfig
from pipelines.dedup.signatures import SIGNATURE_VERSION, iter_signatures
from pipelines.runtime.drops import empty_drops
from pipelines.runtime.problems import ErrorLog
from pipelines.runtime.runner import (
    ExecutorFactory,
    StageOutcome,
    WorkItem,
    merge_outcomes,
    run_file_stage,
)
from pipelines.storage.checksums import file_sha256
from pipelines.storage.layout import DataLayout

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignatureTask:
    """Exact hash + MinHash band hashes of every document of a part."""

    config: DedupConfig
    name: str = "dedup-signatures"

    def fingerprint(self) -> str:
        return f"v{SIGNATURE_VERSION}|{self.config!r}"

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        for table in iter_signatures(item.in_path, self.config):
            yield table, empty_drops()


@dataclass(frozen=True)
class DedupApplyTask:
    """The ids of cluster survivors and singletons with their ``minhash_cluster_size`` (a narrow part), a drop row per duplicate."""

    duplicates_path: str
    duplicates_fingerprint: str
    name: str = "dedup"

    def fingerprint(self) -> str:
        return self.duplicates_fingerprint

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        yield apply_dedup(item.in_path, self.duplicates_path)


def run_dedup(
    items: list[WorkItem],
    layout: DataLayout,
    config: DedupConfig,
    workers: int = 1,
    executor_factory: ExecutorFactory | None = None,
    keep_dropped_text: bool = False,
) -> tuple[StageOutcome, DedupSummary]:
    """Run the three dedup phases over ``items`` (all sources) into the dedup stage's source folders;
    first clear the spill folders a killed run's bucket tasks left behind."""
    for folder in clear_stale_scratch():
        log.info("removed %s, left by a killed dedup run", folder)
    by_source: dict[str, list[WorkItem]] = {}
    for item in items:
        by_source.setdefault(item.source, []).append(item)
    signature_parts = []
    for source, source_items in sorted(by_source.items()):
        task = SignatureTask(config)
        folder = layout.dedup_signatures(source)
        signature_parts += run_file_stage(task, source_items, folder, workers, executor_factory).parts
    duplicates_path = layout.dedup_duplicates
    with storage.scratch_dir(layout.dedup_scratch) as duckdb_dir:
        summary = find_duplicates(signature_parts, duplicates_path, config, duckdb_dir, workers, executor_factory)
    apply = DedupApplyTask(duplicates_path, f"{config!r}|{file_sha256(duplicates_path)}")
    outcomes = [
        run_file_stage(apply, source_items, layout.stage_folder("dedup", source).path, workers, executor_factory,
                       keep_dropped_text)
        for source, source_items in sorted(by_source.items())
    ]
    return merge_outcomes("dedup", layout.stage_dir("dedup"), outcomes), summary
