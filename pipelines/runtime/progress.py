"""Progress of a running file stage: parts, documents and input bytes done, and an ETA.

Progress is read from the stage folder, not reported by the workers: a part counts once its
done marker (``_stats/<part>.json``) is there. That works the same whether the parts are written
by local processes, Ray actors or Slurm array tasks on other nodes (shared filesystem), and
survives workers that die. :func:`with_progress` wraps any executor factory so that a thread
polls the folder while the stage runs and calls the callback whenever more parts are done
(and once at the end). The callback runs in that thread.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from datatrove.pipeline.base import PipelineStep

from pipelines import storage
from pipelines.runtime.runner import (
    ExecutorFactory,
    FileStageStep,
    done_parts,
    stats_path,
)


@dataclass(frozen=True)
class StageProgress:
    """A snapshot of one stage run: counts cover the parts this run had to do."""

    stage: str
    out_dir: str
    parts_done: int
    parts_total: int
    docs_in: int
    docs_out: int
    bytes_done: int
    bytes_total: int
    elapsed_s: float

    @property
    def eta_s(self) -> float | None:
        """Seconds left, extrapolated from input bytes (or parts) done so far; None before the first part."""
        if self.parts_done >= self.parts_total:
            return 0.0
        done, total = (self.bytes_done, self.bytes_total) if self.bytes_total else (self.parts_done, self.parts_total)
        if not done:
            return None
        return self.elapsed_s * (total - done) / done

    @property
    def label(self) -> str:
        """The stage name, with the source folder when the stage runs one folder per source."""
        folder = storage.name(self.out_dir)
        return self.stage if folder == self.stage else f"{self.stage} {folder}"

    def describe(self) -> str:
        """One log line, e.g. ``quality fineweb2: 12/40 parts, 3,120 docs in, ... ETA 0:00:31``."""
        eta = "?" if self.eta_s is None else _clock(self.eta_s)
        return (
            f"{self.label}: {self.parts_done}/{self.parts_total} parts, {self.docs_in:,} docs in, "
            f"{self.docs_out:,} out, {self.bytes_done / 1e6:.1f}/{self.bytes_total / 1e6:.1f} MB, "
            f"elapsed {_clock(self.elapsed_s)}, ETA {eta}"
        )


ProgressCallback = Callable[[StageProgress], None]


class ProgressMonitor:
    """Polls a stage folder in a thread and reports :class:`StageProgress` to ``callback``."""

    def __init__(self, step: FileStageStep, callback: ProgressCallback, interval_s: float = 1.0):
        self.step = step
        self.callback = callback
        self.interval_s = interval_s
        self._sizes = {item.part: _size(item.in_path) for item in step.items}
        self._done: dict[str, dict] = {}
        self._reported = -1  # parts done at the last report
        self._start = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"progress-{step.name}", daemon=True)

    def __enter__(self) -> ProgressMonitor:
        self._start = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.poll(force=True)

    def poll(self, force: bool = False) -> None:
        """Pick up newly done parts; report when there are any (with ``force``: unless already reported)."""
        done = done_parts(self.step.out_dir)
        new = [item.part for item in self.step.items if item.part not in self._done and item.part in done]
        for part in new:
            self._done[part] = json.loads(storage.read_text(stats_path(self.step.out_dir, part)))
        if new or (force and self._reported != len(self._done)):
            self._reported = len(self._done)
            self.callback(self.snapshot())

    def snapshot(self) -> StageProgress:
        """The progress as of the last poll."""
        return StageProgress(
            stage=self.step.name,
            out_dir=self.step.out_dir,
            parts_done=len(self._done),
            parts_total=len(self.step.items),
            docs_in=sum(stats["docs_in"] for stats in self._done.values()),
            docs_out=sum(stats["docs_out"] for stats in self._done.values()),
            bytes_done=sum(self._sizes[part] for part in self._done),
            bytes_total=sum(self._sizes.values()),
            elapsed_s=time.monotonic() - self._start,
        )

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.poll()


class _MonitoredExecutor:
    """Runs an executor inside a :class:`ProgressMonitor`."""

    def __init__(self, executor: object, monitor: ProgressMonitor):
        self.executor = executor
        self.monitor = monitor

    def run(self) -> None:
        with self.monitor:
            self.executor.run()


class ProgressBars:
    """A ``ProgressCallback`` drawing one tqdm bar per stage (parts, docs, MB; shown on a terminal only)."""

    def __init__(self, disable: bool | None = None, file: TextIO | None = None):
        self.disable = disable  # None: tqdm shows bars only when the output is a terminal
        self.file = file  # None: stderr
        self._bars: dict[str, object] = {}

    def __call__(self, progress: StageProgress) -> None:
        from tqdm import tqdm

        bar = self._bars.get(progress.label)
        if bar is None:
            bar = self._bars[progress.label] = tqdm(
                total=progress.parts_total, desc=progress.label, disable=self.disable, file=self.file,
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} parts{postfix}",
            )
        eta = "?" if progress.eta_s is None else _clock(progress.eta_s)
        bar.n = progress.parts_done
        bar.set_postfix_str(
            f"{progress.docs_in:,} docs, {progress.bytes_done / 1e6:.1f} MB, "
            f"elapsed {_clock(progress.elapsed_s)}, ETA {eta}",
            refresh=False,
        )
        bar.refresh()
        if progress.parts_done >= progress.parts_total:
            self._bars.pop(progress.label).close()

    def close(self) -> None:
        """Close the bars of stages that did not finish."""
        for bar in self._bars.values():
            bar.close()
        self._bars.clear()


def with_progress(factory: ExecutorFactory, callback: ProgressCallback, interval_s: float = 1.0) -> ExecutorFactory:
    """Wrap ``factory`` so that the stages it runs report progress to ``callback``."""

    def make(pipeline: list[PipelineStep], tasks: int, logging_dir: str) -> object:
        step = pipeline[0]
        executor = factory(pipeline, tasks, logging_dir)
        if not isinstance(step, FileStageStep):
            return executor
        return _MonitoredExecutor(executor, ProgressMonitor(step, callback, interval_s))

    return make


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:  # remote path: progress falls back to parts
        return 0


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
