"""Slurm job arrays: the sbatch script datatrove generates from our settings, and a run through fake Slurm
commands (sbatch runs the array tasks right away, srun runs its command, squeue lists nothing)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import dill
import pytest
from scaleout_inputs import split_sample_pile

from pipelines.cli import main
from pipelines.curate.config import CurateConfig
from pipelines.curate.run import run_curate_stage
from pipelines.runtime.executors import (
    ExecutorConfig,
    SlurmOptions,
    load_executor_config,
)
from pipelines.storage.parquet_io import parquet_parts

FAKE_SBATCH = """#!/bin/bash
# Records each submitted script; with FAKE_SLURM_RUN set, runs its array tasks one after the other.
script="${@: -1}"
n=$(( $(cat "$FAKE_SLURM_DIR/count" 2>/dev/null || echo 0) + 1 ))
echo $n > "$FAKE_SLURM_DIR/count"
cp "$script" "$FAKE_SLURM_DIR/job-$n.sh"
printf '%s\\n' "$@" > "$FAKE_SLURM_DIR/job-$n.args"
if [ -n "$FAKE_SLURM_RUN" ]; then
  export RUN_OFFSET=0 SLURM_NODELIST=localhost SLURM_JOB_ID=$n
  range=$(sed -n 's/^#SBATCH --array=\\([0-9]*\\)-\\([0-9]*\\).*/\\1 \\2/p' "$script")
  for i in $(seq ${range:-0 0}); do
    SLURM_ARRAY_TASK_ID=$i bash "$script" >> "$FAKE_SLURM_DIR/job-$n.log" 2>&1 || exit 1
  done
