"""Where everything lives under the data root (a local folder or any fsspec URL, e.g. ``s3://bucket/prefix``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pipelines import storage

#: Curation stages in order; each one reads the previous one's parts.
CURATE_STAGES = ("ingest", "extract", "langid", "quality", "dedup", "tokens")
#: Post-training curation stages in order (pipelines/posttrain/curate.py).
POSTTRAIN_STAGES = ("ingest", "checks", "dedup")


@dataclass(frozen=True)
class DataLayout:
    """Paths under one data root (default ``./data``), as strings (local paths or URLs).

    ``catalog`` is the local DuckDB file; by default ``<root>/seamix.duckdb`` for a local root and
    ``$SEAMIX_CACHE/catalogs/<sha256 of the root URL, 16 hex>.duckdb`` for a remote one (DuckDB
    cannot open a database file on an object store)."""

    root: str
    catalog: str | None = None

    @classmethod
    def at(cls, root: str | Path, catalog: str | Path | None = None) -> "DataLayout":
        """Layout rooted at ``root`` (local paths made absolute; URLs kept)."""
        return cls(storage.normalize_root(root), str(Path(catalog).expanduser().resolve()) if catalog else None)

    @property
    def is_remote(self) -> bool:
        """True when the data root is a URL (object store) rather than a local folder."""
        return storage.is_remote(self.root)

    def path(self, *names: str) -> str:
        """``root/names...``."""
        return storage.join(self.root, *names)

    def stage_dir(self, stage: str) -> str:
        """Folder of a curation stage: ``curate/<stage>/<source>/part-*.parquet``."""
        return self.path("curate", stage)

    @property
    def curated_dir(self) -> str:
        """Final curated documents (the last stage's output)."""
        return self.stage_dir(CURATE_STAGES[-1])

    @property
    def dedup_work_dir(self) -> str:
        """Signatures and duplicate table of the dedup stage (and its DuckDB files when the root is local)."""
        return self.path("work", "dedup")

    def posttrain_dir(self, stage: str) -> str:
        """Folder of a post-training stage: ``posttrain/<stage>/<source>/part-*.parquet``."""
        return self.path("posttrain", stage)

    @property
    def posttrain_curated_dir(self) -> str:
        """Final curated conversations (the last post-training stage's output)."""
        return self.posttrain_dir(POSTTRAIN_STAGES[-1])

    @property
    def posttrain_dedup_work_dir(self) -> str:
        """User-turn tables, signatures and duplicate table of the post-training dedup."""
        return self.path("work", "posttrain-dedup")

    @property
    def cc_index_dir(self) -> str:
        """Dry runs of the cc-index sources: ``cc-index/<source>/dry_run.parquet``."""
        return self.path("cc-index")

    @property
    def pool_path(self) -> str:
        """Pool inventory: docs, bytes, tokens per language x source."""
        return self.path("pool", "pool.parquet")

    def mix_dir(self, mix: str) -> str:
        """Plan, shards, manifest and report of one mix."""
        return self.path("mixes", mix)

    @property
    def duckdb_path(self) -> str:
        """The local DuckDB catalog with views over all of the above."""
        if self.catalog:
            return self.catalog
        if not self.is_remote:
            return self.path("seamix.duckdb")
        from pipelines.tokens.registry import cache_dir

        digest = hashlib.sha256(self.root.encode()).hexdigest()[:16]
        return str(cache_dir() / "catalogs" / f"{digest}.duckdb")
