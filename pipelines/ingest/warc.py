"""WARC (HTML responses) and WET (extracted text) readers built on FastWARC.

Each file is read record by record; the last record is held back until the file's tail has been
checked (see warc_damage), so that a truncated or corrupt file yields every complete record before
the damage plus exactly one error naming the byte offset, instead of a crash or a silent stop.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa
from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from pipelines.ingest.charset import choose_charset
from pipelines.ingest.commoncrawl.listing import crawl_id
from pipelines.ingest.config import SourceConfig
from pipelines.ingest.files import file_key, strip_compression
from pipelines.ingest.rows import BatchBuilder
from pipelines.ingest.warc_damage import find_damage
from pipelines.runtime.problems import ErrorLog
from pipelines.storage import is_remote, open_input

HTML_TYPES = ("text/html", "application/xhtml+xml")
_SNIFF_BYTES = 1024

_ARC = "ARC is the legacy (pre-WARC) Internet Archive format and is not supported; convert it to WARC first (e.g. `warcio recompress` or jwarc)"
_WAT = "WAT files hold JSON metadata about records (headers, links), not page HTML or text, and are not supported; read the crawl's WARC or WET files"


@dataclass(frozen=True)
class _Record:
    """A record read in full, so that the parser can move on."""

    offset: int
    record_id: str | None
    url: str | None
    date: str | None
    content_type: str | None
    charset: str | None
    payload: bytes


def read_warc(source: SourceConfig, path: str, errors: ErrorLog, batch_size: int = 1000) -> Iterator[pa.RecordBatch]:
    """HTML responses of a WARC file (kind ``warc``) or conversion records of a WET file (kind
    ``wet``) as INGEST_SCHEMA batches; non-HTML responses are logged with kind ``non_html``.
    ``dump`` is the source's ``crawl``, else the Common Crawl id in the file's path. Remote files
    (any fsspec URL) are streamed, never downloaded whole."""
    unsupported = _unsupported_format(source.kind, path)
    if unsupported:
        errors.add(path, "file", unsupported)
        return
    is_wet = source.kind == "wet"
    key = file_key(source, path)
    dump = source.crawl or crawl_id(path)
    builder = BatchBuilder(batch_size)
    for record in _complete_records(path, WarcRecordType.conversion if is_wet else WarcRecordType.response, errors):
        record_id = f"{source.name}/{_bare_id(record.record_id) or f'{key}:{record.offset}'}"
        row = dict(id=record_id, source=source.name, url=record.url, date=record.date, dump=dump,
                   source_file=path, declared_language=source.language)
        if is_wet:
            batch = builder.add(**row, text=record.payload.decode("utf-8", errors="replace"))
        elif _is_html(record):
            payload = _content_decoded(record.payload)
            charset = choose_charset(payload, record.charset)
            if charset.problem:
                errors.add(path, f"offset {record.offset}", charset.problem, kind="charset")
            batch = builder.add(**row, html=payload, content_charset=charset.charset)
        else:
            errors.add(path, f"offset {record.offset}", f"non-HTML response ({record.content_type or 'no content type'}), skipped", kind="non_html")
            continue
        if batch is not None:
            yield batch
    last = builder.flush()
    if last is not None:
        yield last


def response_fields(data: bytes) -> dict[str, object] | None:
    """Parse the one WARC record held in ``data`` (a gzip member or a plain record, as a ranged
    GET of a Common Crawl index entry returns it). None when it is not a response; otherwise
    ``record_id`` (bare UUID), ``url``, ``date``, ``content_type``, ``html`` (payload with any
    Content-Encoding undone, None when the response is not HTML), ``content_charset`` and
    ``charset_problem`` (why the declared charset was not used, see ``choose_charset``; else None).
    Raises ValueError when ``data`` holds no WARC record."""
    iterator = ArchiveIterator(io.BytesIO(data), parse_http=True, quirks_mode=True, auto_decode="transfer")
    record = next(iter(iterator), None)
    if record is None:
        raise ValueError("no WARC record in these bytes")
    if record.record_type != WarcRecordType.response:
        return None
    parsed = _read(record)
    html = _content_decoded(parsed.payload) if _is_html(parsed) else None
    charset = choose_charset(html, parsed.charset) if html is not None else None
    return dict(record_id=_bare_id(parsed.record_id), url=parsed.url, date=parsed.date, content_type=parsed.content_type,
                html=html, content_charset=charset and charset.charset, charset_problem=charset and charset.problem)


def _complete_records(path: str, record_type: WarcRecordType, errors: ErrorLog) -> Iterator[_Record]:
    """Records of ``record_type`` known to be complete. Junk between gzip members or records, and a
    corrupt gzip member, are reported (offset, length) and skipped; other damage (a cut end) is one
    error, then stop."""
    start = 0
    while start is not None:
        start = yield from _records_from(path, start, record_type, errors)


def _records_from(path: str, start: int, record_type: WarcRecordType, errors: ErrorLog) -> Iterator[_Record]:
    """Complete records from byte offset ``start`` (a member or record start) up to the first damage;
    returns where reading can go on after skippable junk, else None."""
    pending: _Record | None = None
    failure: Exception | None = None
    try:
        with contextlib.ExitStack() as stack:
            if start or is_remote(path):
                stream = stack.enter_context(open_input(path))
                stream.seek(start)  # FastWARC's offsets stay those of the file
            else:
                stream = path  # FastWARC reads local files natively
            iterator = ArchiveIterator(stream, record_types=record_type, parse_http=record_type == WarcRecordType.response,
                                       quirks_mode=True, auto_decode="transfer")
            for record in iterator:
                current = _read(record)
                if pending is not None:
                    yield pending
                pending = current
    except (OSError, ValueError) as exc:
        failure = exc
    if pending is None and start == 0 and _looks_like_arc(path):
        errors.add(path, "file", _ARC)
        return None
    last = pending.offset if pending is not None else start
    try:
        damage = find_damage(path, last)
    except OSError as exc:  # unreachable or vanished (remote) file: the last record cannot be verified
        errors.add(path, f"byte offset {last}", f"could not read the file: {failure or exc}; stopped reading this file")
        return None
    if pending is not None and (damage is None or damage.offset > pending.offset):
        yield pending
    if damage is not None and damage.resume is not None:
        errors.add(path, f"byte offset {damage.offset}", f"corrupt {damage.message}")
        return damage.resume
    if damage is not None:
        errors.add(path, f"byte offset {damage.offset}", f"truncated/corrupt {damage.message}; stopped reading this file")
    elif failure is not None:
        errors.add(path, f"byte offset {last}", f"truncated/corrupt WARC after the record at byte offset {last}: {failure}; stopped reading this file")
    return None


def _read(record: WarcRecord) -> _Record:
    headers = record.headers
    http = record.is_http and record.is_http_parsed
    return _Record(
        offset=record.stream_pos,
        record_id=record.record_id,
        url=(headers.get("WARC-Target-URI") or "").strip("<> ") or None,
        date=headers.get("WARC-Date"),
        content_type=record.http_content_type if http else None,
        charset=record.http_charset if http else None,
        payload=record.reader.read(),
    )


def _bare_id(record_id: str | None) -> str | None:
    """``<urn:uuid:abc>`` -> ``abc``."""
    if not record_id:
        return None
    return record_id.strip().strip("<>").removeprefix("urn:uuid:") or None


def _is_html(record: _Record) -> bool:
    """HTML by HTTP Content-Type; without one, by sniffing for an <html> tag."""
    if record.content_type:
        return record.content_type.lower() in HTML_TYPES
    head = record.payload[:_SNIFF_BYTES].lower()
    return b"<html" in head or b"<!doctype html" in head


def _content_decoded(payload: bytes) -> bytes:
    """Undo a gzip Content-Encoding that the archive kept (some crawlers store the raw body)."""
    if payload[:2] != b"\x1f\x8b":
        return payload
    try:
        return gzip.decompress(payload)
    except (OSError, EOFError, zlib.error):
        return payload


def _unsupported_format(kind: str, path: str) -> str | None:
    """Why the file cannot be read as ``kind`` (judged by its name), or None."""
    name = strip_compression(path.lower())
    if name.endswith(".arc"):
        return _ARC
    if name.endswith(".wat"):
        return _WAT
    if kind == "warc" and name.endswith(".wet"):
        return "this is a WET file (extracted text); declare the source with kind: wet"
    if kind == "wet" and name.endswith(".warc"):
        return "this is a WARC file; declare the source with kind: warc (WET files end in .wet or .wet.gz)"
    return None


def _looks_like_arc(path: str) -> bool:
    """ARC files start with a ``filedesc://`` version block."""
    try:
        with open_input(path, compression="infer") as f:
            return f.read(16).lstrip().startswith(b"filedesc://")
    except (OSError, EOFError, zlib.error):
        return False
