"""Which datatrove executor runs the file stages: local processes, a Ray cluster or Slurm job arrays.

:func:`executor_factory` turns an :class:`ExecutorConfig` into the ``ExecutorFactory`` that
:func:`pipelines.runtime.runner.run_file_stage` calls once per stage. Every kind runs the same
``FileStageStep``; ``workers`` is the number of datatrove tasks a stage is split into (which parts
each task takes: :func:`pipelines.runtime.runner.rank_items`) and, for the local kind, the number of processes.

Ray and Slurm workers read the stage inputs and write the parts themselves, so the data root
(and the source files) must be on a filesystem every node mounts at the same path, and seamix
must be importable on every node (the same virtual environment on that shared filesystem).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Literal

from datatrove.pipeline.base import PipelineStep
from pydantic import Field, NonNegativeFloat, PositiveFloat, PositiveInt

from pipelines.config_file import StrictModel, expect_kind, read_yaml, validate
from pipelines.runtime.runner import (
    ExecutorFactory,
    FileStageStep,
    done_parts,
    local_executor,
)
from pipelines.runtime.worker_processes import START_METHODS

ExecutorKind = Literal["local", "ray", "slurm"]
EXECUTOR_KINDS: tuple[str, ...] = ("local", "ray", "slurm")
StartMethod = Literal[START_METHODS]


class RayOptions(StrictModel):
    """How stages run on Ray.

    ``address`` None starts a Ray instance on this machine for this process (``num_cpus`` CPUs,
    all by default); "auto" joins the cluster of a ``ray start --head`` on this machine;
    "ray://head:10001" connects to a remote cluster through Ray Client."""

    address: str | None = None
    num_cpus: PositiveInt | None = None
    cpus_per_task: PositiveInt = 1
    mem_per_cpu_gb: PositiveFloat = 2.0


class SlurmOptions(StrictModel):
    """How stages run as Slurm job arrays (one array task per datatrove task).

    ``env_command`` runs in the job before the pipeline; None activates the virtual environment
    this process runs in (it must sit on the shared filesystem). ``sbatch_args`` adds
    ``#SBATCH --key=value`` lines (e.g. {"account": "proj42"}). The submitting process waits for
    the array to finish, polling ``squeue`` every ``poll_seconds``."""

    partition: str = "cpu"
    time: str = "24:00:00"
    cpus_per_task: PositiveInt = 1
    mem_per_cpu_gb: PositiveInt = 2
    job_name: str = "seamix"
    qos: str = ""
    env_command: str | None = None
    sbatch_args: dict[str, str] = Field(default_factory=dict)
    poll_seconds: NonNegativeFloat = 30.0


class ExecutorConfig(StrictModel):
    """The executor kind, how many tasks a stage is split into, and the kind's options.

    ``start_method`` is how the local kind starts its worker processes (fork, forkserver, spawn;
    None: fork on Linux, forkserver elsewhere)."""

    kind: ExecutorKind = "local"
    workers: PositiveInt = 1
    start_method: StartMethod | None = None
    ray: RayOptions = Field(default_factory=RayOptions)
    slurm: SlurmOptions = Field(default_factory=SlurmOptions)


def load_executor_config(
    path: str | Path | None = None, kind: str | None = None, workers: int | None = None
) -> ExecutorConfig:
    """The executor settings of YAML file ``path`` (keys: kind, workers, start_method, ray: {...}, slurm: {...}),
    with ``kind`` and ``workers`` overriding the file when given; errors are ConfigErrors naming file and field."""
    data = (read_yaml(path, empty_ok=True) or {}) if path is not None else {}  # an empty file: the defaults
    expect_kind(data, path, "executor")
    overrides = {key: value for key, value in (("kind", kind), ("workers", workers)) if value is not None}
    if isinstance(data, dict):
        data = {**data, **overrides}
    return validate(ExecutorConfig, data, str(path) if path is not None else "executor settings")


def executor_factory(config: ExecutorConfig) -> ExecutorFactory:
    """The factory ``run_file_stage`` calls with (pipeline, tasks, logging_dir) for ``config.kind``."""
    if config.kind == "ray":
        return lambda pipeline, tasks, logging_dir: ray_executor(pipeline, tasks, logging_dir, config)
    if config.kind == "slurm":
        return lambda pipeline, tasks, logging_dir: SlurmStageExecutor(pipeline, tasks, logging_dir, config)
    return lambda pipeline, tasks, logging_dir: local_executor(pipeline, tasks, logging_dir, config.workers, config.start_method)


def ray_executor(pipeline: list[PipelineStep], tasks: int, logging_dir: str, config: ExecutorConfig) -> object:
    """datatrove's RayPipelineExecutor, connecting to (or starting) Ray first when needed."""
    try:
        import ray
    except ImportError as exc:
        raise RuntimeError("the ray executor needs Ray: pip install 'ray>=2.40'") from exc
    from datatrove.executor.ray import RayPipelineExecutor

    options = config.ray
    if not ray.is_initialized():
        ray.init(
            address=options.address,
            num_cpus=options.num_cpus if options.address is None else None,
            include_dashboard=False,
            log_to_driver=False,
        )
    return RayPipelineExecutor(
        pipeline=pipeline,
        tasks=tasks,
        workers=min(config.workers, tasks),
        logging_dir=logging_dir,
        skip_completed=False,  # parts, not datatrove ranks, are the unit of resume
        cpus_per_task=options.cpus_per_task,
        mem_per_cpu_gb=options.mem_per_cpu_gb,
    )


