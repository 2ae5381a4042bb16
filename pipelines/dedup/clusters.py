"""Phase 2 of dedup: duplicate clusters across all signature files, spread over buckets, then merged.

Documents are numbered by their place in the list of signature files (``g``). Edges, always within
one language, come from one file task per bucket (pipelines.dedup.buckets: the exact hash and each
band, each split into ``ranges`` hash ranges), run with ``run_file_stage`` under the stage's
executor, so Slurm or Ray spread them like any other stage:

* exact: documents sharing ``exact_hash`` are linked;
* near: among exact-group representatives that have a signature, documents sharing a band value
  (same language, same band index) are candidates of the group's representative with the smallest
  id, and each such candidate pair is *verified*: it is kept only when the fraction of equal
  MinHash values (estimated Jaccard) is at least ``config.threshold()``. Verification removes the
  false merges of LSH (random band collisions and pairs well below the threshold) at the price of
  reading the signatures of the candidates once.

The merge (this process) verifies the candidates in DuckDB (in memory, spilling to a directory
in the local ``work_dir`` beyond, ``memory_limit`` from the config), and the clusters are the connected
components of the edges (SciPy's ``connected_components`` over the documents: the only state that
grows with the number of documents). In each cluster the survivor is the first document by
``config.source_priority`` (unlisted sources last), then larger ``n_chars``, then smaller id. Every
other member is removed: ``exact_duplicate`` when a better member of its cluster has the same
normalised text, else ``near_duplicate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from pipelines import storage
from pipelines.dedup.buckets import DUPLICATE_ID, EXACT, BucketTask, all_buckets, register_documents, write_spec
from pipelines.dedup.config import DedupConfig
from pipelines.dedup.signatures import signature_schema
from pipelines.runtime.runner import ExecutorFactory, WorkItem, run_file_stage

DUPLICATES_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("keep", pa.bool_()),
        ("cluster_size", pa.int64()),
        ("reason", pa.string()),  # null for the survivor, else exact_duplicate | near_duplicate
        ("duplicate_of", pa.string()),  # survivor id, null for the survivor
        ("survivor_source", pa.string()),  # survivor's source, null for the survivor
    ]
)

_BATCH_ROWS = 50_000  # rows per Arrow batch streamed out of DuckDB (two signatures each)


@dataclass
class DedupSummary:
    """Counts of one find_duplicates run; ``clusters`` counts clusters of two or more documents."""

    documents: int = 0
    clusters: int = 0
    removed_exact: int = 0
    removed_near: int = 0
    removed_by_source_pair: dict[tuple[str, str], int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-friendly form; source pairs become ``"removed_source -> survivor_source"`` keys."""
        return {
            "documents": self.documents,
            "clusters": self.clusters,
            "removed_exact": self.removed_exact,
            "removed_near": self.removed_near,
            "removed_by_source_pair": {f"{a} -> {b}": n for (a, b), n in sorted(self.removed_by_source_pair.items())},
        }


