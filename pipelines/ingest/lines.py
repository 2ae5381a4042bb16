"""Lines of a (gzip / zstd / plain) file, streamed so that a cut file still gives every complete line before the cut.

Decompression is done here, chunk by chunk, instead of through ``gzip.GzipFile``: that one raises
on the read that meets the cut and loses everything that read had already inflated (up to a
whole buffer of lines). Here every byte the decompressor can deliver is split into lines first,
then the damage is raised as :class:`CompressedDataError`. Concatenated gzip members and zstd
frames are read one after the other. Other compressions (``.bz2``, ``.lz4``) go through fsspec.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import BinaryIO

import zstandard

from pipelines.storage import open_input

_CHUNK = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class CompressedDataError(Exception):
    """The compressed stream ends early or is corrupt; ``partial`` when a line was cut in the middle."""

    def __init__(self, message: str, partial: bool):
        super().__init__(message)
        self.partial = partial


def iter_lines(path: str) -> Iterator[bytes]:
    """Each line of ``path`` (with its ``\\n``; the last one may lack it), decompressed by content
    (gzip / zstd magic) or by name for other compressions. Raises :class:`CompressedDataError`
    after the last complete line when the data is cut off or corrupt."""
    lower = path.lower()
    if lower.endswith((".bz2", ".lz4", ".xz")):
        with open_input(path, compression="infer") as f:
            yield from _split(iter(lambda: f.read(_CHUNK), b""))
        return
    with open_input(path) as f:
        yield from _split(_decompressed_chunks(f))


def _split(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Lines of the concatenated ``chunks``; a cut raised by the chunks carries whether a line was open."""
    rest = b""
    try:
        for chunk in chunks:
            data = rest + chunk
            start = 0
            while (end := data.find(b"\n", start)) >= 0:
                yield data[start: end + 1]
                start = end + 1
            rest = data[start:]
    except CompressedDataError as exc:
        raise CompressedDataError(str(exc), partial=bool(rest)) from None
    if rest:
        yield rest


def _decompressed_chunks(f: BinaryIO) -> Iterator[bytes]:
    """Decompressed bytes of ``f`` (gzip members / zstd frames / plain), chunk by chunk."""
    pending = f.read(_CHUNK)
    offset = 0  # compressed offset where the current member or frame starts
    while pending:
        if len(pending) < len(_ZSTD_MAGIC):
            pending += f.read(_CHUNK)
        if pending.startswith(_GZIP_MAGIC):
            decoder, name = zlib.decompressobj(zlib.MAX_WBITS | 16), "gzip member"
        elif pending.startswith(_ZSTD_MAGIC):
            decoder, name = zstandard.ZstdDecompressor().decompressobj(), "zstd frame"
        elif offset == 0:
            yield pending
            yield from iter(lambda: f.read(_CHUNK), b"")
            return
        else:
            raise CompressedDataError(f"the bytes from byte offset {offset} on are not gzip/zstd data", partial=False)
        consumed = 0
        while True:
            try:
                out = decoder.decompress(pending)
            except (zlib.error, zstandard.ZstdError) as exc:
                raise CompressedDataError(f"corrupt {name} starting at byte offset {offset} ({exc})", partial=False) from None
            if out:
                yield out
            if decoder.eof:
                used = len(pending) - len(decoder.unused_data)
                offset += consumed + used
                pending = decoder.unused_data or f.read(_CHUNK)
                break
            consumed += len(pending)
            pending = f.read(_CHUNK)
            if not pending:
                raise CompressedDataError(f"{name} starting at byte offset {offset} is cut off by the end of the file (byte {offset + consumed})", partial=False)
