"""Run a file-to-file stage under a datatrove executor, resumably.

A stage is a picklable :class:`FileTask`: it streams one input file into chunks of kept
and dropped documents, written to one kept part and one dropped part. :func:`run_file_stage` wraps it in
a datatrove ``PipelineStep`` whose ``run(data, rank, world_size)`` handles the files of its
rank, so any datatrove executor (local multiprocess, Slurm, Ray) can scale it out.

Crash safety: each part is written under a temp name and renamed (on an object store: uploaded
whole under its final key); its stats file is written last and marks the part done. The marker
records the size and xxh3-128 checksum of each file of the part; a re-run skips the done parts
whose files still match and redoes the rest (a truncated or altered part is redone, with a
warning naming it). A stage folder remembers the fingerprint of the config and inputs it was
built from; when it changes the folder is wiped instead of silently reusing stale parts. The
fingerprint names inputs under the data root by their path relative to the stage folder and by
the checksum their own done marker records, so a copied or moved data root resumes as it is.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Protocol

import pyarrow as pa
from datatrove.pipeline.base import PipelineStep

from pipelines import storage
from pipelines.runtime.problems import ErrorLog
from pipelines.runtime.worker_processes import (
    DEFAULT_START_METHOD,
    default_signals_in_forked_workers,
)
from pipelines.schema import DROP_SCHEMA
from pipelines.storage.checksums import FAST_CHECKSUM, file_digest
from pipelines.storage.layout import StageFolder
from pipelines.storage.parquet_io import (
    AtomicParquetWriter,
    read_table,
    write_json_atomic,
)

log = logging.getLogger(__name__)


class FileTask(Protocol):
    """One stage's work on one file."""

    name: str

    def fingerprint(self) -> str:
        """A string that changes whenever the task's configuration changes."""

    def process(self, item: "WorkItem", errors: ErrorLog) -> Iterator["Chunk"]:
        """Yield (kept documents, dropped documents) chunks for ``item.in_path``, optionally with
        :class:`ChunkExtras` as a third element."""


@dataclass
class ChunkExtras:
    """What a chunk may carry beside its kept and dropped documents: counters summed into the part's
    stats (``counts``), and the id and text of its drops when the input file has no text column to
    read them back from (``dropped_text``, written only with keep_dropped_text)."""

    counts: dict[str, int] = field(default_factory=dict)
    dropped_text: pa.Table | None = None


#: One chunk of a FileTask's output: (kept, dropped) or (kept, dropped, extras).
Chunk = tuple[pa.Table, pa.Table] | tuple[pa.Table, pa.Table, ChunkExtras]


@dataclass(frozen=True)
class WorkItem:
    """One input file and the part name its outputs get inside the stage folder."""

    in_path: str
    part: str  # e.g. "fineweb2-sample/part-00003"
    source: str = ""  # registry name of the source the file belongs to
    size: int | None = None  # bytes of in_path when known (local files), used to balance the tasks


@dataclass
class StageOutcome:
    """What a stage run produced, summed over its parts."""

    stage: str
    out_dir: str
    parts: list[str]
    docs_in: int = 0
    docs_out: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    errors: ErrorLog = field(default_factory=ErrorLog)

    def add(self, docs_in: int, docs_out: int, dropped: dict[str, int], errors: ErrorLog) -> None:
        """Add one part's (or one folder's) counts to the totals."""
        self.docs_in += docs_in
        self.docs_out += docs_out
        for reason, n in dropped.items():
            self.dropped[reason] = self.dropped.get(reason, 0) + n
        self.errors.merge(errors)

    def metadata(self) -> dict:
        """Flat, JSON-friendly summary for logs and Dagster metadata."""
        return {
            "docs_in": self.docs_in,
            "docs_out": self.docs_out,
            "dropped": dict(sorted(self.dropped.items())),
            "input_problems": dict(self.errors.counts),
        }


ExecutorFactory = Callable[[list[PipelineStep], int, str], object]