def find_duplicates(
    signature_paths: list[str],
    out_path: str,
    config: DedupConfig,
    work_dir: str,
    workers: int = 1,
    executor_factory: ExecutorFactory | None = None,
    ranges: int | None = None,
) -> DedupSummary:
    """Cluster the documents of ``signature_paths`` (written by write_signatures with the
    same ``config``) and write one DUPLICATES_SCHEMA row per document of a cluster of two
    or more to ``out_path`` (local or URL, written atomically); documents absent from it are
    singletons. The bucket tasks run as ``workers`` tasks of ``executor_factory`` (default: local
    processes) and write their edges to ``buckets/`` next to ``out_path``; each band and the exact
    hash is split into ``ranges`` hash ranges (default: enough for every worker to get a bucket).
    ``work_dir`` (the merge's DuckDB files) must be local."""
    if not signature_paths:
        raise ValueError("find_duplicates: no signature files given")
    files, documents = _numbered_files(signature_paths, config)
    ranges = ranges or -(-workers // (config.bands + 1))
    edges = _bucket_edges(files, storage.join(storage.parent(out_path), "buckets"), config, ranges, workers, executor_factory)
    work = Path(work_dir)
    work.mkdir(parents=True, exist_ok=True)
    spill_dir = work / "duckdb_spill"
    con = duckdb.connect(  # in memory: it writes (spills) only beyond memory_limit
        config={"memory_limit": config.memory_limit, "temp_directory": str(spill_dir), "preserve_insertion_order": False},
    )
    try:
        storage.register_duckdb(con, *signature_paths, *edges.values())
        register_documents(con, files)
        exact = [path for name, path in edges.items() if name.startswith(EXACT)]
        band = [path for name, path in edges.items() if not name.startswith(EXACT)]
        left, right = _verified_candidates(con, band, config)
        exact_edges = con.sql("SELECT a, b FROM read_parquet(?)", params=[exact]).to_arrow_table()
        left.append(exact_edges.column("a").to_numpy())
        right.append(exact_edges.column("b").to_numpy())
        _rank_members(con, _cluster_members(documents, np.concatenate(left), np.concatenate(right)), config)
        with storage.AtomicFile(out_path) as out:
            con.execute(
                f"COPY (SELECT {', '.join(DUPLICATES_SCHEMA.names)} FROM ranked ORDER BY id) TO ? (FORMAT parquet)",
                [out.local],
            )
        return _summarise(con, documents)
    finally:
        con.close()
        storage.remove_tree(str(spill_dir), inside=str(work))


def _numbered_files(signature_paths: list[str], config: DedupConfig) -> tuple[list[tuple[str, int]], int]:
    """``(path, offset)`` of every signature file (offset: the rows of the files before it) and the
    total number of rows; raise ValueError when a file was not written by write_signatures with ``config``."""
    expected = signature_schema(config)
    files, offset = [], 0
    for path in signature_paths:
        metadata = _metadata(path)
        found = metadata.schema.to_arrow_schema()
        if not found.remove_metadata().equals(expected):
            raise ValueError(
                f"{path}: not a signature file for this DedupConfig (num_perm={config.num_perm}, "
                f"bands={config.bands}); expected columns {expected.names}, found {found.names}"
            )
        files.append((path, offset))
        offset += metadata.num_rows
    return files, offset


def _metadata(path: str) -> pq.FileMetaData:
    """The Parquet footer of a local path or URL."""
    target, fs = storage.arrow_path(path)
    return pq.read_metadata(target, filesystem=fs)


def _bucket_edges(
    files: list[tuple[str, int]], folder: str, config: DedupConfig, ranges: int, workers: int,
    executor_factory: ExecutorFactory | None,
) -> dict[str, str]:
    """Run one BucketTask per bucket into ``folder`` (rebuilt from scratch); return the edge part of
    each bucket by bucket name. Raise ValueError naming a document id that occurs twice."""
    storage.remove_tree(folder, inside=storage.parent(folder))
    items = []
    for bucket in all_buckets(config.bands, ranges):
        spec = storage.join(folder, "specs", f"{bucket.name}.json")
        write_spec(bucket, files, spec)
        items.append(WorkItem(spec, bucket.name))
    outcome = run_file_stage(BucketTask(config.memory_limit), items, storage.join(folder, "edges"), workers, executor_factory)
    duplicates = sorted(p.where for p in outcome.errors.samples if p.kind == DUPLICATE_ID)
    if duplicates:
        raise ValueError(f"document {duplicates[0]} occurs more than once across {len(files)} signature files")
    return {item.part: part for item, part in zip(items, outcome.parts)}


def _verified_candidates(
    con: duckdb.DuckDBPyConnection, band_parts: list[str], config: DedupConfig
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The candidate edges of ``band_parts`` (distinct over the bands) whose estimated Jaccard
    reaches config.threshold(), as lists of left and right document numbers."""
    con.execute("CREATE TABLE candidates AS SELECT DISTINCT a, b FROM read_parquet(?)", [band_parts])
    con.execute(
        """CREATE TABLE signatures AS SELECT g, signature FROM documents
           WHERE g IN (SELECT a FROM candidates UNION SELECT b FROM candidates)"""
    )
    threshold = config.threshold()
    query = """
        SELECT c.a, c.b, sa.signature AS sig_a, sb.signature AS sig_b FROM candidates c
        JOIN signatures sa ON sa.g = c.a JOIN signatures sb ON sb.g = c.b
    """
    left, right = [], []
    for batch in _batches(con, query):
        sig_a = _signature_matrix(batch.column(2), config.num_perm)
        sig_b = _signature_matrix(batch.column(3), config.num_perm)
        verified = (sig_a == sig_b).mean(axis=1) >= threshold
        left.append(batch.column(0).to_numpy()[verified])
        right.append(batch.column(1).to_numpy()[verified])
    return left, right


def _signature_matrix(column: pa.Array, num_perm: int) -> np.ndarray:
    """(rows, num_perm) uint32 matrix of a fixed-size-list signature column without nulls."""
    return column.flatten().to_numpy().reshape(-1, num_perm)


def _cluster_members(documents: int, left: np.ndarray, right: np.ndarray) -> pa.Table:
    """``(g, root)`` of every document of a connected component of two or more documents."""
    graph = coo_array((np.ones(len(left), np.int8), (left, right)), shape=(documents, documents))
    _, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels)
    members = np.flatnonzero(sizes[labels] > 1)
    return pa.table({"g": pa.array(members, pa.int64()), "root": pa.array(labels[members], pa.int64())})


def _rank_members(con: duckdb.DuckDBPyConnection, members: pa.Table, config: DedupConfig) -> None:
    """Create table ``ranked``: one row per member of a cluster of two or more (``members``: g and
    root), with its cluster size, survivor and reason."""
    con.register("members_arrow", members)
    con.execute("CREATE TABLE priority (source VARCHAR, priority INTEGER)")
    if config.source_priority:
        con.executemany("INSERT INTO priority VALUES (?, ?)", [[s, i] for i, s in enumerate(config.source_priority)])
    order = "coalesce(p.priority, $unlisted), d.n_chars DESC, d.id"
    con.execute(
        f"""
        CREATE TABLE ranked AS
        WITH ordered AS (
            SELECT d.id, d.source, m.root,
                   row_number() OVER (PARTITION BY m.root ORDER BY {order}) AS cluster_rank,
                   row_number() OVER (PARTITION BY m.root, d.exact_hash ORDER BY {order}) AS exact_rank,
                   count(*) OVER (PARTITION BY m.root) AS cluster_size
            FROM members_arrow m JOIN documents d USING (g) LEFT JOIN priority p USING (source)
        ),
        survivors AS (SELECT root, id AS survivor_id, source AS survivor_source_ FROM ordered WHERE cluster_rank = 1)
        SELECT o.id, o.source, o.root, o.cluster_rank = 1 AS keep, o.cluster_size::BIGINT AS cluster_size,
               CASE WHEN o.cluster_rank = 1 THEN NULL
                    WHEN o.exact_rank > 1 THEN 'exact_duplicate'
                    ELSE 'near_duplicate' END AS reason,
               CASE WHEN o.cluster_rank = 1 THEN NULL ELSE s.survivor_id END AS duplicate_of,
               CASE WHEN o.cluster_rank = 1 THEN NULL ELSE s.survivor_source_ END AS survivor_source
        FROM ordered o JOIN survivors s USING (root)
        """,
        {"unlisted": len(config.source_priority)},
    )
    con.unregister("members_arrow")


def _summarise(con: duckdb.DuckDBPyConnection, documents: int) -> DedupSummary:
    """Counts over table ``ranked``."""
    clusters, exact, near = con.execute(
        """SELECT count(DISTINCT root), count(*) FILTER (reason = 'exact_duplicate'),
                  count(*) FILTER (reason = 'near_duplicate') FROM ranked"""
    ).fetchone()
    pairs = con.execute(
        "SELECT source, survivor_source, count(*) FROM ranked WHERE NOT keep GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    return DedupSummary(
        documents=documents,
        clusters=clusters,
        removed_exact=exact,
        removed_near=near,
        removed_by_source_pair={(removed, survivor): n for removed, survivor, n in pairs},
    )


def _batches(con: duckdb.DuckDBPyConnection, query: str) -> pa.RecordBatchReader:
    """Stream the result of ``query`` as Arrow record batches."""
    return con.sql(query).to_arrow_reader(_BATCH_ROWS)
