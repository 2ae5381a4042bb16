"""Find where a WARC file is truncated or corrupt, since the parser may stop silently there.

Checked from a given byte offset (the start of the last record read) to the end of the file:
gzip files member by member with zlib, uncompressed files record by record via Content-Length.
Other compressions (zstd, lz4) are left to the parser's own errors. Junk between gzip members or
records, and a corrupt member (a WARC.gz holds one member per record), is not the end: the scan
looks for the next gzip member that inflates to a ``WARC/`` header (or the next ``WARC/1.`` header
line in a plain file) and says where reading can go on; only the damaged member's record is lost.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from pipelines.storage import open_input

GZIP_MAGIC = b"\x1f\x8b"
_OTHER_MAGIC = (b"\x28\xb5\x2f\xfd", b"\x04\x22\x4d\x18")  # zstd, lz4 frames: left to the parser
_CHUNK = 1 << 20
_MAX_HEADER = 1 << 16
_CONTENT_LENGTH = re.compile(rb"^content-length:\s*(\d+)\s*$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Damage:
    """The first unreadable spot: ``offset`` is where the damaged gzip member or record (or junk) starts;
    ``resume`` is where the next intact member or record starts when the damage is junk that can be skipped."""

    offset: int
    message: str
    resume: int | None = None


def find_damage(path: str, start: int = 0) -> Damage | None:
    """Scan ``path`` from ``start`` (a record or gzip member start) to its end; None when intact."""
    with open_input(path) as f:
        size = f.seek(0, 2)
        f.seek(0)
        head = f.read(4)
        if head[:2] == GZIP_MAGIC:
            f.seek(start)
            if f.read(2) != GZIP_MAGIC:  # one gzip member for the whole file: positions are not member starts
                start = 0
            return _gzip_damage(f, start, size)
        if head.startswith(b"WARC"):
            return _plain_damage(f, start, size)
    if size == 0:
        return Damage(0, "WARC: the file is empty (0 bytes)")
    if not head.startswith(_OTHER_MAGIC):
        return Damage(0, f"WARC: no record header at byte offset 0 (the file starts with {head!r}, not 'WARC/' or gzip/zstd/lz4 data)")
    return None


def _gzip_damage(f: BinaryIO, pos: int, size: int) -> Damage | None:
    while pos < size:
        f.seek(pos)
        if f.read(2) != GZIP_MAGIC:
            resume = _next_gzip_record(f, pos + 1)
            if resume is None:
                return Damage(pos, f"gzip: the last {size - pos} bytes (from byte offset {pos}) are not gzip data")
            return Damage(pos, f"gzip: {resume - pos} junk bytes at byte offset {pos} (not gzip data); skipped them, "
                          f"reading on at the next gzip member (byte offset {resume})", resume)
        f.seek(pos)
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        read_from = pos
        while not inflater.eof:
            chunk = f.read(_CHUNK)
            if not chunk:
                return Damage(pos, f"gzip: member starting at byte offset {pos} is cut off by the end of the file (byte {size})")
            try:
                inflater.decompress(chunk)
            except zlib.error as exc:
                resume = _next_gzip_record(f, pos + 1)
                if resume is None:
                    return Damage(pos, f"gzip: member starting at byte offset {pos} is corrupt ({exc})")
                return Damage(pos, f"gzip: member starting at byte offset {pos} is corrupt ({exc}); skipped it "
                              f"({resume - pos} bytes), reading on at the next gzip member (byte offset {resume})", resume)
            read_from += len(chunk)
        pos = read_from - len(inflater.unused_data)
    return None


def _plain_damage(f: BinaryIO, pos: int, size: int) -> Damage | None:
    while True:
        f.seek(pos)
        raw = f.read(_MAX_HEADER)
        head = raw.lstrip(b"\r\n")
        if not head:
            return None
        pos += len(raw) - len(head)
        header_end = head.find(b"\r\n\r\n")
        length = _CONTENT_LENGTH.search(head, 0, max(header_end, 0))
        if not head.startswith(b"WARC/"):
            resume = _next_plain_record(f, pos + 1)
            if resume is not None:
                return Damage(pos, f"WARC: {resume - pos} junk bytes at byte offset {pos} (not a record header); "
                              f"skipped them, reading on at the next record (byte offset {resume})", resume)
        if not head.startswith(b"WARC/") or header_end < 0 or length is None:
            return Damage(pos, f"WARC record at byte offset {pos} has no complete header")
        end = pos + header_end + 4 + int(length.group(1))
        if end > size:
            return Damage(pos, f"WARC record at byte offset {pos} is cut off by the end of the file (byte {size}, record needs {end})")
        pos = end


def _next_gzip_record(f: BinaryIO, pos: int) -> int | None:
    """Offset of the first gzip member at or after ``pos`` whose data starts with ``WARC/``."""
    for candidate in _occurrences(f, pos, GZIP_MAGIC + b"\x08"):
        f.seek(candidate)
        try:
            if zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(f.read(_MAX_HEADER), 8).startswith(b"WARC/"):
                return candidate
        except zlib.error:
            continue
    return None


def _next_plain_record(f: BinaryIO, pos: int) -> int | None:
    """Offset of the first ``WARC/1.x`` header line at or after ``pos``."""
    for candidate in _occurrences(f, pos, b"\nWARC/1."):
        return candidate + 1
    return None


def _occurrences(f: BinaryIO, pos: int, needle: bytes) -> Iterator[int]:
    """Offsets of ``needle`` in ``f`` from ``pos`` on, read in chunks."""
    while True:
        f.seek(pos)
        chunk = f.read(_CHUNK + len(needle) - 1)
        if len(chunk) < len(needle):
            return
        found = chunk.find(needle)
        while found >= 0:
            yield pos + found
            found = chunk.find(needle, found + 1)
        pos += _CHUNK
