"""seamix's curate pipeline over the corpus, one stage per measured process (as a Dagster run of
one asset), with the shipped defaults: resiliparse, lid.176.ftz + the Malay/Indonesian second
stage, per-language quality filters, exact + MinHash dedup, Gemma 3 and Qwen3 token counts.
By default ingest → extract → langid → quality run as one pass (``pass``); ``one_pass=False``
runs them one by one, as before the pass existed."""

from __future__ import annotations

from pathlib import Path

import yaml
from measure import Measured, measure

from pipelines.curate.config import CurateConfig
from pipelines.curate.run import curate_stages, run_curate_stage
from pipelines.runtime.executors import ExecutorConfig

#: The stages of the reference (and floor) each seamix stage does the work of.
COVERS = {"pass": ("ingest", "extract", "langid", "quality")}


def write_sources(files: list[Path], path: Path) -> Path:
    """A one-source registry (kind warc) listing the corpus files."""
    path.write_text(yaml.safe_dump({"sources": [{"name": "e2e", "kind": "warc", "paths": [str(f) for f in files]}]}))
    return path


def _config(sources_file: str, data_root: str, workers: int, one_pass: bool) -> CurateConfig:
    return CurateConfig(sources_file=sources_file, data_root=data_root, executor=ExecutorConfig(workers=workers),
                        one_pass=one_pass)


def bench_stages(one_pass: bool = True) -> tuple[str, ...]:
    """The stages a run goes through (each one measured process)."""
    return curate_stages(_config("", "", 1, one_pass))


def run_stage(stage: str, sources_file: str, data_root: str, workers: int, one_pass: bool) -> tuple[int, int]:
    """Run one curation stage; return (documents in, documents out)."""
    outcome = run_curate_stage(stage, _config(sources_file, data_root, workers, one_pass)).outcome
    return outcome.docs_in, outcome.docs_out


def run_seamix(sources_file: Path, data_root: Path, workers: int, cores: set[int] | None,
               one_pass: bool = True) -> dict[str, Measured]:
    """Every stage in order, each in its own process (log: ``<data_root>.log``); keyed by stage name."""
    log = f"{data_root}.log"
    return {stage: measure(run_stage, stage, str(sources_file), str(data_root), workers, one_pass, cores=cores, log=log)
            for stage in bench_stages(one_pass)}


def output_bytes(data_root: Path) -> dict[str, int]:
    """Sizes of what curation leaves under ``data_root``: the curated parts (the text parts of the
    quality folder and the tokens stage's narrow parts), drop rows, and everything else."""
    def total(pattern: str) -> int:
        return sum(p.stat().st_size for p in data_root.glob(pattern) if p.is_file())

    curated = total("curate/quality/*/part-*.parquet") + total("curate/tokens/*/part-*.parquet")
    drops = total("curate/*/*/_dropped/*.parquet")
    everything = total("**/*")
    return {"curated": curated, "drops": drops, "other": everything - curated - drops}
