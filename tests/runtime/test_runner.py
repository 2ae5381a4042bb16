"""The datatrove-backed file-stage runner: outputs, resume after a crash, stale-config reset."""

from __future__ import annotations

import functools
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.runtime.drops import split_by_reason
from pipelines.runtime.problems import ErrorLog
from pipelines.runtime.runner import (
    WorkItem,
    local_executor,
    part_done,
    rank_items,
    run_file_stage,
)
from pipelines.runtime.worker_processes import DEFAULT_START_METHOD, START_METHODS


@dataclass(frozen=True)
class DropOddTask:
    """Keeps even numbers, drops odd ones; can crash after a given number of chunks."""

    log_dir: str
    crash_on: str = ""
    version: str = "v1"
    name: str = "drop-odd"

    def fingerprint(self) -> str:
        return self.version

    def process(self, item: WorkItem, errors: ErrorLog):
        with open(Path(self.log_dir) / "calls.txt", "a") as f:
            f.write(item.part + "\n")
        for batch in pq.ParquetFile(item.in_path).iter_batches(batch_size=5):
            table = pa.Table.from_batches([batch])
            if item.part == self.crash_on:
                raise RuntimeError("simulated crash")
            reasons = [None if n % 2 == 0 else "odd" for n in table.column("n").to_pylist()]
            yield split_by_reason(table, reasons, "test")


def _inputs(tmp_path: Path, files: int = 3, rows: int = 12) -> list[WorkItem]:
    items = []
    for i in range(files):
        path = tmp_path / "in" / f"f{i}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        ids = [f"f{i}-{n}" for n in range(rows)]
        pq.write_table(pa.table({"id": ids, "n": list(range(rows)), "text": ["x" * n for n in range(rows)]}), path)
        items.append(WorkItem(str(path), f"src/part-{i:05d}", "src"))
    return items


def _calls(tmp_path: Path) -> list[str]:
    path = tmp_path / "calls.txt"
    return path.read_text().split() if path.exists() else []


def test_outputs_and_stats(tmp_path):
    items = _inputs(tmp_path)
    outcome = run_file_stage(DropOddTask(str(tmp_path)), items, tmp_path / "out")
    assert (outcome.docs_in, outcome.docs_out, outcome.dropped) == (36, 18, {"odd": 18})
    kept = pq.read_table(tmp_path / "out" / "src" / "part-00001.parquet")
    assert kept.column("n").to_pylist() == [0, 2, 4, 6, 8, 10]
    dropped = pq.read_table(tmp_path / "out" / "_dropped" / "src" / "part-00001.parquet")
    assert set(dropped.column("reason").to_pylist()) == {"odd"}
    assert dropped.column("id").to_pylist()[0] == "f1-1"


def test_rerun_skips_finished_parts(tmp_path):
    items = _inputs(tmp_path)
    run_file_stage(DropOddTask(str(tmp_path)), items, tmp_path / "out")
    run_file_stage(DropOddTask(str(tmp_path)), items, tmp_path / "out")
    assert _calls(tmp_path) == ["src/part-00000", "src/part-00001", "src/part-00002"]


def test_crash_leaves_no_partial_part_and_resume_completes(tmp_path):
    items = _inputs(tmp_path)
    with pytest.raises(RuntimeError, match="simulated crash"):
        run_file_stage(DropOddTask(str(tmp_path), crash_on="src/part-00001"), items, tmp_path / "out")
    out = tmp_path / "out"
    assert part_done(str(out), "src/part-00000")
    assert not (out / "src" / "part-00001.parquet").exists()
    assert not list(out.rglob("*.tmp")), "temp files must be cleaned up"
    outcome = run_file_stage(DropOddTask(str(tmp_path)), items, out)
    assert outcome.docs_out == 18
    # part 0 was not redone; parts 1 (crashed) and 2 (never started) were
    assert _calls(tmp_path) == ["src/part-00000", "src/part-00001", "src/part-00001", "src/part-00002"]


