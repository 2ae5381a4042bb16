"""Curation stages on a real Ray cluster (a local instance: no network beyond this machine) give the same
parts as the local executor."""

from __future__ import annotations

from pathlib import Path

import pytest
from scaleout_inputs import split_sample_pile

from pipelines.curate.config import CurateConfig
from pipelines.curate.run import run_curate_stage
from pipelines.runtime.executors import ExecutorConfig, RayOptions
from pipelines.storage.parquet_io import parquet_parts

ray = pytest.importorskip("ray", reason="ray is not installed (pip install ray)")
pytestmark = pytest.mark.filterwarnings("ignore:placement_group:DeprecationWarning")  # inside datatrove

STAGES = ("ingest", "extract", "langid")


@pytest.fixture
def ray_cluster(monkeypatch):
    """Lets the executor start a 2-CPU Ray instance on this machine, and shuts it down afterwards."""
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    assert not ray.is_initialized()
    yield ExecutorConfig(kind="ray", workers=2, ray=RayOptions(num_cpus=2, mem_per_cpu_gb=0.25))
    ray.shutdown()


def _curate(sources: Path, root: Path, executor: ExecutorConfig) -> dict[str, tuple[int, int]]:
    config = CurateConfig(sources_file=str(sources), data_root=str(root), executor=executor)
    return {stage: _counts(run_curate_stage(stage, config).outcome) for stage in STAGES}


def _counts(outcome) -> tuple[int, int]:
    return outcome.docs_in, outcome.docs_out


def _part_bytes(root: Path, stage: str) -> dict[str, bytes]:
    folder = root / "curate" / stage
    return {str(Path(p).relative_to(folder)): Path(p).read_bytes() for p in parquet_parts(folder)}


def test_ray_stages_match_local(tmp_path, ray_cluster):
    sources = split_sample_pile(tmp_path, lines_per_file=8)
    local = _curate(sources, tmp_path / "local", ExecutorConfig(kind="local", workers=1))
    on_ray = _curate(sources, tmp_path / "ray", ray_cluster)

    assert ray.is_initialized()  # the executor started the cluster
    assert on_ray == local
    for stage in STAGES:
        parts = _part_bytes(tmp_path / "ray", stage)
        assert len(parts) > 2
        assert parts == _part_bytes(tmp_path / "local", stage)
    # datatrove's Ray executor ran both tasks and kept their logs under the stage folder
    logs = tmp_path / "ray" / "curate" / "langid" / "pile" / "_logs"
    assert sorted(p.name for p in (logs / "completions").iterdir()) == ["00000", "00001"]
