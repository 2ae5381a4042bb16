"""One writer per data root: a lock file at ``<root>/_seamix.lock`` naming its owner.

The owner is host, pid, start time, command and a random token (plus a Dagster run id when a
Dagster run holds it). A second writer fails at once with :class:`DataRootLocked` naming the
holder. A lock is stale, and is taken over with a warning, when its pid is dead on this host, or
(another host, or any object store) when its heartbeat, refreshed every ``HEARTBEAT_S`` seconds by
the holder, is older than ``STALE_AFTER_S``. The same process (or steps of the same Dagster run)
may enter again; only the acquirer releases. Locally the lock file is hard-linked into place (fails if one exists);
takeovers and object stores write it whole and read it back, and whoever's token is not there lost.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from pipelines import storage

LOCK_NAME = "_seamix.lock"
HEARTBEAT_S = 30.0
STALE_AFTER_S = 300.0

log = logging.getLogger(__name__)


class DataRootLocked(RuntimeError):
    """Another live writer holds the data root."""


def lock_path(root: str) -> str:
    """Where the lock of data root ``root`` lives."""
    return storage.join(root, LOCK_NAME)


def describe(owner: dict) -> str:
    """``seamix run ... (pid 12 on host h, since 2026-12-02T00:00:00Z)``."""
    run = f", Dagster run {owner['run_id']}" if owner.get("run_id") else ""
    return f"`{owner.get('command', '?')}` (pid {owner.get('pid')} on host {owner.get('host')}{run}, since {owner.get('started')})"


@contextmanager
def data_root_lock(root: str, command: str | None = None, run_id: str | None = None) -> Iterator[dict]:
    """Hold the writer lock of ``root`` for the block; yields the owner record in the lock file."""
    path = lock_path(root)
    owner = _owner(command or " ".join(["seamix", *sys.argv[1:]]), run_id)
    holder = _acquire(path, owner)
    if holder is not None:  # re-entered by the holder itself (same process or same Dagster run)
        yield holder
        return
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(path, owner, stop), daemon=True, name="seamix-lock-heartbeat")
    beat.start()
    try:
        yield owner
    finally:
        stop.set()
        beat.join()
        if (_read(path) or {}).get("token") == owner["token"]:
            storage.remove(path, inside=root)


def _owner(command: str, run_id: str | None) -> dict:
    now = time.time()
    return {
        "host": socket.gethostname(), "pid": os.getpid(), "command": command, "run_id": run_id,
        "started": datetime.fromtimestamp(now, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "heartbeat": now, "token": uuid.uuid4().hex,
    }


def _acquire(path: str, owner: dict) -> dict | None:
    """Take the lock for ``owner``; return the current holder instead when it is ``owner``'s own
    process or Dagster run; raise DataRootLocked when someone else holds it."""
    if _create_exclusive(path, owner):
        return None
    holder = _read(path)
    if holder is not None and _same_writer(holder, owner):
        return holder
    if holder is None:
        log.warning("the lock file %s is unreadable; taking it over", path)
    else:
        why = _stale(holder)
        if why is None:
            raise DataRootLocked(
                f"data root {storage.normalize_root(_root_of(path))} is in use by {describe(holder)}; one writer per "
                f"data root: wait for it to finish (lock file {path})"
            )
        log.warning("taking over the lock of %s from %s: %s", _root_of(path), describe(holder), why)
        print(f"seamix: taking over a stale lock ({path}) from {describe(holder)}: {why}", file=sys.stderr)
    _write(path, owner)
    if (_read(path) or {}).get("token") != owner["token"]:  # another writer took it over at the same moment
        raise DataRootLocked(f"data root {_root_of(path)} was taken by {describe(_read(path) or {})} at the same moment")
    return None


def _same_writer(holder: dict, owner: dict) -> bool:
    if owner["run_id"] and holder.get("run_id") == owner["run_id"]:
        return True
    return holder.get("host") == owner["host"] and holder.get("pid") == owner["pid"]


def _stale(holder: dict) -> str | None:
    """Why the lock of ``holder`` no longer protects anything, or None while it is live."""
    if holder.get("host") == socket.gethostname() and isinstance(holder.get("pid"), int):
        return None if pid_alive(holder["pid"]) else f"process {holder['pid']} is no longer running on this host"
    age = time.time() - float(holder.get("heartbeat", 0))
    if age > STALE_AFTER_S:
        return f"its last heartbeat is {age:.0f} s old (stale after {STALE_AFTER_S:.0f} s)"
    return None


def pid_alive(pid: int) -> bool:
    """True while process ``pid`` runs on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def _heartbeat(path: str, owner: dict, stop: threading.Event) -> None:
    """Refresh the lock's heartbeat until ``stop``; stop refreshing if someone took the lock over."""
    while not stop.wait(HEARTBEAT_S):
        if (_read(path) or {}).get("token") != owner["token"]:
            log.warning("the lock %s is no longer ours; stopped refreshing it", path)
            return
        owner["heartbeat"] = time.time()
        _write(path, owner)


def _create_exclusive(path: str, owner: dict) -> bool:
    """Create the lock file only if there is none (object stores: written, then read back)."""
    if storage.is_remote(path):
        if storage.isfile(path):
            return False
        _write(path, owner)
        return (_read(path) or {}).get("token") == owner["token"]
    target = storage.local_path(path)
    storage.makedirs(os.path.dirname(target))
    draft = f"{target}.{owner['token']}.tmp"
    with open(draft, "w", encoding="utf-8") as f:
        f.write(json.dumps(owner, indent=2) + "\n")
    try:
        os.link(draft, target)  # appears whole, and only if there is no lock file yet
    except FileExistsError:
        return False
    finally:
        os.unlink(draft)
    return True


def _write(path: str, owner: dict) -> None:
    storage.write_text(json.dumps(owner, indent=2) + "\n", path)


def _read(path: str) -> dict | None:
    """The lock file's owner record; None when there is no lock (or it is being replaced)."""
    try:
        return json.loads(storage.read_text(path))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def _root_of(path: str) -> str:
    return path[: -len(LOCK_NAME) - 1]
