"""Phase 2a of dedup: candidate edges of one bucket, a file task any executor spreads.

A bucket is one band (or the exact hash) and one range of its 64-bit hash values. Its task reads
only that column (plus ``id``, ``language`` and ``exact_hash``) of every signature file,
keeps the rows whose value falls in its range, and writes the edges it finds as pairs of document
numbers (``g``: the file's offset in the bucket's file list plus the row's number in the file):

* exact bucket: every document of a (language, exact_hash) group with another member is linked to
  the group's smallest ``g`` (connected components do not depend on which member it is); it also
  reports, as an input problem of kind ``duplicate_id``, the smallest id of its ``hash(id)`` range
  that occurs twice;
* band bucket: within each (language, band value) group, one representative per exact hash (the
  smallest id: the copies of an exact group have the same signature, hence the same bands), and
  when a group has two or more, unverified candidate edges from its representative with the
  smallest id to each other one, and from each one to the next by id (at most twice the edges): a
  member that fails verification against the smallest id can still be linked through its
  neighbour (a chain A~B~C whose only shared band A's holds too, with A and C too far apart).
  Verifying and merging them (pipelines.dedup.clusters) gives the clusters.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines import storage
from pipelines.dedup.signatures import band_column
from pipelines.runtime.drops import empty_drops
from pipelines.runtime.problems import ErrorLog
from pipelines.runtime.runner import WorkItem
from pipelines.storage.lock import pid_alive

EDGE_SCHEMA = pa.schema([("a", pa.int64()), ("b", pa.int64())])
EXACT = "exact"  # the bucket name prefix of exact-hash buckets; band buckets are "band-<band>"
DUPLICATE_ID = "duplicate_id"  # ErrorLog kind of an id found twice

_HASH_SPACE = 1 << 64


@dataclass(frozen=True)
class Bucket:
    """One band (``band`` None: the exact hash) and hash range ``index`` of ``ranges``."""

    band: int | None
    index: int
    ranges: int

    @property
    def name(self) -> str:
        """Part name of the bucket's edges, e.g. ``band-03-r001of004`` or ``exact-r000of001``."""
        prefix = EXACT if self.band is None else f"band-{self.band:02d}"
        return f"{prefix}-r{self.index:03d}of{self.ranges:03d}"

    def bounds(self) -> tuple[int, int]:
        """Smallest and largest hash value of the range (inclusive)."""
        return self.index * _HASH_SPACE // self.ranges, (self.index + 1) * _HASH_SPACE // self.ranges - 1


def all_buckets(bands: int, ranges: int) -> list[Bucket]:
    """The exact buckets and the buckets of every band, ``ranges`` ranges each."""
    return [Bucket(band, index, ranges) for band in (None, *range(bands)) for index in range(ranges)]


def write_spec(bucket: Bucket, files: list[tuple[str, int]], path: str) -> None:
    """Write the JSON a bucket task reads: the bucket and the signature files with their offsets."""
    spec = {"band": bucket.band, "index": bucket.index, "ranges": bucket.ranges, "files": files}
    storage.write_text(json.dumps(spec), path)


#: Local spill folders of the bucket tasks: ``seamix-buckets-<pid>-<random>`` in the temp dir.
SCRATCH_PREFIX = "seamix-buckets-"


def clear_stale_scratch() -> list[str]:
    """Remove the bucket tasks' spill folders in the temp dir whose process is dead (left by a killed
    run); those of live processes, and folders without a pid, are left alone. Returns the removed paths."""
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*-*"):
        pid = folder.name[len(SCRATCH_PREFIX):].split("-", 1)[0]
        if folder.is_dir() and pid.isdigit() and not pid_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(str(folder))
    return removed


