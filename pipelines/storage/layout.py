"""Where everything lives under the data root (a local folder or any fsspec URL, e.g. ``s3://bucket/prefix``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pipelines import storage
from pipelines.config_file import check_identifier

#: Curation stages in order; each reads the previous one's parts, except tokens (and decontam), which read the
#: quality stage's text and the ids dedup kept; the pass (pipelines/curate/one_pass.py) runs the first four as one.
CURATE_STAGES = ("ingest", "extract", "langid", "quality", "dedup", "tokens")
#: Post-training curation stages in order (pipelines/posttrain/curate.py).
POSTTRAIN_STAGES = ("ingest", "checks", "dedup")


class StageOrderError(RuntimeError):
    """A stage's inputs are not under the data root: the stage before it has not run there."""


@dataclass(frozen=True)
class StageFolder:
    """One stage's folder for one source and every file in it: ``<part>.parquet`` (kept documents),
    ``_dropped/`` and ``_dropped_text/`` (drops), ``_stats/<part>.json`` (done markers), ``_logs/``
    (datatrove's) and ``_fingerprint`` (what the folder was built from)."""

    path: str

    @property
    def source(self) -> str:
        """The source the folder belongs to (its name)."""
        return storage.name(self.path)

    def part(self, part: str) -> str:
        """Kept documents of ``part``."""
        return storage.join(self.path, f"{part}.parquet")

    def dropped(self, part: str) -> str:
        """Drop rows (DROP_SCHEMA) of ``part``."""
        return storage.join(self.path, "_dropped", f"{part}.parquet")

    def dropped_text(self, part: str) -> str:
        """Id and text of the documents ``part`` dropped (kept only when asked)."""
        return storage.join(self.path, "_dropped_text", f"{part}.parquet")

    @property
    def stats_dir(self) -> str:
        """Folder of the parts' done markers."""
        return storage.join(self.path, "_stats")

    def stats(self, part: str) -> str:
        """Done marker and counts of ``part``; written last."""
        return storage.join(self.stats_dir, f"{part}.json")

    @property
    def logs(self) -> str:
        """datatrove's logging folder for the stage's tasks."""
        return storage.join(self.path, "_logs")

    @property
    def fingerprint(self) -> str:
        """What the folder was built from; a different one wipes it."""
        return storage.join(self.path, "_fingerprint")

    @property
    def recorded_fingerprint(self) -> str:
        """The fingerprint the folder was built from ('' when it has none yet)."""
        return storage.read_text(self.fingerprint).strip() if storage.isfile(self.fingerprint) else ""

    @property
    def is_built(self) -> bool:
        """True once a stage run has started this folder (its fingerprint exists)."""
        return storage.isfile(self.fingerprint)


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

    def stage_folder(self, stage: str, source: str) -> StageFolder:
        """Folder of ``stage`` for ``source``: ``curate/<stage>/<source>/``."""
        return StageFolder(storage.join(self.stage_dir(stage), source))

    def input_folder(self, stage: str, source: str) -> StageFolder:
        """The folder ``stage`` reads for ``source``: the previous curation stage's (not for ingest)."""
        index = CURATE_STAGES.index(stage)
        if index == 0:
            raise ValueError("ingest reads the source files, not a stage folder")
        return self.stage_folder(CURATE_STAGES[index - 1], source)

    def stage_folders(self, stage: str) -> list[StageFolder]:
        """The source folders ``stage`` has written so far."""
        return [StageFolder(path) for path in storage.subfolders(self.stage_dir(stage))
                if not storage.name(path).startswith("_")]

    @property
    def curated_dir(self) -> str:
        """Final curated documents (the last stage's output)."""
        return self.stage_dir(CURATE_STAGES[-1])

    @property
    def dedup_work_dir(self) -> str:
        """Signatures and duplicate table of the dedup stage (and its DuckDB files when the root is local)."""
        return self.path("work", "dedup")

    def dedup_signatures(self, source: str) -> str:
        """Signature parts of one source (dedup phase 1)."""
        return storage.join(self.dedup_work_dir, "signatures", source)

    @property
    def dedup_duplicates(self) -> str:
        """The duplicate table over all sources (dedup phase 2)."""
        return storage.join(self.dedup_work_dir, "duplicates.parquet")

    @property
    def dedup_scratch(self) -> str:
        """DuckDB's database and spill files of dedup phase 2 (used when the root is local)."""
        return storage.join(self.dedup_work_dir, "duckdb")

    def posttrain_dir(self, stage: str) -> str:
        """Folder of a post-training stage: ``posttrain/<stage>/<source>/part-*.parquet``."""
        return self.path("posttrain", stage)

    def posttrain_folder(self, stage: str, source: str) -> StageFolder:
        """Folder of a post-training stage for ``source``: ``posttrain/<stage>/<source>/``."""
        return StageFolder(storage.join(self.posttrain_dir(stage), source))

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
        """Plan, shards, manifest and report of one mix (``mix`` must be an identifier, never a path)."""
        return self.path("mixes", check_identifier(mix))

    def mix_plan(self, mix: str) -> str:
        """The plan of one mix."""
        return storage.join(self.mix_dir(mix), "plan.parquet")

    def mix_report(self, mix: str) -> str:
        """Target vs achieved of one mix."""
        return storage.join(self.mix_dir(mix), "report.parquet")

    def mix_shards(self, mix: str, seed: int) -> str:
        """Shards and manifest of one mix run: ``mixes/<name>/seed-<seed>``."""
        return storage.join(self.mix_dir(mix), f"seed-{seed}")

    def mix_scratch(self, mix: str) -> str:
        """DuckDB spill of the mix's sampling (used when the root is local)."""
        return self.path("work", "mix", mix)

    @property
    def duckdb_path(self) -> str:
        """The local DuckDB catalog with views over all of the above."""
        if self.catalog:
            return self.catalog
        if not self.is_remote:
            return self.path("seamix.duckdb")
        digest = hashlib.sha256(self.root.encode()).hexdigest()[:16]
        return str(storage.cache_dir() / "catalogs" / f"{digest}.duckdb")
