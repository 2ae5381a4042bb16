"""Find a source's input files (globs, folders, fsspec URLs) and give each a stable short key for ids."""

from __future__ import annotations

import posixpath

import fsspec

from pipelines.ingest.commoncrawl.listing import (
    ListingError,
    ListingSelection,
    expand_listing,
    is_listing,
)
from pipelines.ingest.config import SourceConfig

COMPRESSION_SUFFIXES = (".gz", ".zst", ".lz4", ".bz2")

#: File name endings (before any compression suffix) that a folder walk picks up per kind.
KIND_SUFFIXES: dict[str, tuple[str, ...]] = {
    "warc": (".warc", ".arc"),  # ARC files are listed so that reading them reports why they are unsupported
    "wet": (".wet",),
    "fineweb2": (".parquet",),
    "parquet": (".parquet",),
    "sea-lion-pile": (".jsonl", ".json"),
    "jsonl": (".jsonl", ".json"),
    "cc-index": (".parquet",),  # work-list chunks (pipelines/ingest/commoncrawl/index.py)
    "chat": (".jsonl", ".json", ".parquet"),  # post-training conversations (pipelines/posttrain)
}

_GLOB_CHARS = "*?["
_HTTP_PREFIXES = ("http://", "https://")


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
    files, HTTP(S) URLs taken as single files, Common Crawl listings (``*.paths.gz``) expanded
    with the source's ``options.listing`` selection (see cc_listing), plain files taken as given
    (also a file whose name holds glob characters, ``data[1].jsonl``, when it exists as written).
    A path that matches nothing raises FileNotFoundError; a bad listing or selection raises
    ValueError naming the source."""
    if "listing" in source.options and not any(map(is_listing, source.paths)):
        raise ValueError(f"source {source.name!r}: options.listing is set but no path is a Common Crawl listing (*.paths.gz)")
    found: set[str] = set()
    for entry in source.paths:
        if is_listing(entry):
            found.update(_listed_files(source, entry))
            continue
        fs, root = fsspec.core.url_to_fs(entry)
        remote = "://" in entry

        def as_given(p: str) -> str:
            return fs.unstrip_protocol(p) if remote else p

        if entry.lower().startswith(_HTTP_PREFIXES):
            files = [_http_file(fs, root, source.name)]
        elif any(ch in entry for ch in _GLOB_CHARS) and not fs.exists(root):  # data[1].jsonl may be a name
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


def _http_file(fs: fsspec.AbstractFileSystem, url: str, source_name: str) -> str:
    """An HTTP(S) URL is one file (HTTP has no folders or globs); checked with a HEAD request,
    since fsspec's isdir/exists would GET the whole file."""
    try:
        fs.info(url)
    except FileNotFoundError:
        raise FileNotFoundError(f"source {source_name!r}: path {url} does not exist") from None
    return url


def _listed_files(source: SourceConfig, listing: str) -> list[str]:
    """The selected files of a Common Crawl listing; they must be files of the source's kind."""
    try:
        files = expand_listing(listing, ListingSelection.from_options(source.options), source.crawl)
    except ListingError as exc:
        raise ValueError(f"source {source.name!r}: {exc}") from None
    if not files:
        raise FileNotFoundError(f"source {source.name!r}: the selection of listing {listing} is empty")
    wrong = next((f for f in files if not matches_kind(f, source.kind)), None)
    if wrong is not None:
        raise ValueError(f"source {source.name!r}: listing {listing} names {wrong}, not a {source.kind} file")
    return files


def _walk(fs: fsspec.AbstractFileSystem, folder: str, kind: str) -> list[str]:
    return [p for p in fs.find(folder) if matches_kind(p, kind)]


def file_key(source: SourceConfig, path: str) -> str:
    """Short stable name of ``path`` within ``source`` for ids: the file stem (no format or
    compression suffix), prefixed by its sub-folders when the source names a folder or glob, so
    that ``th/part-0.jsonl`` and ``ms/part-0.jsonl`` get different keys."""
    _, target = fsspec.core.url_to_fs(path)
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
