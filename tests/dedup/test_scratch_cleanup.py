"""A killed dedup run leaves seamix-buckets-<pid>-* spill folders; the next run removes only those of dead processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pipelines.dedup.buckets import clear_stale_scratch

REPO = Path(__file__).resolve().parents[2]
BUCKET_FOREVER = """
import json, tempfile, time
from pipelines.dedup import buckets
tempfile.tempdir = {tmp!r}
original = tempfile.TemporaryDirectory
def hold(*args, **kwargs):
    folder = original(*args, **kwargs)
    print(folder.name, flush=True)
    time.sleep(600)
tempfile.TemporaryDirectory = hold
from pipelines.runtime.problems import ErrorLog
from pipelines.runtime.runner import WorkItem
spec = {tmp!r} + "/spec.json"
open(spec, "w").write(json.dumps({{"band": None, "index": 0, "ranges": 1, "files": []}}))
next(buckets.BucketTask("100MB").process(WorkItem(spec, "exact-0"), ErrorLog()))
"""


@pytest.fixture
def tmp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_killed_bucket_task_leaves_a_folder_that_the_next_run_clears(tmp_dir: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", BUCKET_FOREVER.format(tmp=str(tmp_dir))], stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    left = Path(proc.stdout.readline().strip())
    assert left.is_dir() and left.name.startswith(f"seamix-buckets-{proc.pid}-")
    assert clear_stale_scratch() == []  # its process still runs: not ours to remove
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert left.is_dir()  # the kill left it behind
    assert clear_stale_scratch() == [str(left)]
    assert not left.exists()


def test_live_and_pidless_folders_are_left_alone(tmp_dir: Path) -> None:
    mine = tmp_dir / f"seamix-buckets-{os.getpid()}-abc"
    legacy = tmp_dir / "seamix-buckets-k2j3h4"
    other = tmp_dir / "seamix-scratch-1-x"
    for folder in (mine, legacy, other):
        folder.mkdir()
    assert clear_stale_scratch() == []
    assert mine.is_dir() and legacy.is_dir() and other.is_dir()