def local_executor(
    pipeline: list[PipelineStep], tasks: int, logging_dir: str, workers: int = 1, start_method: str | None = None
) -> object:
    """datatrove's LocalPipelineExecutor (in-process when workers == 1; otherwise a pool of processes
    started with ``start_method``, default DEFAULT_START_METHOD)."""
    from datatrove.executor import LocalPipelineExecutor

    return LocalPipelineExecutor(
        pipeline=pipeline, tasks=tasks, workers=min(workers, tasks), logging_dir=logging_dir, skip_completed=False,
        start_method=start_method or DEFAULT_START_METHOD,
    )


class FileStageStep(PipelineStep):
    """datatrove step that runs a FileTask over the work items of its rank."""

    type = "seamix"

    def __init__(self, task: FileTask, items: list[WorkItem], out_dir: str, keep_dropped_text: bool = False):
        self.name = task.name  # before super().__init__(), which names the stats after it
        super().__init__()
        self.task = task
        self.items = items
        self.out_dir = out_dir
        self.keep_dropped_text = keep_dropped_text

    def run(self, data, rank: int = 0, world_size: int = 1):
        """Process the items :func:`rank_items` gives this rank; skip parts already done."""
        share_cores(world_size)
        for item in rank_items(self.items, rank, world_size):
            if part_done(self.out_dir, item.part):
                continue
            errors = ErrorLog()
            stats = {"in_path": item.in_path, "docs_in": 0, "docs_out": 0, "dropped": {}, "dropped_by_stage": {},
                     "counts": {}}
            dropped_ids: list[str] = []
            kept_name, drop_name = f"{item.part}.parquet", f"_dropped/{item.part}.parquet"
            text_name = f"_dropped_text/{item.part}.parquet"
            with (
                AtomicParquetWriter(storage.join(self.out_dir, kept_name)) as kept_out,
                AtomicParquetWriter(storage.join(self.out_dir, drop_name), DROP_SCHEMA) as drop_out,
                AtomicParquetWriter(storage.join(self.out_dir, text_name), optional=True) as text_out,
            ):
                for kept, dropped, *extras in self.task.process(item, errors):
                    kept_out.write(kept)
                    drop_out.write(dropped)
                    stats["docs_in"] += kept.num_rows + dropped.num_rows
                    stats["docs_out"] += kept.num_rows
                    _count_drops(dropped, stats)
                    for extra in extras:
                        for name, n in extra.counts.items():
                            stats["counts"][name] = stats["counts"].get(name, 0) + n
                        if self.keep_dropped_text and extra.dropped_text is not None and extra.dropped_text.num_rows:
                            text_out.write(extra.dropped_text)
                    if self.keep_dropped_text and not extras:
                        dropped_ids += dropped.column("id").to_pylist()
                if dropped_ids and item.in_path.endswith(".parquet"):
                    text_out.write(_dropped_text(item.in_path, dropped_ids))
            stats["files"] = {kept_name: kept_out.digest, drop_name: drop_out.digest}
            if text_out.digest is not None:
                stats["files"][text_name] = text_out.digest
            stats["errors"] = errors.to_dict()
            write_json_atomic(stats, stats_path(self.out_dir, item.part))
            self.stat_update("docs_out", value=stats["docs_out"])
            self.stat_update("docs_dropped", value=stats["docs_in"] - stats["docs_out"])
        return data or iter(())


def rank_items(items: list[WorkItem], rank: int, world_size: int) -> list[WorkItem]:
    """The items task ``rank`` of ``world_size`` handles, in their order. When every size is known,
    items are dealt largest first to the task with the fewest bytes so far (ties: the lower rank),
    so tasks get about equal input (bench/e2e: round-robin gave one of two workers 6% more);
    otherwise every ``world_size``-th item from ``rank`` on."""
    if any(item.size is None for item in items):
        return items[rank::world_size]
    loads = [(0, task) for task in range(world_size)]  # a heap of (bytes so far, task)
    mine = []
    for index in sorted(range(len(items)), key=lambda i: (-items[i].size, i)):
        load, task = heapq.heappop(loads)
        heapq.heappush(loads, (load + items[index].size, task))
        if task == rank:
            mine.append(index)
    return [items[i] for i in sorted(mine)]