fi
echo "Submitted batch job $n"
"""
FAKE_SRUN = """#!/bin/bash
while [ $# -gt 0 ] && [ "$1" != launch_pickled_pipeline ]; do shift; done
exec "$@"
"""
FAKE_SQUEUE = "#!/bin/bash\nexit 0\n"
FAKE_SCONTROL = "#!/bin/bash\necho localhost\n"

EXECUTOR_YAML = """kind: slurm
workers: 3
slurm:
  partition: sea-cpu
  time: "02:30:00"
  cpus_per_task: 4
  mem_per_cpu_gb: 3
  job_name: seamix-test
  sbatch_args: {account: proj42}
  poll_seconds: 0.05
"""


@pytest.fixture
def fake_slurm(tmp_path, monkeypatch) -> Path:
    """Puts fake sbatch/srun/squeue/scontrol first on PATH; returns the folder recording submissions."""
    bin_dir, record = tmp_path / "fake-bin", tmp_path / "slurm-record"
    bin_dir.mkdir()
    record.mkdir()
    fakes = {"sbatch": FAKE_SBATCH, "srun": FAKE_SRUN, "squeue": FAKE_SQUEUE, "scontrol": FAKE_SCONTROL}
    for name, text in fakes.items():
        path = bin_dir / name
        path.write_text(text)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_SLURM_DIR", str(record))
    monkeypatch.delenv("FAKE_SLURM_RUN", raising=False)
    return record


def _config(tmp_path: Path, sources: Path, root: str, executor: ExecutorConfig) -> CurateConfig:
    return CurateConfig(sources_file=str(sources), data_root=str(tmp_path / root), executor=executor)


def test_sbatch_script_holds_the_configured_job(tmp_path, fake_slurm):
    sources = split_sample_pile(tmp_path, lines_per_file=8, languages=("id", "th", "vi", "my"))
    (tmp_path / "executor.yaml").write_text(EXECUTOR_YAML)
    executor = load_executor_config(tmp_path / "executor.yaml")
    with pytest.raises(RuntimeError, match=r"Slurm job 1 \(ingest\) ended with \d+ parts not done"):
        run_curate_stage("ingest", _config(tmp_path, sources, "data", executor))  # nothing ran the array

    script = (fake_slurm / "job-1.sh").read_text()
    logging_dir = tmp_path / "data" / "curate" / "ingest" / "pile" / "_logs"
    for line in (
        "#SBATCH --partition=sea-cpu",
        "#SBATCH --time=02:30:00",
        "#SBATCH --cpus-per-task=4",
        "#SBATCH --mem-per-cpu=3G",
        "#SBATCH --job-name=seamix-test",
        "#SBATCH --array=0-2%3",
        "#SBATCH --account=proj42",
        f"source {sys.prefix}/bin/activate",
    ):
        assert line in script.splitlines(), line
    command = f"launch_pickled_pipeline {logging_dir}/executor.pik"
    assert any(line.startswith("srun ") and line.endswith(command) for line in script.splitlines())
    assert "--qos" not in script  # only when configured
    assert "--export=ALL,RUN_OFFSET=0" in (fake_slurm / "job-1.args").read_text().split()

    with open(logging_dir / "executor.pik", "rb") as f:
        pickled = dill.load(f)
    step = pickled.pipeline[0]
    inputs = sorted((tmp_path / "input").rglob("*.jsonl"))
    assert (pickled.world_size, len(step.items)) == (3, len(inputs))
    assert sorted(item.in_path for item in step.items) == sorted(map(str, inputs))


def test_env_command_overrides_venv_activation(tmp_path, fake_slurm):
    sources = split_sample_pile(tmp_path, lines_per_file=50, languages=("id",))
    (tmp_path / "executor.yaml").write_text(EXECUTOR_YAML + "  env_command: conda activate seamix\n")
    executor = load_executor_config(tmp_path / "executor.yaml", workers=1)
    with pytest.raises(RuntimeError, match="parts not done"):
        run_curate_stage("ingest", _config(tmp_path, sources, "data", executor))
    script = (fake_slurm / "job-1.sh").read_text().splitlines()
    assert "conda activate seamix" in script and "#SBATCH --array=0-0%1" in script
    assert not any(line.startswith("source ") for line in script)


def test_bad_executor_settings_name_the_key(tmp_path):
    path = tmp_path / "executor.yaml"
    path.write_text("kind: slurm\nslurm: {partiton: cpu}\n")
    with pytest.raises(ValueError, match=r"executor.yaml: slurm: field 'partiton': unknown field"):
        load_executor_config(path)
    path.write_text("kind: kubernetes\n")
    with pytest.raises(ValueError, match="executor.yaml: field 'kind': Input should be 'local', 'ray' or 'slurm'"):
        load_executor_config(path)
    path.write_text("kind: local\nstart_method: vfork\n")
    with pytest.raises(ValueError, match="executor.yaml: field 'start_method': Input should be 'fork', 'forkserver' or 'spawn'"):
        load_executor_config(path)


def test_slurm_array_run_matches_local(tmp_path, fake_slurm, monkeypatch):
    monkeypatch.setenv("FAKE_SLURM_RUN", "1")
    sources = split_sample_pile(tmp_path, lines_per_file=8)
    slurm = ExecutorConfig(kind="slurm", workers=2, slurm=SlurmOptions(poll_seconds=0.05))
    slurm_config = _config(tmp_path, sources, "slurm", slurm)
    local_config = _config(tmp_path, sources, "local", ExecutorConfig())
    for stage in ("ingest", "extract"):
        on_slurm = run_curate_stage(stage, slurm_config).outcome
        local = run_curate_stage(stage, local_config).outcome
        assert (on_slurm.docs_in, on_slurm.docs_out) == (local.docs_in, local.docs_out)
        folder = Path("curate") / stage
        slurm_parts = parquet_parts(tmp_path / "slurm" / folder)
        assert len(slurm_parts) > 2
        assert [Path(p).read_bytes() for p in slurm_parts] == [
            Path(p).read_bytes() for p in parquet_parts(tmp_path / "local" / folder)
        ]
    # per stage: one job array of 2 tasks, then datatrove's merge-stats job depending on it
    assert (fake_slurm / "count").read_text().strip() == "4"
    assert "#SBATCH --dependency=afterok:1" in (fake_slurm / "job-2.sh").read_text()


def test_cli_flags_override_the_executor_file(tmp_path, fake_slurm):
    sources = split_sample_pile(tmp_path, lines_per_file=8, languages=("id", "vi"))
    (tmp_path / "executor.yaml").write_text(EXECUTOR_YAML.replace("kind: slurm", "kind: local"))
    argv = ["curate", "--stage", "ingest", "--sources", str(sources), "--data-root", str(tmp_path / "data"),
            "--executor", "slurm", "--workers", "2", "--executor-config", str(tmp_path / "executor.yaml")]
    with pytest.raises(RuntimeError, match="Slurm job 1"):
        main(argv)
    script = (fake_slurm / "job-1.sh").read_text().splitlines()
    assert "#SBATCH --array=0-1%2" in script and "#SBATCH --partition=sea-cpu" in script
