"""Select records from Common Crawl's columnar URL index with DuckDB: work lists and dry runs.

The index is Parquet in a hive layout, ``.../crawl=CC-MAIN-YYYY-WW/subset=warc/*.parquet``, one
row per capture with ``warc_filename``, ``warc_record_offset`` and ``warc_record_length``
(columns as in commoncrawl/cc-index-table's ``cc-index-schema-flat.json``). DuckDB reads it
where it lies: local paths, ``s3://`` and ``https://`` through its httpfs extension (S3 needs
AWS credentials, e.g. ``CREATE SECRET (TYPE s3, PROVIDER credential_chain)``), other fsspec
protocols through a registered fsspec filesystem. An index path may also be a crawl's
``cc-index-table.paths.gz`` listing (resolved against the
listing's base, ``https://data.commoncrawl.org/crawl-data/...`` -> ``https://data.commoncrawl.org/``).
Only ``subset=warc`` files are read; crawldiagnostics and robotstxt files are skipped.

:func:`build_work_list` writes the selected (file, offset, length) triples as Parquet chunks,
``<out_dir>/crawl=<crawl>/chunk-NNNNN.parquet``, each one work item of a ``cc-index`` source;
:func:`dry_run` counts what they would fetch per crawl and language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import storage
from pipelines.ingest.commoncrawl.listing import ListingError, is_listing, read_listing
from pipelines.ingest.commoncrawl.options import DEFAULT_CHUNK_RECORDS
from pipelines.ingest.commoncrawl.selection import (
    CcIndexSelection,
    language_expression,
    matched_code_macro,
    where_clause,
)
from pipelines.storage.parquet_io import write_json_atomic, write_table_atomic

WORK_LIST_SCHEMA = pa.schema(
    [
        ("warc_filename", pa.string()),
        ("warc_record_offset", pa.int64()),
        ("warc_record_length", pa.int64()),
        ("url", pa.string()),
        ("content_languages", pa.string()),
        ("crawl", pa.string()),
        ("language", pa.string()),  # registry code the row was selected for
    ]
)

DRY_RUN_SCHEMA = pa.schema(
    [
        ("crawl", pa.string()),
        ("language", pa.string()),
        ("records", pa.int64()),
        ("bytes", pa.int64()),
        ("warc_files", pa.int64()),
    ]
)

MANIFEST = "_worklist.json"

_CRAWL_FOLDER = re.compile(r"(?:^|/)crawl=([^/]+)/")
_GLOB_CHARS = "*?["


@dataclass(frozen=True)
class WorkList:
    """Chunks written by :func:`build_work_list` and what they add up to."""

    out_dir: str
    chunks: tuple[str, ...]
    records: int
    bytes: int


def build_work_list(
    index_paths: Sequence[str],
    selection: CcIndexSelection,
    out_dir: str | Path,
    chunk_records: int = DEFAULT_CHUNK_RECORDS,
) -> WorkList:
    """Query the index Parquet at ``index_paths`` (files, globs, URLs) for ``selection`` and write
    the work list, ordered by crawl, WARC file and offset. A finished work list for the same
    files, selection and chunk size is reused as is (its chunks keep their mtimes, so the ingest
    stage resumes instead of starting over); a different one replaces it."""
    if chunk_records < 1:
        raise ValueError(f"chunk_records must be >= 1, got {chunk_records}")
    out = Path(out_dir)
    con = _connect(index_paths)
    files = _index_files(con, index_paths, selection)
    key = {"index_files": sorted(f for fs in files.values() for f in fs), "selection": repr(selection), "chunk_records": chunk_records}
    reused = _finished(out, key)
    if reused is not None:
        return reused
    for stale in [*out.glob("crawl=*/chunk-*.parquet"), out / MANIFEST]:
        storage.remove(str(stale), inside=str(out))
    chunks: list[str] = []
    records = total_bytes = 0
    for crawl, crawl_files in files.items():
        for number, table in enumerate(_chunks(_select(con, crawl_files, selection, crawl), chunk_records)):
            path = out / f"crawl={crawl}" / f"chunk-{number:05d}.parquet"
            write_table_atomic(table, path)
            chunks.append(str(path))
            records += table.num_rows
            total_bytes += pc.sum(table.column("warc_record_length")).as_py() or 0
    work_list = WorkList(str(out), tuple(chunks), records, total_bytes)
    write_json_atomic({**key, "chunks": [Path(c).relative_to(out).as_posix() for c in chunks], "records": records, "bytes": total_bytes}, out / MANIFEST)
    return work_list


def dry_run(index_paths: Sequence[str], selection: CcIndexSelection, out_path: str | Path | None = None) -> pa.Table:
    """Records, bytes (sum of ``warc_record_length``) and distinct WARC files that ``selection``
    would fetch, per crawl and language (DRY_RUN_SCHEMA); written to ``out_path`` when given."""
    con = _connect(index_paths)
    tables = []
    for crawl, crawl_files in _index_files(con, index_paths, selection).items():
        columns = f"""crawl, {language_expression(selection)} AS language, count(*) AS records,
                      sum(warc_record_length) AS bytes, count(DISTINCT warc_filename) AS warc_files"""
        relation = _query(con, crawl_files, selection, crawl, columns, "GROUP BY ALL ORDER BY language")
        tables.append(relation.to_arrow_table().cast(DRY_RUN_SCHEMA))
    table = pa.concat_tables(tables) if tables else DRY_RUN_SCHEMA.empty_table()
    if out_path is not None:
        write_table_atomic(table, out_path)
    return table


def _select(con: duckdb.DuckDBPyConnection, files: list[str], selection: CcIndexSelection, crawl: str) -> pa.RecordBatchReader:
    """The work-list rows of one crawl, ordered by WARC file and offset."""
    columns = f"""warc_filename, CAST(warc_record_offset AS BIGINT) AS warc_record_offset,
                  CAST(warc_record_length AS BIGINT) AS warc_record_length, url, content_languages, crawl,
                  {language_expression(selection)} AS language"""
    return _query(con, files, selection, crawl, columns, "ORDER BY warc_filename, warc_record_offset").to_arrow_reader(65_536)


def _query(con: duckdb.DuckDBPyConnection, files: list[str], selection: CcIndexSelection, crawl: str, columns: str, tail: str) -> duckdb.DuckDBPyRelation:
    """``SELECT columns`` over the selected rows of ``crawl`` in ``files``, then ``tail``."""
    con.execute(matched_code_macro(selection))
    where, params = where_clause(selection, [crawl])
    query = f"SELECT {columns} FROM read_parquet(?, hive_partitioning = true, union_by_name = true) WHERE {where} {tail}"
    return con.sql(query, params=[files, *params])


def _chunks(reader: pa.RecordBatchReader, size: int) -> Iterator[pa.Table]:
    """Re-cut a batch stream into tables of exactly ``size`` rows (the last one shorter)."""
    pending: list[pa.RecordBatch] = []
    rows = 0
    for batch in reader:
        while batch.num_rows:
            take = min(size - rows, batch.num_rows)
            pending.append(batch.slice(0, take))
            batch = batch.slice(take)
            rows += take
            if rows == size:
                yield pa.Table.from_batches(pending).cast(WORK_LIST_SCHEMA)
                pending, rows = [], 0
    if rows:
        yield pa.Table.from_batches(pending).cast(WORK_LIST_SCHEMA)


def _finished(out: Path, key: dict) -> WorkList | None:
    """The existing work list under ``out`` when its manifest matches ``key`` and its chunks exist."""
    manifest = out / MANIFEST
    if not manifest.exists():
        return None
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    chunks = [str(out / c) for c in data.get("chunks", [])]
    if any(data.get(k) != v for k, v in key.items()) or not all(Path(c).exists() for c in chunks):
        return None
    return WorkList(str(out), tuple(chunks), data["records"], data["bytes"])


def _index_files(con: duckdb.DuckDBPyConnection, index_paths: Sequence[str], selection: CcIndexSelection) -> dict[str, list[str]]:
    """Index files per selected crawl, read from their ``crawl=...`` folders."""
    by_crawl: dict[str, list[str]] = {}
    for entry in index_paths:
        if is_listing(entry):
            matches = _listed_index_files(entry)
        elif any(c in entry for c in _GLOB_CHARS):
            matches = [row[0] for row in con.execute("SELECT file FROM glob(?)", [entry]).fetchall()]
        else:
            matches = [entry]
        if not matches:
            raise FileNotFoundError(f"index path {entry} matches no file")
        for file in matches:
            if "/subset=" in file and "/subset=warc/" not in file:
                continue  # crawldiagnostics and robotstxt captures are never selected
            found = _CRAWL_FOLDER.search(file)
            if not found:
                raise ValueError(f"index file {file} is not under a crawl=CC-MAIN-YYYY-WW/ folder (the columnar index layout is cc-index/table/cc-main/warc/crawl=.../subset=warc/*.parquet)")
            by_crawl.setdefault(found[1], []).append(file)
    wanted = selection.crawl_ids(sorted(by_crawl))
    missing = [c for c in wanted if c not in by_crawl]
    if missing:
        raise ValueError(f"crawl(s) {', '.join(missing)} not found in the index paths; found: {', '.join(sorted(by_crawl)) or 'none'}")
    return {crawl: sorted(by_crawl[crawl]) for crawl in wanted}


def _listed_index_files(listing: str) -> list[str]:
    """The files of a crawl's ``cc-index-table.paths.gz``, as URLs under the listing's own base (``https://data.commoncrawl.org/``, ``s3://commoncrawl/``, a local mirror)."""
    base = listing[: listing.find("crawl-data/")] if "crawl-data/" in listing else listing.rsplit("/", 1)[0] + "/"
    try:
        entries = read_listing(listing)
    except ListingError as exc:
        raise ValueError(str(exc)) from None
    return [entry if "://" in entry else base + entry for entry in entries]


def _connect(index_paths: Sequence[str]) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that can read ``index_paths`` (fsspec registered for protocols DuckDB lacks)."""
    if isinstance(index_paths, str) or not index_paths:
        raise ValueError(f"index_paths must be a non-empty list of paths/URLs, got {index_paths!r}")
    con = duckdb.connect()
    storage.register_duckdb(con, *index_paths, native=storage.DUCKDB_NATIVE_PROTOCOLS)
    return con
