"""One writer per data root: a live holder blocks a second writer at once; a dead or silent one is taken over."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from assets.resources import SeamixSettings, writes_data_root
from pipelines import storage
from pipelines.storage.lock import (
    STALE_AFTER_S,
    DataRootLocked,
    data_root_lock,
    lock_path,
)

REPO = Path(__file__).resolve().parents[2]
HOLD = """
import sys, time
from pipelines.storage.lock import data_root_lock
with data_root_lock(sys.argv[1], command="holder under test"):
    print("locked", flush=True)
    time.sleep(600)
"""


def _holder(root: Path) -> subprocess.Popen:
    """A second real process that takes the lock of ``root`` and keeps it."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(root)], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_second_cli_writer_fails_at_once_naming_the_holder(tmp_path: Path) -> None:
    holder = _holder(tmp_path / "data")
    try:
        start = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "plan", "--data-root", str(tmp_path / "data"), "--mix", "missing.yaml"],
            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=tmp_path, timeout=120, check=False,
        )
        assert result.returncode != 0 and time.monotonic() - start < 60
        assert f"is in use by `holder under test` (pid {holder.pid} on host" in result.stderr
        assert "missing.yaml" not in result.stderr  # failed before doing anything
    finally:
        holder.kill()
        holder.wait()


def test_lock_of_a_killed_process_is_taken_over_with_a_message(tmp_path: Path, capsys) -> None:
    root = tmp_path / "data"
    holder = _holder(root)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert json.loads(Path(lock_path(str(root))).read_text())["pid"] == holder.pid  # left behind
    with data_root_lock(str(root), command="me") as owner:
        assert owner["pid"] == os.getpid()
        assert json.loads(Path(lock_path(str(root))).read_text())["token"] == owner["token"]
    assert f"process {holder.pid} is no longer running on this host" in capsys.readouterr().err
    assert not Path(lock_path(str(root))).exists()  # released


def test_same_process_may_enter_again_and_only_the_acquirer_releases(tmp_path: Path) -> None:
    root = str(tmp_path / "data")
    with data_root_lock(root) as outer:
        with data_root_lock(root) as inner:
            assert inner["token"] == outer["token"]
        assert Path(lock_path(root)).exists()
    assert not Path(lock_path(root)).exists()


def test_object_store_lock_expires_after_its_heartbeat_stops() -> None:
    root = "memory://seamix-lock-test/root"
    other = {"host": "some-other-host", "pid": 1, "command": "seamix run", "started": "2026-01-01T00:00:00Z",
             "heartbeat": time.time(), "token": "theirs", "run_id": None}
    storage.write_text(json.dumps(other), lock_path(root))
    with pytest.raises(DataRootLocked, match="pid 1 on host some-other-host"), data_root_lock(root):
        pass
    other["heartbeat"] = time.time() - STALE_AFTER_S - 1
    storage.write_text(json.dumps(other), lock_path(root))
    with data_root_lock(root) as owner:
        assert json.loads(storage.read_text(lock_path(root)))["token"] == owner["token"]
    assert not storage.isfile(lock_path(root))


def test_dagster_run_takes_the_same_lock(tmp_path: Path) -> None:
    root = tmp_path / "data"

    @dg.asset
    @writes_data_root
    def writes(context, seamix: SeamixSettings):  # no annotation on context: Dagster cannot read string ones
        assert json.loads(Path(lock_path(seamix.layout.root)).read_text())["command"].startswith("dagster run ")

    assert dg.materialize([writes], resources={"seamix": SeamixSettings(data_root=str(root))}).success
    holder = _holder(root)
    try:
        with pytest.raises(DataRootLocked, match=f"in use by `holder under test` \\(pid {holder.pid}"):
            dg.materialize([writes], resources={"seamix": SeamixSettings(data_root=str(root))})
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("command", [
    ["posttrain", "curate", "--sources", "missing.yaml"],
    ["export", "--mix", "missing.yaml", "--format", "jsonl"],
    ["decontaminate", "--sources", "missing.yaml", "--evalsets", "missing.yaml"],
])
def test_every_writing_command_takes_the_lock(tmp_path: Path, capsys, command: list[str]) -> None:
    """Post-training, export and decontamination write under the data root too: a held root stops them at once."""
    from pipelines.cli import main

    holder = _holder(tmp_path / "data")
    try:
        assert main([*command, "--data-root", str(tmp_path / "data")]) == 2
        err = capsys.readouterr().err
        assert f"is in use by `holder under test` (pid {holder.pid} on host" in err
        assert "missing.yaml" not in err and "Traceback" not in err  # failed before doing anything, in one message
    finally:
        holder.kill()
        holder.wait()
