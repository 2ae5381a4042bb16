"""Where everything lives under the data root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Curation stages in order; each one reads the previous one's parts.
CURATE_STAGES = ("ingest", "extract", "langid", "quality", "dedup", "tokens")


@dataclass(frozen=True)
class DataLayout:
    """Paths under one data root (default ``./data``)."""

    root: Path

    @classmethod
    def at(cls, root: str | Path) -> "DataLayout":
        """Layout rooted at ``root`` (made absolute)."""
        return cls(Path(root).expanduser().resolve())

    def stage_dir(self, stage: str) -> Path:
        """Folder of a curation stage: ``curate/<stage>/<source>/part-*.parquet``."""
        return self.root / "curate" / stage

    @property
    def curated_dir(self) -> Path:
        """Final curated documents (the last stage's output)."""
        return self.stage_dir(CURATE_STAGES[-1])

    @property
    def dedup_work_dir(self) -> Path:
        """Signatures, duplicate table and DuckDB spill files of the dedup stage."""
        return self.root / "work" / "dedup"

    @property
    def cc_index_dir(self) -> Path:
        """Dry runs of the cc-index sources: ``cc-index/<source>/dry_run.parquet``."""
        return self.root / "cc-index"

    @property
    def pool_path(self) -> Path:
        """Pool inventory: docs, bytes, tokens per language x source."""
        return self.root / "pool" / "pool.parquet"

    def mix_dir(self, mix: str) -> Path:
        """Plan, shards, manifest and report of one mix."""
        return self.root / "mixes" / mix

    @property
    def duckdb_path(self) -> Path:
        """The DuckDB catalog with views over all of the above."""
        return self.root / "seamix.duckdb"
