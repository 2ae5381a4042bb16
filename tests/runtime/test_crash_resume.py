"""A curation killed with SIGKILL in the middle of a stage (the pass, or tokens), then re-run, ends
exactly like an uninterrupted one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from scaleout_inputs import split_sample_pile

REPO = Path(__file__).resolve().parents[2]
#: The folders a curation writes, in order: the pass (ingest → quality) writes the quality stage's.
WRITTEN = ("quality", "dedup", "tokens")
TIMEOUT_S = 300


def _curate(sources: Path, root: Path, workers: int, log: Path, **popen) -> subprocess.Popen:
    command = [sys.executable, "-m", "pipelines.cli", "curate", "--sources", str(sources), "--data-root", str(root),
               "--workers", str(workers), "--tokenizers", "gemma3"]
    with open(log, "ab") as out:
        return subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, **popen)


def _finish(process: subprocess.Popen, log: Path) -> None:
    assert process.wait(timeout=TIMEOUT_S) == 0, log.read_text()[-3000:]


def _kill_at_first_part(process: subprocess.Popen, stats_dir: Path, log: Path) -> dict[str, int]:
    """SIGKILL the run's process group once the first part of the stage is done; return the done markers."""
    deadline = time.monotonic() + TIMEOUT_S
    while not (stats_dir.is_dir() and any(stats_dir.glob("*.json"))):
        assert process.poll() is None, f"run ended before {stats_dir} got a part:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, "no part finished in time"
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)  # the CLI and datatrove's worker processes
    process.wait(timeout=30)
    _wait_group_gone(process.pid)
    return {p.name: p.stat().st_mtime_ns for p in stats_dir.glob("*.json")}


def _wait_group_gone(pgid: int) -> None:
    for _ in range(200):
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"processes of group {pgid} survived SIGKILL")


def _parts(root: Path) -> dict[str, Path]:
    """Every Parquet file of every curation stage (kept and dropped parts), by path under the data root."""
    return {str(p.relative_to(root)): p for p in sorted((root / "curate").rglob("*.parquet"))}


def _ids(path: Path) -> list[str]:
    return pq.read_table(path, columns=["id"]).column("id").to_pylist()


@pytest.mark.parametrize("killed_folder", ["quality", "tokens"])
def test_killed_curation_resumes_to_identical_output(tmp_path, killed_folder):
    # two documents per file: many parts; Latin-script languages keep the run short
    sources = split_sample_pile(tmp_path, lines_per_file=2, languages=("id", "ms", "tl", "vi"))
    n_inputs = len(list((tmp_path / "input").rglob("*.jsonl")))
    reference_log, crash_log = tmp_path / "reference.log", tmp_path / "crash.log"
    reference = _curate(sources, tmp_path / "reference", 1, reference_log)  # runs alongside the crash run
    crashed_root = tmp_path / "crashed"
    stats_dir = crashed_root / "curate" / killed_folder / "pile" / "_stats"

    killed = _curate(sources, crashed_root, 2, crash_log, start_new_session=True)
    done_at_kill = _kill_at_first_part(killed, stats_dir, crash_log)
    assert killed.returncode == -signal.SIGKILL
    assert 0 < len(done_at_kill) < n_inputs, "the kill must land in the middle of the stage"
    assert not [name for name in WRITTEN[WRITTEN.index(killed_folder) + 1:] if (crashed_root / "curate" / name).exists()]

    _finish(_curate(sources, crashed_root, 1, crash_log), crash_log)
    _finish(reference, reference_log)

    # parts finished before the kill were kept, not redone
    assert {name: stats_dir.joinpath(name).stat().st_mtime_ns for name in done_at_kill} == done_at_kill
    assert not [p for p in crashed_root.rglob("*") if p.name.endswith(".tmp")]

    resumed, uninterrupted = _parts(crashed_root), _parts(tmp_path / "reference")
    assert resumed.keys() == uninterrupted.keys()
    for stage in WRITTEN:
        assert any(name.startswith(f"curate/{stage}/pile/") for name in resumed), stage
    for name, path in resumed.items():
        ids, reference_ids = (_ids(p) for p in (path, uninterrupted[name]))
        assert len(ids) == len(set(ids)), f"duplicate documents in {name}"
        assert ids == reference_ids, name
        assert path.read_bytes() == uninterrupted[name].read_bytes(), name
    final = [pq.read_table(p, columns=["id"]) for name, p in resumed.items() if name.startswith("curate/tokens/pile/")]
    assert sum(t.num_rows for t in final) > 50
