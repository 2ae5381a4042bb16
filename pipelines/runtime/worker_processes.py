"""How the local executor starts its worker processes.

On Linux the workers are forked from the stage process: they inherit its imports, so a pool
costs milliseconds instead of the ~0.7 s per stage a forkserver's workers spend re-importing
seamix (measured in bench/e2e; decision 17). A forked child also inherits the parent's signal
handlers, and a host such as Dagster's run worker replaces SIGTERM's: a worker that keeps such a
handler ignores the SIGTERM that ends a pool, and the stage hangs at its end. So while a stage
runs (:func:`default_signals_in_forked_workers`), every process forked from this one gets the
default SIGTERM and SIGINT handling back.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

#: Start method of the local executor's pool when none is configured: fork on Linux, datatrove's
#: default forkserver elsewhere (fork is unsafe on macOS).
DEFAULT_START_METHOD = "fork" if sys.platform.startswith("linux") else "forkserver"
START_METHODS: tuple[str, ...] = ("fork", "forkserver", "spawn")

_running_stages = 0  # > 0 while a stage's executor runs in this process


def _restore_default_signals() -> None:
    """After a fork, in the child: default SIGTERM and SIGINT handling, if a stage is running."""
    if _running_stages:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)


os.register_at_fork(after_in_child=_restore_default_signals)


@contextmanager
def default_signals_in_forked_workers() -> Iterator[None]:
    """Within this block, processes forked from this one (pool workers, datatrove's manager)
    start with default SIGTERM and SIGINT handling instead of the host's handlers."""
    global _running_stages
    _running_stages += 1
    try:
        yield
    finally:
        _running_stages -= 1
