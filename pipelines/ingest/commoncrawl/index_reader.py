"""Reader of kind ``cc-index``: one work-list chunk in, its records fetched by byte range, documents out.

Each index entry points at one gzip member of a WARC file, i.e. one WARC record; a ranged read
fetches just that member and the project's WARC logic (``warc.response_fields``) parses it. The
index's language tag was only the pre-filter that built the work list: documents carry the
source's declared language (usually none) and the LID stage decides.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import NamedTuple

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.ingest.commoncrawl.index import WORK_LIST_SCHEMA
from pipelines.ingest.commoncrawl.options import parse_cc_options
from pipelines.ingest.commoncrawl.range_fetch import ByteRange, FetchError, RangeFetcher
from pipelines.ingest.config import SourceConfig
from pipelines.ingest.rows import BatchBuilder
from pipelines.ingest.warc import response_fields
from pipelines.runtime.problems import ErrorLog

_NEEDED = ("warc_filename", "warc_record_offset", "warc_record_length", "url", "crawl")


class WorkEntry(NamedTuple):
    """One row of a work-list chunk."""

    warc_filename: str
    offset: int
    length: int
    url: str | None
    crawl: str | None


def read_work_chunk(path: str, errors: ErrorLog) -> list[WorkEntry]:
    """The entries of a work-list chunk; a file that is not one is logged and gives none."""
    try:
        with fsspec.open(path, "rb") as f:
            table = pq.read_table(f)
    except (OSError, pa.ArrowInvalid) as exc:
        errors.add(path, "file", f"cannot read the work-list chunk: {exc}")
        return []
    missing = [c for c in _NEEDED if c not in table.column_names]
    if missing:
        errors.add(path, "file", f"not a cc-index work list: missing column(s) {', '.join(missing)} (expected {', '.join(WORK_LIST_SCHEMA.names)})")
        return []
    entries = []
    for row, values in enumerate(zip(*(table.column(c).to_pylist() for c in _NEEDED))):
        filename, offset, length, url, crawl = values
        if not filename or offset is None or length is None or offset < 0 or length < 1:
            errors.add(path, f"row {row}", f"bad entry warc_filename={filename!r} offset={offset!r} length={length!r}, skipped")
            continue
        entries.append(WorkEntry(filename, int(offset), int(length), url, crawl))
    return entries


def fetch_records(work_chunk_path: str, fetcher: RangeFetcher, errors: ErrorLog) -> Iterator[tuple[WorkEntry, bytes]]:
    """The raw bytes (one gzip member each) of every entry of a work-list chunk, in chunk order,
    fetched ``fetcher.options.concurrency`` at a time. A record that still fails after the
    fetcher's retries is logged with its WARC file and offset and skipped."""
    entries = read_work_chunk(work_chunk_path, errors)
    ranges = (ByteRange(e.warc_filename, e.offset, e.length) for e in entries)
    for entry, (byte_range, result) in zip(entries, fetcher.fetch_all(ranges)):
        if isinstance(result, FetchError):
            errors.add(fetcher.url(byte_range.path), f"offset {byte_range.offset} length {byte_range.length}", f"fetch failed: {result.message}")
            continue
        yield entry, result


def read_cc_index(source: SourceConfig, path: str, errors: ErrorLog, batch_size: int = 1000) -> Iterator[pa.RecordBatch]:
    """HTML responses of the records listed in work-list chunk ``path`` as INGEST_SCHEMA batches,
    fetched from the source's ``options.base_url``. ``dump`` is the source's ``crawl``, else the
    entry's crawl; non-HTML responses are logged with kind ``non_html``."""
    with RangeFetcher(parse_cc_options(source.options).fetch) as fetcher:
        yield from _documents(source, path, fetcher, errors, BatchBuilder(batch_size))


def _documents(source: SourceConfig, path: str, fetcher: RangeFetcher, errors: ErrorLog, builder: BatchBuilder) -> Iterator[pa.RecordBatch]:
    for entry, data in fetch_records(path, fetcher, errors):
        warc_url = fetcher.url(entry.warc_filename)
        where = f"offset {entry.offset}"
        try:
            fields = response_fields(data)
        except (ValueError, OSError, EOFError, zlib.error) as exc:
            errors.add(warc_url, where, f"not a WARC record: {exc}")
            continue
        if fields is None:
            errors.add(warc_url, where, "not a WARC response record, skipped")
            continue
        if fields["html"] is None:
            errors.add(warc_url, where, f"non-HTML response ({fields['content_type'] or 'no content type'}), skipped", kind="non_html")
            continue
        if fields["charset_problem"]:
            errors.add(warc_url, where, fields["charset_problem"], kind="charset")
        record_id = fields["record_id"] or f"{entry.warc_filename}:{entry.offset}"
        batch = builder.add(
            id=f"{source.name}/{record_id}", source=source.name, url=fields["url"] or entry.url, date=fields["date"],
            dump=source.crawl or entry.crawl, source_file=warc_url, declared_language=source.language,
            html=fields["html"], content_charset=fields["content_charset"],
        )
        if batch is not None:
            yield batch
    last = builder.flush()
    if last is not None:
        yield last
