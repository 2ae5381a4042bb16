"""File checksums."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipelines import storage


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes (local path or URL), read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with storage.open_input(str(path)) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
