"""The cron path: `dagster job launch` with the shipped instance config reaches SUCCESS, no daemon
(with two local workers, so the stages fork their worker processes inside the run worker)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRunStatus

PROJECT_ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def test_job_launch_runs_to_success_without_daemon(tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    # two local workers: their processes are forked inside Dagster's run worker (the default start method)
    executor = tmp_path / "executor.yaml"
    executor.write_text("kind: local\nworkers: 2\n")
    env = {**os.environ, "DAGSTER_HOME": str(home), "SEAMIX_DATA_ROOT": str(tmp_path / "data"),
           "SEAMIX_EXECUTOR_CONFIG": str(executor)}
    dagster = Path(sys.executable).with_name("dagster")
    launch = subprocess.run(
        [str(dagster), "job", "launch", "-w", "workspace.yaml", "-j", "curate_and_mix"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert launch.returncode == 0, launch.stderr[-3000:]

    monkeypatch.setenv("DAGSTER_HOME", str(home))
    terminal = (DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED)
    started = time.monotonic()
    with DagsterInstance.get() as instance:
        while (status := _only_run_status(instance)) not in terminal:
            waited = time.monotonic() - started
            assert not (status == DagsterRunStatus.QUEUED and waited > 60), "run stayed QUEUED (queued coordinator?)"
            assert waited < 600, f"run still {status} after 10 minutes"
            time.sleep(2)
    assert status == DagsterRunStatus.SUCCESS
    assert list((tmp_path / "data" / "mixes").rglob("shard-*.parquet"))
    assert list((tmp_path / "data" / "curate" / "quality").glob("*/_logs/logs/task_00001.log")), "second worker never ran"


def _only_run_status(instance: DagsterInstance) -> DagsterRunStatus:
    runs = instance.get_runs()
    assert len(runs) == 1
    return runs[0].status