def with_local_sizes(items: list[WorkItem]) -> list[WorkItem]:
    """``items`` with ``size`` filled in for the input files on local disk (others keep None)."""
    return [replace(item, size=_local_size(item.in_path)) for item in items]


def _local_size(path: str) -> int | None:
    if storage.is_remote(path):
        return None
    try:
        return storage.size(path)
    except OSError:  # missing: the task reports it when it opens the file
        return None


def share_cores(workers: int) -> None:
    """Size this process's thread pools (Arrow's CPU pool, the Rayon pool of ``tokenizers``) to its
    share of the cores it may run on, so that ``workers`` processes do not oversubscribe them
    (measured in bench/e2e: oversubscribed pools made 2 workers slower than 1). An explicit
    ``RAYON_NUM_THREADS`` wins; Rayon reads it when the pool first starts."""
    threads = max(1, len(os.sched_getaffinity(0)) // workers)
    pa.set_cpu_count(threads)
    os.environ.setdefault("RAYON_NUM_THREADS", str(threads))


def run_file_stage(
    task: FileTask,
    items: list[WorkItem],
    out_dir: str | os.PathLike[str],
    workers: int = 1,
    executor_factory: ExecutorFactory | None = None,
    keep_dropped_text: bool = False,
) -> StageOutcome:
    """Run ``task`` over ``items`` into ``out_dir`` and return the summed outcome.

    With ``keep_dropped_text`` the id and text of every dropped document are also kept aside in
    ``_dropped_text/`` (read back from the part's Parquet input) for inspection."""
    out_dir = str(out_dir)
    fingerprint = f"{_fingerprint(task, items, out_dir)}|keep_dropped_text={keep_dropped_text}"
    _reset_if_stale(out_dir, fingerprint)
    done = intact_parts(out_dir, task.name)
    todo = [item for item in items if item.part not in done]
    if todo:
        tasks = max(1, min(workers, len(todo)))
        step = FileStageStep(task, with_local_sizes(todo), out_dir, keep_dropped_text)
        logging_dir = StageFolder(out_dir).logs
        if executor_factory is None:
            executor = local_executor([step], tasks, logging_dir, workers=workers)
        else:
            executor = executor_factory([step], tasks, logging_dir)
        with default_signals_in_forked_workers():
            executor.run()
    return collect_outcome(task.name, out_dir, [item.part for item in items])


def collect_outcome(stage: str, out_dir: str, parts: list[str]) -> StageOutcome:
    """Sum the per-part stats files of a finished stage."""
    folder = StageFolder(out_dir)
    outcome = StageOutcome(stage=stage, out_dir=out_dir, parts=[folder.part(p) for p in parts])
    done = done_parts(out_dir)
    for part in parts:
        path = stats_path(out_dir, part)
        if part not in done:
            raise RuntimeError(f"stage {stage}: part {part} did not finish (no {path})")
        stats = part_stats(out_dir, part)
        outcome.add(stats["docs_in"], stats["docs_out"], stats["dropped"], ErrorLog.from_dict(stats["errors"]))
    return outcome


def merge_outcomes(stage: str, out_dir: str, outcomes: list[StageOutcome]) -> StageOutcome:
    """Sum the outcomes of one stage run over several folders (e.g. one per source)."""
    merged = StageOutcome(stage=stage, out_dir=out_dir, parts=[])
    for outcome in outcomes:
        merged.parts.extend(outcome.parts)
        merged.add(outcome.docs_in, outcome.docs_out, outcome.dropped, outcome.errors)
    return merged


def _count_drops(dropped: pa.Table, stats: dict) -> None:
    """Add a chunk's drops to the part's counts by reason and by (stage, reason)."""
    for stage, reason in zip(dropped.column("stage").to_pylist(), dropped.column("reason").to_pylist()):
        stats["dropped"][reason] = stats["dropped"].get(reason, 0) + 1
        by_reason = stats["dropped_by_stage"].setdefault(stage, {})
        by_reason[reason] = by_reason.get(reason, 0) + 1


def _dropped_text(in_path: str, ids: list[str]) -> pa.Table:
    """Id and text of the dropped ``ids``, read back from a Parquet input (other inputs have no text
    column; tasks reading them hand the text over in ChunkExtras)."""
    return read_table(in_path, columns=["id", "text"], filters=[("id", "in", ids)])


def part_done(out_dir: str, part: str) -> bool:
    """True when the part's stats file exists, i.e. its outputs were fully renamed into place."""
    return storage.isfile(stats_path(out_dir, part))


def done_parts(out_dir: str) -> set[str]:
    """Names of the parts of ``out_dir`` that are done, from one listing of its ``_stats`` folder."""
    return {rel[: -len(".json")] for rel in storage.relative_files(StageFolder(out_dir).stats_dir) if rel.endswith(".json")}


def intact_parts(out_dir: str, stage: str) -> set[str]:
    """The done parts of ``out_dir`` whose files still have the size and checksum their marker
    records. A part that no longer matches (truncated, altered, missing, or a marker without
    checksums) loses its marker, with a warning naming the file, so that it is redone."""
    intact = set()
    for part in sorted(done_parts(out_dir)):
        marker = stats_path(out_dir, part)
        problem = _part_mismatch(out_dir, json.loads(storage.read_text(marker)))
        if problem is None:
            intact.add(part)
            continue
        log.warning("stage %s: part %s is damaged (%s); redoing it", stage, part, problem)
        storage.remove(marker, inside=out_dir)
    return intact


def _part_mismatch(out_dir: str, stats: dict) -> str | None:
    """Why the files of a done part do not match its marker, or None when they all do."""
    files = stats.get("files")
    if not files:
        return "its done marker records no checksums"
    for name, recorded in sorted(files.items()):
        path = storage.join(out_dir, name)
        if not storage.isfile(path):
            return f"{path} is missing"
        found_size = storage.size(path)
        if found_size != recorded["size"]:
            return f"{path} has {found_size:,} bytes, its done marker records {recorded['size']:,}"
        if file_digest(path)[FAST_CHECKSUM] != recorded[FAST_CHECKSUM]:
            return f"{path} does not match the {FAST_CHECKSUM} checksum in its done marker"
    return None


def part_stats(out_dir: str, part: str) -> dict:
    """The stats (done marker) of a done part: in_path, docs_in, docs_out, dropped, files, errors."""
    return json.loads(storage.read_text(stats_path(out_dir, part)))


def stats_path(out_dir: str, part: str) -> str:
    """The part's stats JSON, written last: its presence marks the part done."""
    return StageFolder(out_dir).stats(part)


def _fingerprint(task: FileTask, items: list[WorkItem], out_dir: str) -> str:
    digest = hashlib.sha256(task.fingerprint().encode())
    for item in items:
        digest.update(f"{_input_identity(item.in_path, out_dir)}|{item.part}\n".encode())
    return digest.hexdigest()


def _input_identity(in_path: str, out_dir: str) -> str:
    """How an input enters a fingerprint. A part of another stage (it has a done marker with
    checksums): its path relative to ``out_dir`` and its recorded checksum, which survive copying or
    moving the data root. Any other file: its path, size and modification time (remote: path only)."""
    marker = stats_path(storage.parent(in_path), storage.stem(in_path))
    if storage.isfile(marker):
        recorded = json.loads(storage.read_text(marker)).get("files", {}).get(storage.name(in_path))
        if recorded:
            return f"{storage.relative_to(in_path, out_dir)}|{recorded[FAST_CHECKSUM]}"
    state = storage.file_state(in_path)  # None for remote files: name only
    return "|".join([in_path, *map(str, state or ())])


def _reset_if_stale(out_dir: str, fingerprint: str) -> None:
    marker = StageFolder(out_dir).fingerprint
    if storage.isfile(marker) and storage.read_text(marker).strip() == fingerprint:
        return
    storage.remove_tree(out_dir, inside=storage.parent(out_dir))  # a stage folder is owned by the folder above it
    storage.makedirs(out_dir)
    storage.write_text(fingerprint + "\n", marker)
