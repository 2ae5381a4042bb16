"""seamix's curate pipeline over the corpus, one stage per measured process (as a Dagster run of
one asset), with the shipped defaults: resiliparse, lid.176.ftz + the Malay/Indonesian second
stage, per-language quality filters, exact + MinHash dedup, Gemma 3 and Qwen3 token counts."""

from __future__ import annotations

from pathlib import Path

import yaml
from measure import Measured, measure

from pipelines.curate.config import CurateConfig
from pipelines.curate.run import run_curate_stage
from pipelines.runtime.executors import ExecutorConfig
from pipelines.storage.layout import CURATE_STAGES


def write_sources(files: list[Path], path: Path) -> Path:
    """A one-source registry (kind warc) listing the corpus files."""
    path.write_text(yaml.safe_dump({"sources": [{"name": "e2e", "kind": "warc", "paths": [str(f) for f in files]}]}))
    return path


def run_stage(stage: str, sources_file: str, data_root: str, workers: int) -> tuple[int, int]:
    """Run one curation stage; return (documents in, documents out)."""
    config = CurateConfig(sources_file=sources_file, data_root=data_root, executor=ExecutorConfig(workers=workers))
    outcome = run_curate_stage(stage, config).outcome
    return outcome.docs_in, outcome.docs_out


def run_seamix(sources_file: Path, data_root: Path, workers: int, cores: set[int] | None) -> dict[str, Measured]:
    """Every stage in order, each in its own process (log: ``<data_root>.log``); keyed by stage name."""
    log = f"{data_root}.log"
    return {stage: measure(run_stage, stage, str(sources_file), str(data_root), workers, cores=cores, log=log)
            for stage in CURATE_STAGES}