def test_changed_config_does_not_reuse_stale_parts(tmp_path):
    items = _inputs(tmp_path)
    run_file_stage(DropOddTask(str(tmp_path)), items, tmp_path / "out")
    run_file_stage(DropOddTask(str(tmp_path), version="v2"), items, tmp_path / "out")
    assert len(_calls(tmp_path)) == 6


@pytest.mark.parametrize("start_method", START_METHODS)
def test_two_workers_match_one(tmp_path, start_method):
    items = _inputs(tmp_path, files=4)
    one = run_file_stage(DropOddTask(str(tmp_path)), items, tmp_path / "one", workers=1)
    pool = functools.partial(local_executor, workers=2, start_method=start_method)
    two = run_file_stage(DropOddTask(str(tmp_path)), items, tmp_path / "two", workers=2, executor_factory=pool)
    assert sorted(_calls(tmp_path)) == sorted(2 * [f"src/part-{i:05d}" for i in range(4)])
    assert (one.docs_in, one.docs_out, one.dropped) == (two.docs_in, two.docs_out, two.dropped)
    for part in ("src/part-00000", "src/part-00003"):
        assert pq.read_table(tmp_path / "one" / f"{part}.parquet").equals(pq.read_table(tmp_path / "two" / f"{part}.parquet"))


HOST_IGNORING_SIGTERM = """
import signal, sys
from pathlib import Path
sys.path[:0] = [{root!r}, {tests!r}]
from test_runner import DropOddTask, _inputs
from pipelines.runtime.runner import run_file_stage

signal.signal(signal.SIGTERM, lambda signum, frame: None)  # as a host like Dagster's run worker does
tmp = Path({tmp!r})
outcome = run_file_stage(DropOddTask(str(tmp)), _inputs(tmp, files=4), tmp / "out", workers=2)
print(outcome.docs_out)
"""


@pytest.mark.skipif(DEFAULT_START_METHOD != "fork", reason="workers are forked only on Linux")
def test_forked_workers_end_under_a_host_that_ignores_sigterm(tmp_path):
    """A pool ends its workers with SIGTERM; forked workers must not keep the host's handler."""
    here = Path(__file__).resolve()
    script = HOST_IGNORING_SIGTERM.format(root=str(here.parents[2]), tests=str(here.parent), tmp=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == "24"


def test_tasks_get_about_equal_bytes_and_every_item_once():
    sizes = [90, 10, 40, 40, 30, 30, 20, 20]
    items = [WorkItem(f"f{i}", f"src/part-{i:05d}", "src", size) for i, size in enumerate(sizes)]
    ranks = [rank_items(items, rank, 2) for rank in range(2)]
    assert sorted(item.part for rank in ranks for item in rank) == sorted(item.part for item in items)
    assert [sum(item.size for item in rank) for rank in ranks] == [140, 140]
    assert ranks[0] == sorted(ranks[0], key=items.index), "a task keeps the items' order"
    unsized = [WorkItem(f"f{i}", f"src/part-{i:05d}") for i in range(5)]
    assert [item.in_path for item in rank_items(unsized, 1, 2)] == ["f1", "f3"]


@pytest.mark.parametrize("source", ["..", "."])
def test_a_stage_reset_never_removes_outside_its_folder(tmp_path, source):
    """A source named '..' used to delete curate/ (every stage), '.' the whole stage folder."""
    from pipelines.storage import OutsideFolderError

    stage = tmp_path / "curate" / "ingest"
    (stage / "other-source").mkdir(parents=True)
    (stage / "other-source" / "part-00000.parquet").write_text("keep")
    (tmp_path / "curate" / "langid").mkdir()
    (tmp_path / "curate" / "langid" / "sentinel.txt").write_text("keep")
    out_dir = f"{stage}/{source}"
    with pytest.raises(OutsideFolderError, match=f"refusing to remove {out_dir}: it is not strictly inside {stage}"):
        run_file_stage(DropOddTask(str(tmp_path)), _inputs(tmp_path), out_dir)
    assert (stage / "other-source" / "part-00000.parquet").read_text() == "keep"
    assert (tmp_path / "curate" / "langid" / "sentinel.txt").read_text() == "keep"
