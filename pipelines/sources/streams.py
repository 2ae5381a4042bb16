"""Open input files, local or remote (any fsspec URL: s3://, https://, hf://), as byte streams.

Remote files are read through a read-ahead cache: each request fetches what the reader asked
for plus ``STREAM_BLOCK_BYTES`` ahead, and only the last fetch is kept, so memory stays flat
whatever the file size, and random access (Parquet footers, the WARC damage check) fetches only
the ranges it needs. URLs are handed to fsspec exactly as given.
"""

from __future__ import annotations

from typing import BinaryIO, ContextManager

import fsspec

#: Bytes a remote stream reads ahead of the reader (per request; the most it buffers beyond one read).
STREAM_BLOCK_BYTES = 8 << 20


def is_remote(path: str) -> bool:
    """True for URLs of a non-local filesystem (``file://`` and plain paths are local)."""
    protocol, sep, _ = path.partition("://")
    return bool(sep) and protocol not in ("file", "local")


def open_input(path: str, compression: str | None = None) -> ContextManager[BinaryIO]:
    """Binary stream of ``path``; ``compression`` as in ``fsspec.open`` (``"infer"`` from the name)."""
    if not is_remote(path):
        return fsspec.open(path, "rb", compression=compression)
    fs, target = fsspec.core.url_to_fs(path)
    return fs.open(target, "rb", compression=compression, block_size=STREAM_BLOCK_BYTES, cache_type="readahead")
