"""Pool → plan → mix → report: the datamix steps over curated documents and a mix spec."""

from __future__ import annotations

import json

import pyarrow as pa

from pipelines import storage
from pipelines.curate.curated import curated_parts, text_parts
from pipelines.ingest.config import load_sources
from pipelines.mix.manifest import achieved_vs_target
from pipelines.mix.plan import plan_mix
from pipelines.mix.pool import build_pool
from pipelines.mix.sample import sample_mix
from pipelines.mix.spec import MixSpec
from pipelines.storage.layout import DataLayout, StageOrderError
from pipelines.storage.parquet_io import read_table, write_table_atomic


def source_to_mix(sources_file: str) -> dict[str, str]:
    """Registry name → the label mix rows use, for every configured source."""
    return {s.name: s.mix_source for s in load_sources(sources_file)}


def build_pool_stage(layout: DataLayout, sources_file: str, tokenizers: list[str]) -> pa.Table:
    """Inventory the curated documents and write ``pool/pool.parquet``."""
    pool = build_pool(curated_parts(layout), source_to_mix(sources_file), tokenizers)
    write_table_atomic(pool, layout.pool_path)
    return pool


def plan_stage(layout: DataLayout, spec: MixSpec) -> pa.Table:
    """Plan ``spec`` against the pool and write ``mixes/<name>/plan.parquet``.

    Raises InfeasiblePlanError (with the per-row report) when the pool cannot satisfy it."""
    pool = read_table(_required(layout.pool_path, "pool"))
    plan = plan_mix(spec, pool)
    write_table_atomic(plan, layout.mix_plan(spec.name))
    return plan


def shard_dir(layout: DataLayout, spec: MixSpec) -> str:
    """Folder of the shards of one mix run: ``mixes/<name>/seed-<seed>``."""
    return layout.mix_shards(spec.name, spec.seed)


def mix_stage(layout: DataLayout, spec: MixSpec, sources_file: str) -> dict:
    """Sample the planned mix into shards + manifest.json; return the manifest. DuckDB spills to
    ``work/mix/<name>`` under a local data root, to a temporary local folder under a remote one."""
    plan = read_table(_required(layout.mix_plan(spec.name), "plan"))
    with storage.scratch_dir(layout.mix_scratch(spec.name)) as work_dir:
        documents = curated_parts(layout)
        return sample_mix(spec, plan, documents, source_to_mix(sources_file), shard_dir(layout, spec), work_dir,
                          text_paths=text_parts(layout, documents))


def report_stage(layout: DataLayout, spec: MixSpec) -> pa.Table:
    """Target vs achieved per mix row from the manifest; written to ``mixes/<name>/report.parquet``."""
    manifest = json.loads(storage.read_text(_required(storage.join(shard_dir(layout, spec), "manifest.json"), "mix")))
    report = pa.Table.from_pylist(achieved_vs_target(manifest))
    report = report.append_column("mix", pa.array([spec.name] * report.num_rows, pa.string()))
    write_table_atomic(report, layout.mix_report(spec.name))
    return report


def _required(path: str, stage: str) -> str:
    """``path`` when the file is there; StageOrderError saying which stage writes it otherwise."""
    if not storage.isfile(path):
        raise StageOrderError(f"{path} does not exist yet; run the {stage} step first (seamix {stage})")
    return path
