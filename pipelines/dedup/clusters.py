"""Phase 2 of dedup: duplicate clusters across all signature files, out of core.

DuckDB (an on-disk database and spill directory in the local ``work_dir``, ``memory_limit`` from
the config) reads every signature file (local or fsspec URLs) and numbers the documents by id. Edges, always
within one language:

* exact: documents sharing ``exact_hash`` are linked to the group's first document;
* near: among exact-group representatives that have a signature, documents sharing a
  band value (same language, same band index) are linked to the group's first document,
  and each such candidate pair is *verified*: it is kept only when the fraction of equal
  MinHash values (estimated Jaccard) is at least ``config.threshold()``. Verification
  removes the false merges of LSH (random band collisions and pairs well below the
  threshold) at the price of reading both signatures of every candidate pair.

Clusters are the connected components of the edges (a Python union-find over integer
indices: the only state that grows with the input). In each cluster the survivor is the
first document by ``config.source_priority`` (unlisted sources last), then larger
``n_chars``, then smaller id. Every other member is removed: ``exact_duplicate`` when a
better member of its cluster has the same normalised text, else ``near_duplicate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from pipelines import storage
from pipelines.dedup.config import DedupConfig
from pipelines.dedup.signatures import band_column, signature_schema
from pipelines.dedup.union_find import UnionFind
from pipelines.storage.parquet_io import read_schema

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


def find_duplicates(signature_paths: list[str], out_path: str, config: DedupConfig, work_dir: str) -> DedupSummary:
    """Cluster the documents of ``signature_paths`` (written by write_signatures with the
    same ``config``) and write one DUPLICATES_SCHEMA row per document of a cluster of two
    or more to ``out_path`` (local or URL, written atomically); documents absent from it are
    singletons. ``work_dir`` must be local."""
    if not signature_paths:
        raise ValueError("find_duplicates: no signature files given")
    for path in signature_paths:
        _check_signature_file(path, config)
    work = Path(work_dir)
    work.mkdir(parents=True, exist_ok=True)
    db_path, spill_dir = work / "dedup.duckdb", work / "duckdb_spill"
    storage.remove(str(db_path), inside=str(work))
    con = duckdb.connect(
        str(db_path),
        config={"memory_limit": config.memory_limit, "temp_directory": str(spill_dir), "preserve_insertion_order": False},
    )
    try:
        storage.register_duckdb(con, *signature_paths)
        documents = _load_documents(con, signature_paths)
        union_find = UnionFind(documents)
        _union_exact_duplicates(con, union_find)
        _union_verified_candidates(con, union_find, config)
        _rank_members(con, union_find, config)
        with storage.AtomicFile(out_path) as out:
            con.execute(
                f"COPY (SELECT {', '.join(DUPLICATES_SCHEMA.names)} FROM ranked ORDER BY id) TO ? (FORMAT parquet)",
                [out.local],
            )
        return _summarise(con, documents)
    finally:
        con.close()
        storage.remove(str(db_path), inside=str(work))
        storage.remove(f"{db_path}.wal", inside=str(work))
        storage.remove_tree(str(spill_dir), inside=str(work))


def _check_signature_file(path: str, config: DedupConfig) -> None:
    """Raise ValueError when ``path`` was not written by write_signatures with ``config``."""
    expected, found = signature_schema(config), read_schema(path)
    if not found.remove_metadata().equals(expected):
        raise ValueError(
            f"{path}: not a signature file for this DedupConfig (num_perm={config.num_perm}, "
            f"bands={config.bands}); expected columns {expected.names}, found {found.names}"
        )


def _load_documents(con: duckdb.DuckDBPyConnection, signature_paths: list[str]) -> int:
    """Create table ``docs`` (signature columns plus ``idx``, dense by id); return its row count."""
    con.execute(
        "CREATE TABLE docs AS SELECT (row_number() OVER (ORDER BY id) - 1)::BIGINT AS idx, * FROM read_parquet(?)",
        [list(signature_paths)],
    )
    duplicate = con.execute("SELECT id FROM docs GROUP BY id HAVING count(*) > 1 ORDER BY id LIMIT 1").fetchone()
    if duplicate:
        raise ValueError(f"document id {duplicate[0]!r} occurs more than once across {len(signature_paths)} signature files")
    return con.execute("SELECT count(*) FROM docs").fetchone()[0]


def _union_exact_duplicates(con: duckdb.DuckDBPyConnection, union_find: UnionFind) -> None:
    """Link every document to the first document with the same language and exact hash."""
    con.execute(
        """
        CREATE TABLE exact_edges AS
        SELECT d.idx, g.first_idx FROM docs d
        JOIN (SELECT language, exact_hash, min(idx) AS first_idx FROM docs GROUP BY ALL HAVING count(*) > 1) g
          USING (language, exact_hash)
        WHERE d.idx <> g.first_idx
        """
    )
    for batch in _batches(con, "SELECT idx, first_idx FROM exact_edges"):
        union_find.union_pairs(batch.column(0).to_numpy(), batch.column(1).to_numpy())


def _union_verified_candidates(con: duckdb.DuckDBPyConnection, union_find: UnionFind, config: DedupConfig) -> None:
    """Link LSH candidate pairs whose estimated Jaccard reaches config.threshold()."""
    band_columns = ", ".join(band_column(i) for i in range(config.bands))
    con.execute(
        f"""
        CREATE TABLE reps AS SELECT idx, language, {band_columns} FROM docs
        WHERE signature IS NOT NULL AND idx NOT IN (SELECT idx FROM exact_edges)
        """
    )
    per_band = [
        f"""SELECT g.first_idx AS a, r.idx AS b FROM reps r
            JOIN (SELECT language, {band} AS value, min(idx) AS first_idx FROM reps
                  WHERE {band} IS NOT NULL GROUP BY ALL HAVING count(*) > 1) g
              ON r.language = g.language AND r.{band} = g.value
            WHERE r.idx <> g.first_idx"""
        for band in (band_column(i) for i in range(config.bands))
    ]
    con.execute(f"CREATE TABLE candidates AS SELECT DISTINCT a, b FROM ({' UNION ALL '.join(per_band)})")
    threshold = config.threshold()
    query = """
        SELECT c.a, c.b, da.signature AS sig_a, db.signature AS sig_b FROM candidates c
        JOIN docs da ON da.idx = c.a JOIN docs db ON db.idx = c.b
    """
    for batch in _batches(con, query):
        sig_a = _signature_matrix(batch.column(2), config.num_perm)
        sig_b = _signature_matrix(batch.column(3), config.num_perm)
        verified = (sig_a == sig_b).mean(axis=1) >= threshold
        union_find.union_pairs(batch.column(0).to_numpy()[verified], batch.column(1).to_numpy()[verified])


def _signature_matrix(column: pa.Array, num_perm: int) -> np.ndarray:
    """(rows, num_perm) uint32 matrix of a fixed-size-list signature column without nulls."""
    return column.flatten().to_numpy().reshape(-1, num_perm)


def _rank_members(con: duckdb.DuckDBPyConnection, union_find: UnionFind, config: DedupConfig) -> None:
    """Create table ``ranked``: one row per member of a cluster of two or more, with its
    cluster size, survivor and reason."""
    index, root = union_find.members()
    members = pa.table({"idx": pa.array(index, pa.int64()), "root": pa.array(root, pa.int64())})
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
            FROM members_arrow m JOIN docs d USING (idx) LEFT JOIN priority p USING (source)
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
