"""Measure a callable in a fresh spawned process: wall time, CPU time (its own and its children's),
peak RSS (the largest sum over the process and its descendants, sampled every 50 ms, or the
process's own peak when larger) and bytes written (``wchar`` of /proc/self/io: every byte handed to
write(), files later deleted and spills included; Linux adds reaped children's counts)."""

from __future__ import annotations

import multiprocessing
import os
import resource
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Measured:
    """Cost of one measured run, and whatever the run returned (counts, per-step numbers)."""

    wall: float
    cpu: float
    peak_rss_mb: float
    result: Any = field(default=None)
    written: int = 0  # bytes written by the process and its children


def mean_of(runs: list[Measured]) -> Measured:
    """Mean wall and CPU time of repeated runs of the same work, their largest peak RSS, the first result."""
    return Measured(statistics.mean(r.wall for r in runs), statistics.mean(r.cpu for r in runs),
                    max(r.peak_rss_mb for r in runs), runs[0].result, round(statistics.mean(r.written for r in runs)))


def bytes_written() -> int:
    """Bytes this process (and its reaped children) handed to write() so far."""
    with open("/proc/self/io") as io:
        return next(int(line.split()[1]) for line in io if line.startswith("wchar:"))


def cpu_seconds() -> float:
    """User + system CPU time of this process and its waited-for children so far."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class _TreeRssSampler(threading.Thread):
    """Samples the summed RSS of this process and all its descendants (e.g. worker pools)."""

    def __init__(self, interval: float = 0.05):
        super().__init__(daemon=True)
        self.interval, self.peak, self._stop_event = interval, 0, threading.Event()

    def run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop_event.wait(self.interval):
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except psutil.Error:  # exited between listing and reading
                    pass
            self.peak = max(self.peak, total)

    def stop(self) -> int:
        """Stop sampling; return the peak in bytes."""
        self._stop_event.set()
        self.join()
        return self.peak


def _run(fn: Callable[..., Any], args: tuple, cores: set[int] | None, log: str | None) -> Measured:
    if log is not None:
        with open(log, "a") as out:
            os.dup2(out.fileno(), 1)
            os.dup2(out.fileno(), 2)
    if cores is not None:
        os.sched_setaffinity(0, cores)
    sampler = _TreeRssSampler()
    sampler.start()
    started, cpu_started, written_started = time.perf_counter(), cpu_seconds(), bytes_written()
    result = fn(*args)
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    written = bytes_written() - written_started
    tree_peak = sampler.stop()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return Measured(wall, cpu, max(tree_peak, own) / 2**20, result, written)


def measure(fn: Callable[..., Any], *args: Any, cores: set[int] | None = None, log: str | None = None) -> Measured:
    """Run ``fn(*args)`` in a new spawned process (pinned to ``cores`` when given, children
    inherit the pinning) and return its cost; its output goes to ``log`` when given. Model
    loading inside ``fn`` counts, as in a user's run."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_run, fn, args, cores, log).result()


def _spin(_: int) -> float:
    started, total = time.perf_counter(), 0
    for i in range(10_000_000):
        total += i * i
    return time.perf_counter() - started


def machine_scaling(trials: int = 5) -> float:
    """What two cores give here: throughput of two parallel CPU-bound loops over one (median of
    ``trials``); 2.0 on two free physical cores, less on shared or throttled vCPUs."""
    ratios = []
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        for _ in range(trials):
            alone = pool.apply(_spin, (0,))
            ratios.append(2 * alone / max(pool.map(_spin, [0, 1])))
    return statistics.median(ratios)
