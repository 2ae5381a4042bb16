"""Lines of a (gzip / zstd / plain) file, streamed so that a cut file still gives every complete line before the cut.

Decompression is done here, chunk by chunk, instead of through ``gzip.GzipFile``: that one raises
on the read that meets the cut and loses everything that read had already inflated (up to a
whole buffer of lines). Here every byte the decompressor can deliver is split into lines first,
then the damage is raised as :class:`CompressedDataError`. Concatenated gzip members and zstd
frames are read one after the other. Other compressions (``.bz2``, ``.lz4``) go through fsspec.
A file in UTF-16 or UTF-32 (a byte order mark, or the zero bytes of RFC 4627 section 3 around its
first characters) is transcoded to UTF-8 as it streams, so every reader sees UTF-8 lines.
"""

from __future__ import annotations

import codecs
import json
import re
import zlib
from collections.abc import Iterator
from itertools import chain
from typing import BinaryIO

import zstandard

from pipelines.runtime.problems import ErrorLog
from pipelines.storage import open_input

_CHUNK = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
#: The UTF-8 byte order mark some editors write at the start of a file.
UTF8_BOM = b"\xef\xbb\xbf"
#: Byte order marks of the wide Unicode encodings, UTF-32's first (UTF-32 LE's starts as UTF-16 LE's).
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
              (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
#: Which of a JSON text's first four bytes are zero, by encoding, when it has no byte order mark
#: (its first character is ASCII: RFC 4627 section 3).
_ZERO_PATTERNS = {(True, True, True, False): "utf-32-be", (True, False, True, False): "utf-16-be",
                  (False, True, True, True): "utf-32-le", (False, True, False, True): "utf-16-le"}


class CompressedDataError(Exception):
    """The compressed stream ends early or is corrupt; ``partial`` when a line was cut in the middle."""

    def __init__(self, message: str, partial: bool):
        super().__init__(message)
        self.partial = partial


def iter_lines(path: str, errors: ErrorLog | None = None) -> Iterator[bytes]:
    """Each line of ``path`` (with its ``\\n``; the last one may lack it), decompressed by content
    (gzip / zstd magic) or by name for other compressions, in UTF-8 (a UTF-16/32 file is transcoded,
    and logged to ``errors`` as kind ``encoding``). Raises :class:`CompressedDataError` after the
    last complete line when the data is cut off or corrupt."""
    yield from _split(_file_chunks(path, errors))


def head(path: str) -> bytes:
    """The first decompressed chunk of ``path`` (b"" for an empty file), enough to tell its layout:
    a cut or corrupt stream after it is left to the reader of the whole file."""
    chunks = _file_chunks(path)
    try:
        return next(chunks, b"")
    finally:
        chunks.close()


def decompressed(path: str, errors: ErrorLog | None = None) -> tuple[bytes, str | None]:
    """Every byte of ``path`` the decompressor can deliver (in UTF-8, as iter_lines), and why it
    stopped early (None when the file is whole): for files read whole (JSON arrays), so that a cut
    keeps what comes before it."""
    chunks: list[bytes] = []
    try:
        chunks.extend(_file_chunks(path, errors))
    except (CompressedDataError, EOFError, zlib.error) as exc:
        return b"".join(chunks), str(exc)
    return b"".join(chunks), None


def json_lines(path: str, errors: ErrorLog) -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` of every line of a JSON-lines file that holds a JSON object (text
    documents and conversations alike). A UTF-8 byte order mark before the first line is dropped
    (a UTF-16/32 file is read as such and logged once, kind ``encoding``);
    blank lines are skipped; bad lines (malformed JSON, not an object) are logged as ``line N`` and
    skipped, invalid UTF-8 (and a lone UTF-16 surrogate escape, which UTF-8 cannot hold) is logged,
    then replaced; a cut or corrupt compressed stream keeps every complete line before the damage
    and logs where it stopped."""
    line_no = 0
    try:
        for line_no, raw in enumerate(iter_lines(path, errors), start=1):
            if line_no == 1:
                raw = raw.removeprefix(UTF8_BOM)
            record = _json_object(raw, path, line_no, errors)
            if record is not None:
                yield line_no, record
    except CompressedDataError as exc:
        where = "inside" if exc.partial else "at the start of"
        errors.add(path, f"line {line_no + 1}", f"truncated/corrupt compressed data {where} line {line_no + 1} "
                   f"({exc}); read the {line_no} lines before it, stopped reading this file")
    except (OSError, EOFError, zlib.error) as exc:
        errors.add(path, f"line {line_no + 1}", f"could not read the file after line {line_no}: {exc}; stopped reading this file")


def _json_object(raw: bytes, path: str, line_no: int, errors: ErrorLog) -> dict | None:
    """The line's JSON object, or None (a blank line, or after logging why not)."""
    if not raw.strip():
        return None
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        errors.add(path, f"line {line_no}", f"invalid UTF-8 at byte {exc.start}; decoded with replacement characters", kind="invalid_utf8")
        line = raw.decode("utf-8", errors="replace")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        errors.add(path, f"line {line_no}", f"malformed JSON ({exc.msg} at column {exc.colno}), line skipped")
        return None
    except RecursionError:
        errors.add(path, f"line {line_no}", "JSON nested deeper than the parser's recursion limit, line skipped")
        return None
    if not isinstance(record, dict):
        errors.add(path, f"line {line_no}", f"expected a JSON object, got {type(record).__name__}, line skipped")
        return None
    if _SURROGATE_ESCAPE.search(raw):
        record, replaced = without_lone_surrogates(record)
        if replaced:
            errors.add(path, f"line {line_no}", f"{replaced} lone UTF-16 surrogate escape(s) (\\ud800-\\udfff) "
                       "replaced by U+FFFD", kind="invalid_unicode")
    return record


#: A JSON escape of a UTF-16 surrogate: pairs decode to one character, a lone one stays a surrogate
#: that UTF-8 (and so Arrow) cannot encode.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(value: object) -> tuple[object, int]:
    """``value`` (parsed JSON) with every lone surrogate in its strings and keys replaced by U+FFFD,
    and how many were replaced."""
    if isinstance(value, str):
        return _LONE_SURROGATE.subn("\ufffd", value)
    if isinstance(value, list):
        items = [without_lone_surrogates(item) for item in value]
        return [item for item, _ in items], sum(n for _, n in items)
    if isinstance(value, dict):
        out, total = {}, 0
        for key, item in value.items():
            (key, n_key), (item, n_item) = without_lone_surrogates(key), without_lone_surrogates(item)
            out[key] = item
            total += n_key + n_item
        return out, total
    return value, 0


def _file_chunks(path: str, errors: ErrorLog | None = None) -> Iterator[bytes]:
    """Decompressed bytes of ``path`` in UTF-8, chunk by chunk: gzip/zstd by content (see
    _decompressed_chunks), other compressions by name through fsspec; then _as_utf8."""
    if path.lower().endswith((".bz2", ".lz4", ".xz")):
        with open_input(path, compression="infer") as f:
            yield from _as_utf8(iter(lambda: f.read(_CHUNK), b""), path, errors)
        return
    with open_input(path) as f:
        yield from _as_utf8(_decompressed_chunks(f), path, errors)


def wide_encoding(start: bytes) -> str | None:
    """The UTF-16/UTF-32 codec of a text whose first character is ASCII (JSON, HTML) and that starts
    with ``start`` (by its byte order mark or the zero bytes of its first four), None otherwise."""
    for bom, name in _WIDE_BOMS:
        if start.startswith(bom):
            return name
    return _ZERO_PATTERNS.get(tuple(byte == 0 for byte in start[:4])) if len(start) >= 4 else None


def _as_utf8(chunks: Iterator[bytes], path: str, errors: ErrorLog | None) -> Iterator[bytes]:
    """``chunks`` as they are, or transcoded from UTF-16/32 to UTF-8 (invalid sequences become
    U+FFFD) when the first bytes say so; a transcoded file is logged once."""
    first = b""
    for chunk in chunks:
        first += chunk
        if len(first) >= 4:
            break
    encoding = wide_encoding(first)
    if encoding is None:
        if first:
            yield first
        yield from chunks
        return
    if errors is not None:
        errors.add(path, "file", f"the file is {encoding.upper()}, not UTF-8: read as {encoding.upper()}", kind="encoding")
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    for chunk in chain((first,), chunks):
        if text := decoder.decode(chunk):
            yield text.encode("utf-8")
    if text := decoder.decode(b"", final=True):
        yield text.encode("utf-8")


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
