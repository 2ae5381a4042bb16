"""Files under the data root, local or on any fsspec filesystem (``s3://bucket/prefix``, ``gs://``, ...).

Paths are plain strings: a local path (``file://`` URLs are turned into one) or a URL. Local paths
take the ``os``/``pathlib`` fast path and behave as before; URLs go through
``fsspec.core.url_to_fs`` with listing caches off, so a part written by another process is seen at
once. Writes go through :class:`AtomicFile`: locally a hidden temp name renamed into place
(``os.replace``); remotely a local temp file uploaded under its final key in one PUT (multipart
above the client's chunk size), which an object store publishes atomically on completion.
"""

from __future__ import annotations

import fnmatch
import glob as _glob
import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import fsspec
from fsspec import AbstractFileSystem


def is_remote(path: str | Path) -> bool:
    """True for a URL other than ``file://`` (``s3://...``, ``gs://...``, ``memory://...``)."""
    text = str(path)
    return "://" in text and not text.startswith("file://")


def local_path(path: str | Path) -> str:
    """``path`` without a ``file://`` prefix (local paths only)."""
    text = str(path)
    return text[len("file://"):] if text.startswith("file://") else text


def normalize_root(root: str | Path) -> str:
    """A data root as used everywhere: URLs without a trailing slash, local paths absolute."""
    if is_remote(root):
        return str(root).rstrip("/")
    return str(Path(local_path(root)).expanduser().resolve())