@dataclass(frozen=True)
class BucketTask:
    """Edges of one bucket (its work item's input is the bucket's spec file)."""

    memory_limit: str
    name: str = "dedup-buckets"

    def fingerprint(self) -> str:
        return self.name

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        spec = json.loads(storage.read_text(item.in_path))
        bucket = Bucket(spec["band"], spec["index"], spec["ranges"])
        files = [(path, offset) for path, offset in spec["files"]]
        with tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-") as spill:
            con = duckdb.connect(
                config={"memory_limit": self.memory_limit, "temp_directory": spill, "threads": pa.cpu_count(),
                        "preserve_insertion_order": False}
            )
            try:
                storage.register_duckdb(con, *(path for path, _ in files))
                register_documents(con, files)
                if bucket.band is None:
                    edges = _exact_edges(con, bucket)
                    duplicate = _duplicate_id(con, bucket)
                    if duplicate is not None:
                        errors.add(item.in_path, f"id {duplicate!r}", "occurs more than once", kind=DUPLICATE_ID)
                else:
                    edges = _band_edges(con, bucket)
            finally:
                con.close()
        yield edges, empty_drops()


def register_documents(con: duckdb.DuckDBPyConnection, files: list[tuple[str, int]]) -> None:
    """Create view ``documents`` over the signature ``files`` ((path, offset) pairs): every signature
    column plus ``g``, the document's number (its file's offset plus its row number in the file)."""
    paths = ", ".join(storage.sql_literal(path) for path, _ in files)
    offsets = ", ".join(str(offset) for _, offset in files)
    con.execute(
        f"""
        CREATE TEMP VIEW documents AS
        SELECT [{offsets}][file_index::BIGINT + 1] + file_row_number AS g, * EXCLUDE (file_row_number)
        FROM read_parquet([{paths}], file_row_number = true)
        """
    )


def _in_range(column: str, bucket: Bucket) -> str:
    """SQL condition: ``column`` (a UBIGINT) is not null and in the bucket's range."""
    low, high = bucket.bounds()
    return f"{column} BETWEEN {low}::UBIGINT AND {high}::UBIGINT"


def _exact_edges(con: duckdb.DuckDBPyConnection, bucket: Bucket) -> pa.Table:
    """Edges from each member of an exact group to the group's smallest ``g``."""
    return con.sql(
        f"""
        SELECT min(g) OVER (PARTITION BY language, exact_hash) AS a, g AS b
        FROM documents WHERE {_in_range('exact_hash', bucket)}
        QUALIFY a <> b
        """
    ).to_arrow_table().cast(EDGE_SCHEMA)


def _duplicate_id(con: duckdb.DuckDBPyConnection, bucket: Bucket) -> str | None:
    """The smallest id of the bucket's ``hash(id)`` range that occurs more than once, or None."""
    row = con.execute(
        f"SELECT id FROM documents WHERE {_in_range('hash(id)', bucket)} GROUP BY id HAVING count(*) > 1 ORDER BY id LIMIT 1"
    ).fetchone()
    return row[0] if row else None


def _band_edges(con: duckdb.DuckDBPyConnection, bucket: Bucket) -> pa.Table:
    """Unverified candidate edges of the bucket's band: in each (language, value) group with two or
    more exact hashes, from the representative with the smallest id to every other representative,
    and from each representative to the next by id."""
    band = band_column(bucket.band)
    return con.sql(
        f"""
        WITH rows AS (
            SELECT g, id, language, exact_hash, {band} AS value FROM documents WHERE {_in_range(band, bucket)}
        ),
        groups AS (
            SELECT language, value FROM rows GROUP BY ALL HAVING min(exact_hash) <> max(exact_hash)
        ),
        representatives AS (
            SELECT language, value, arg_min(g, id) AS g, min(id) AS id
            FROM rows SEMI JOIN groups USING (language, value) GROUP BY language, value, exact_hash
        )
        SELECT a, b FROM (
            SELECT arg_min(g, id) OVER (PARTITION BY language, value) AS a, g AS b FROM representatives
            UNION ALL
            SELECT lag(g) OVER (PARTITION BY language, value ORDER BY id) AS a, g AS b FROM representatives
        ) WHERE a IS NOT NULL AND a <> b
        """
    ).to_arrow_table().cast(EDGE_SCHEMA)
