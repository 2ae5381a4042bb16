"""File checksums: SHA-256 for published artefacts, xxh3-128 (about 4x faster here) for done markers."""

from __future__ import annotations

import hashlib
from pathlib import Path

import xxhash

from pipelines import storage

#: Name of the fast checksum recorded in done markers.
FAST_CHECKSUM = "xxh3_128"


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes (local path or URL), read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with storage.open_input(str(path)) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_digest(path: str | Path) -> dict[str, int | str]:
    """``{"size": bytes, "xxh3_128": hex}`` of a file (local path or URL), read in 1 MiB blocks."""
    digest = xxhash.xxh3_128()
    size = 0
    with storage.open_input(str(path)) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return {"size": size, FAST_CHECKSUM: digest.hexdigest()}