#: Filesystems that cache directory listings unless told not to.
_DIRCACHE_PROTOCOLS = ("s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "adl", "http", "https")


def filesystem(path: str) -> tuple[AbstractFileSystem, str]:
    """The fsspec filesystem of a URL and the path inside it (listing cache off)."""
    protocol = path.split("://", 1)[0]
    options = {"use_listings_cache": False} if protocol in _DIRCACHE_PROTOCOLS else {}
    return fsspec.core.url_to_fs(path, **options)


def join(base: str | Path, *names: str) -> str:
    """``base/name/...`` for local paths and URLs alike."""
    if is_remote(base):
        return posixpath.join(str(base), *names)
    return os.path.join(local_path(base), *names)


def name(path: str) -> str:
    """Last component of ``path``."""
    return posixpath.basename(str(path).rstrip("/"))


def stem(path: str) -> str:
    """Last component without its extension."""
    return posixpath.splitext(name(path))[0]


def exists(path: str) -> bool:
    """True when a file or folder (a key prefix on object stores) is at ``path``."""
    if not is_remote(path):
        return os.path.exists(local_path(path))
    fs, target = filesystem(path)
    return fs.exists(target)


def isfile(path: str) -> bool:
    """True when a file is at ``path``."""
    if not is_remote(path):
        return os.path.isfile(local_path(path))
    fs, target = filesystem(path)
    return fs.isfile(target)


def size(path: str) -> int:
    """Size of the file at ``path`` in bytes."""
    if not is_remote(path):
        return os.path.getsize(local_path(path))
    fs, target = filesystem(path)
    return fs.size(target)


def file_state(path: str) -> tuple[int, int] | None:
    """``(size, mtime in ns)`` of a local file, to tell a changed file from an unchanged one; None
    for a URL or a missing file (asking an object store for it costs a request per file)."""
    if is_remote(path):
        return None
    try:
        st = os.stat(local_path(path))
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


#: Bytes a remote stream reads ahead of the reader (per request; the most it buffers beyond one read).
STREAM_BLOCK_BYTES = 8 << 20


def open_input(path: str, mode: str = "rb", compression: str | None = None) -> IO:
    """Open ``path`` for reading (``rb`` or ``r``); ``compression`` as in ``fsspec.open`` (``"infer"``
    from the name). Remote files are read through a read-ahead cache that keeps only the last fetch,
    so memory stays flat whatever the file size and random access (Parquet footers, the WARC damage
    check) fetches only the ranges it needs."""
    text = {} if "b" in mode else {"encoding": "utf-8"}
    if not is_remote(path):
        if compression is None:
            return open(local_path(path), mode, **text)
        return fsspec.open(local_path(path), mode, compression=compression, **text)
    fs, target = filesystem(path)
    return fs.open(target, mode, compression=compression, block_size=STREAM_BLOCK_BYTES, cache_type="readahead", **text)


def read_text(path: str) -> str:
    """The UTF-8 text of the file at ``path``."""
    with open_input(path, "r") as handle:
        return handle.read()


def write_text(text: str, path: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with AtomicFile(path) as out:
        Path(out.local).write_text(text, encoding="utf-8")


def makedirs(path: str) -> None:
    """Create a local folder and its parents; object stores have no folders, so nothing to do there."""
    if not is_remote(path):
        os.makedirs(local_path(path), exist_ok=True)


class OutsideFolderError(ValueError):
    """A removal was asked for a path that does not lie strictly inside the folder that owns it."""


def is_strictly_inside(path: str, folder: str) -> bool:
    """True when ``path`` lies under ``folder`` and is not ``folder`` itself, after resolving ``.``,
    ``..`` and (locally) symbolic links; URLs must share the scheme."""
    if is_remote(path) or is_remote(folder):
        if not (is_remote(path) and is_remote(folder)):
            return False
        (scheme, rest), (folder_scheme, folder_rest) = str(path).split("://", 1), str(folder).split("://", 1)
        inner, outer = posixpath.normpath(rest), posixpath.normpath(folder_rest)
        return scheme == folder_scheme and outer not in (".", "/") and inner.startswith(outer.rstrip("/") + "/")
    inner, outer = Path(os.path.realpath(local_path(path))), Path(os.path.realpath(local_path(folder)))
    return inner != outer and inner.is_relative_to(outer)


def _check_inside(path: str, folder: str) -> None:
    """Raise OutsideFolderError unless ``path`` lies strictly inside ``folder``."""
    if not is_strictly_inside(path, folder):
        raise OutsideFolderError(f"refusing to remove {path}: it is not strictly inside {folder}, the folder that owns it")


def remove(path: str, *, inside: str) -> None:
    """Delete the file at ``path`` if there is one; ``path`` must lie strictly inside ``inside``."""
    _check_inside(path, inside)
    if not is_remote(path):
        Path(local_path(path)).unlink(missing_ok=True)
        return
    fs, target = filesystem(path)
    if fs.isfile(target):
        fs.rm_file(target)


def remove_tree(path: str, *, inside: str) -> None:
    """Delete the folder (key prefix) ``path`` with everything under it, if it exists; ``path``
    must lie strictly inside ``inside``."""
    _check_inside(path, inside)
    if not is_remote(path):
        if os.path.exists(local_path(path)):
            shutil.rmtree(local_path(path))
        return
    fs, target = filesystem(path)
    if fs.exists(target):
        fs.rm(target, recursive=True)


def relative_to(path: str, start: str) -> str:
    """``path`` relative to ``start`` (both local, or both URLs), with ``/`` separators."""
    if is_remote(path):
        return posixpath.relpath(path.split("://", 1)[1], start.split("://", 1)[1])
    return Path(os.path.relpath(local_path(path), local_path(start))).as_posix()


def parent(path: str) -> str:
    """The folder ``path`` is written in (its literal parent, before any ``..`` is resolved)."""
    return posixpath.dirname(str(path).rstrip("/")) if is_remote(path) else os.path.dirname(local_path(path).rstrip(os.sep))


def find(folder: str) -> list[str]:
    """Sorted paths of all files under ``folder``, recursively (empty when it does not exist); URLs
    keep the form ``folder`` was given in."""
    return [join(folder, rel) for rel in relative_files(folder)]


def relative_files(folder: str) -> list[str]:
    """Sorted ``/``-separated paths of the files under ``folder``, relative to it."""
    if not is_remote(folder):
        root = local_path(folder)
        return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(root) for f in files)
    fs, target = filesystem(folder)
    target = target.rstrip("/")
    return sorted(p[len(target):].lstrip("/") for p in fs.find(target))


def glob(pattern: str) -> list[str]:
    """Sorted paths matching a glob pattern (``*``, ``?``, ``[...]``; ``**`` on remote filesystems)."""
    if not is_remote(pattern):
        return sorted(_glob.glob(local_path(pattern)))
    fs, target = filesystem(pattern)
    base, inner = _literal_folder(pattern), _literal_folder(target)
    return sorted(join(base, p[len(inner):].lstrip("/")) for p in fs.glob(target))


def _literal_folder(pattern: str) -> str:
    """The folder part of ``pattern`` before its first glob character."""
    magic = min((i for i in (pattern.find(c) for c in "*?[") if i >= 0), default=len(pattern))
    return pattern[: max(pattern.rfind("/", 0, magic), 0)]


def subfolders(folder: str) -> list[str]:
    """Sorted paths of the folders directly under ``folder`` (empty when it does not exist)."""
    if not is_remote(folder):
        root = Path(local_path(folder))
        return sorted(str(p) for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    fs, target = filesystem(folder)
    if not fs.exists(target):
        return []
    return sorted(join(folder, name(e["name"])) for e in fs.ls(target, detail=True) if e["type"] == "directory")


def files_matching(folder: str, pattern: str) -> list[str]:
    """Files under ``folder`` (recursively) whose name matches ``pattern``, skipping ``_``/``.`` folders;
    sorted."""
    found = []
    for rel in relative_files(folder):
        parts = rel.split("/")
        if fnmatch.fnmatch(parts[-1], pattern) and not any(p.startswith(("_", ".")) for p in parts[:-1]):
            found.append(join(folder, rel))
    return found


def arrow_path(path: str) -> tuple[str, AbstractFileSystem | None]:
    """``(path, filesystem)`` arguments for pyarrow readers: the filesystem is None for local paths."""
    if not is_remote(path):
        return local_path(path), None
    fs, target = filesystem(path)
    return target, fs


#: Protocols DuckDB can read itself through its httpfs / azure / hf extensions.
DUCKDB_NATIVE_PROTOCOLS = ("s3", "s3a", "gs", "gcs", "r2", "http", "https", "hf", "az", "azure", "abfss")


def register_duckdb(con, *paths: str, native: tuple[str, ...] = ()) -> None:
    """Let DuckDB connection ``con`` read (and glob) the remote ``paths`` through their fsspec
    filesystems; protocols in ``native`` are left to DuckDB's own extensions (and their secrets)."""
    for path in paths:
        if is_remote(path) and path.split("://", 1)[0] not in native:
            fs, _ = filesystem(path)
            protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
            if protocol not in con.list_filesystems():
                con.register_filesystem(fs)


def sql_literal(text: str) -> str:
    """``text`` as a single-quoted DuckDB string literal (paths and settings in SQL statements)."""
    return "'" + str(text).replace("'", "''") + "'"


@contextmanager
def scratch_dir(preferred: str) -> Iterator[str]:
    """A local working folder: ``preferred`` itself when it is local (kept afterwards), else a
    temporary folder removed on exit (DuckDB databases and spill files must be local)."""
    if not is_remote(preferred):
        makedirs(preferred)
        yield local_path(preferred)
        return
    with tempfile.TemporaryDirectory(prefix="seamix-scratch-") as tmp:
        yield tmp


class AtomicFile:
    """A local file to write that appears at ``target`` only on :meth:`commit`.

    Local target: the file is ``.<name>.tmp`` next to it and is renamed into place (``durable``:
    fsync'ed first). Remote target: the file is a local temp file uploaded under the final key in
    one PUT/multipart upload, so the object is published whole or not at all. Used as a context
    manager it commits on success and discards the file on an exception."""

    def __init__(self, target: str | Path, durable: bool = False):
        self.target = str(target)
        self.durable = durable
        if is_remote(self.target):
            handle, self.local = tempfile.mkstemp(prefix="seamix-", suffix=f"-{name(self.target)}")
            os.close(handle)
        else:
            final = Path(local_path(self.target))
            final.parent.mkdir(parents=True, exist_ok=True)
            self.local = str(final.with_name(f".{final.name}.tmp"))

    def commit(self) -> None:
        """Publish the written file under ``target``."""
        if not is_remote(self.target):
            if self.durable:
                with open(self.local, "rb") as handle:
                    os.fsync(handle.fileno())
            os.replace(self.local, local_path(self.target))
            return
        fs, target = filesystem(self.target)
        try:
            fs.put_file(self.local, target)
        finally:
            os.unlink(self.local)

    def discard(self) -> None:
        """Drop the written file; ``target`` is left as it was."""
        Path(self.local).unlink(missing_ok=True)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


def cache_dir() -> Path:
    """Root of seamix's local cache (tokenizers, catalogs of remote roots): ``$SEAMIX_CACHE`` or ``~/.cache/seamix``."""
    return Path(os.environ.get("SEAMIX_CACHE", Path.home() / ".cache" / "seamix"))
