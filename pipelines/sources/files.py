"""Find a source's input files (globs, folders, fsspec URLs) and give each a stable short key for ids."""

from __future__ import annotations

import posixpath

import fsspec

from pipelines.sources.config import SourceConfig

COMPRESSION_SUFFIXES = (".gz", ".zst", ".lz4", ".bz2")

#: File name endings (before any compression suffix) that a folder walk picks up per kind.
KIND_SUFFIXES: dict[str, tuple[str, ...]] = {
    "warc": (".warc", ".arc"),  # ARC files are listed so that reading them reports why they are unsupported
    "wet": (".wet",),
    "fineweb2": (".parquet",),
    "parquet": (".parquet",),
    "sea-lion-pile": (".jsonl", ".json"),
    "jsonl": (".jsonl", ".json"),
}

_GLOB_CHARS = "*?["


def strip_compression(name: str) -> str:
    """``a.warc.gz`` -> ``a.warc``."""
    for suffix in COMPRESSION_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def matches_kind(path: str, kind: str) -> bool:
    """True when the file name ends like a file of ``kind`` (compressed or not)."""
    return strip_compression(path.lower()).endswith(KIND_SUFFIXES[kind])


def list_input_files(source: SourceConfig) -> list[str]:
    """Sorted input files of ``source``: globs expanded via fsspec, folders walked for the kind's
    files, plain files taken as given. A path that matches nothing raises FileNotFoundError."""
    found: set[str] = set()
    for entry in source.paths:
        fs, root = fsspec.core.url_to_fs(entry)
        remote = "://" in entry

        def as_given(p: str) -> str:
            return fs.unstrip_protocol(p) if remote else p

        if any(ch in entry for ch in _GLOB_CHARS):
            files = [f for p in fs.glob(root) for f in (_walk(fs, p, source.kind) if fs.isdir(p) else [p])]
        elif fs.isdir(root):
            files = _walk(fs, root, source.kind)
        elif fs.exists(root):
            files = [root]
        else:
            raise FileNotFoundError(f"source {source.name!r}: path {entry} does not exist")
        if not files:
            raise FileNotFoundError(f"source {source.name!r}: no {source.kind} files match {entry}")
        found.update(as_given(f) for f in files)
    return sorted(found)


def _walk(fs: fsspec.AbstractFileSystem, folder: str, kind: str) -> list[str]:
    return [p for p in fs.find(folder) if matches_kind(p, kind)]


def file_key(source: SourceConfig, path: str) -> str:
    """Short stable name of ``path`` within ``source`` for ids: the file stem (no format or
    compression suffix), prefixed by its sub-folders when the source names a folder or glob, so
    that ``th/part-0.jsonl`` and ``ms/part-0.jsonl`` get different keys."""
    fs, target = fsspec.core.url_to_fs(path)
    relative = posixpath.basename(target)
    for entry in source.paths:
        _, root = fsspec.core.url_to_fs(entry)
        glob_at = min((root.find(ch) for ch in _GLOB_CHARS if ch in root), default=-1)
        prefix = root[: root.rfind("/", 0, glob_at) + 1] if glob_at >= 0 else root.rstrip("/") + "/"
        if target.startswith(prefix):
            relative = target[len(prefix):]
            break
    stem = strip_compression(relative)
    base, dot, ext = stem.rpartition(".")
    return base if dot and "/" not in ext else stem