def slurm_pipeline_executor(
    pipeline: list[PipelineStep], tasks: int, logging_dir: str, config: ExecutorConfig
) -> object:
    """datatrove's SlurmPipelineExecutor for one stage: a job array of ``tasks`` array tasks."""
    from datatrove.executor.slurm import SlurmPipelineExecutor

    options = config.slurm
    return SlurmPipelineExecutor(
        pipeline=pipeline,
        tasks=tasks,
        workers=min(config.workers, tasks),
        time=options.time,
        partition=options.partition,
        cpus_per_task=options.cpus_per_task,
        mem_per_cpu_gb=options.mem_per_cpu_gb,
        job_name=options.job_name,
        qos=options.qos,
        env_command=options.env_command if options.env_command is not None else default_env_command(),
        sbatch_args=dict(options.sbatch_args),
        logging_dir=logging_dir,
        skip_completed=False,
    )


def default_env_command() -> str:
    """``source <venv>/bin/activate`` for the virtual environment running this process ("" outside one)."""
    if sys.prefix == sys.base_prefix:
        return ""
    return f"source {sys.prefix}/bin/activate"


class SlurmStageExecutor:
    """Submits a stage as a Slurm job array and blocks until all its parts are done.

    datatrove's Slurm executor returns as soon as ``sbatch`` accepted the job; the next stage
    needs this one's parts, so ``run`` waits, and raises when the job left the queue with
    parts still missing (see the Slurm logs under the stage's ``_logs/slurm_logs``)."""

    def __init__(self, pipeline: list[PipelineStep], tasks: int, logging_dir: str, config: ExecutorConfig):
        step = pipeline[0]
        if not isinstance(step, FileStageStep):
            raise TypeError(f"SlurmStageExecutor runs a FileStageStep, got {type(step).__name__}")
        self.step = step
        self.poll_seconds = config.slurm.poll_seconds
        self.executor = slurm_pipeline_executor(pipeline, tasks, logging_dir, config)

    def run(self) -> None:
        """Submit the job array, then poll until every part is done or the job is gone."""
        self.executor.run()
        job_id = str(self.executor.job_id)
        while self.missing_parts():
            if not slurm_job_active(job_id):
                missing = self.missing_parts()  # the job may have finished since the last look
                if missing:
                    raise RuntimeError(
                        f"Slurm job {job_id} ({self.step.name}) ended with {len(missing)} parts not done, "
                        f"e.g. {missing[0]}; logs in {self.executor.slurm_logs_folder}"
                    )
                return
            time.sleep(self.poll_seconds)

    def missing_parts(self) -> list[str]:
        """Parts of the stage whose done marker is not there yet."""
        done = done_parts(self.step.out_dir)
        return [item.part for item in self.step.items if item.part not in done]


def slurm_job_active(job_id: str) -> bool:
    """True while ``squeue`` still lists a task of job ``job_id`` (pending or running)."""
    result = subprocess.run(["squeue", "-h", "-j", job_id, "-o", "%i"], capture_output=True, text=True)
    return result.returncode == 0 and bool(result.stdout.strip())
