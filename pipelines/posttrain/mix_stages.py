"""Pool → plan → mix → report for post-training conversations, mirroring pipelines.mix.stages.

Everything of one mix lives under ``<root>/posttrain/mixes/<name>/``: pool.parquet, plan.parquet,
report.parquet and ``seed-<seed>/`` with the shards and manifest.json. The planner is the text
mix's (pipelines.mix.plan.plan_mix) with cells language x category x mix_source.
"""

from __future__ import annotations

import json

import pyarrow as pa

from pipelines import storage
from pipelines.mix.manifest import MANIFEST_NAME, RELATIVE_TOLERANCE, write_manifest
from pipelines.mix.plan import plan_mix
from pipelines.posttrain.pool import build_posttrain_pool
from pipelines.posttrain.sample import sample_posttrain
from pipelines.posttrain.sources import load_chat_sources
from pipelines.posttrain.spec import DIMENSIONS, PosttrainSpec
from pipelines.posttrain.tokens_task import STAGE as TOKENS_STAGE
from pipelines.storage.layout import DataLayout
from pipelines.storage.parquet_io import parquet_parts, read_table, write_table_atomic


def source_to_mix(sources_file: str) -> dict[str, str]:
    """Chat source name → the label mix rows use."""
    return {s.name: s.config.mix_source for s in load_chat_sources(sources_file)}


def posttrain_mix_dir(layout: DataLayout, spec: PosttrainSpec) -> str:
    """``posttrain/mixes/<name>``: pool, plan and report of one post-training mix."""
    return layout.path("posttrain", "mixes", spec.name)


def shard_dir(layout: DataLayout, spec: PosttrainSpec) -> str:
    """``posttrain/mixes/<name>/seed-<seed>``: the shards and manifest of one sample."""
    return storage.join(posttrain_mix_dir(layout, spec), f"seed-{spec.seed}")


def token_parts(layout: DataLayout) -> list[str]:
    """Parts of the post-training tokens stage (curated conversations with template token counts)."""
    parts = parquet_parts(layout.posttrain_dir(TOKENS_STAGE))
    if not parts:
        raise RuntimeError(f"no token-counted conversations under {layout.posttrain_dir(TOKENS_STAGE)}; "
                           "run `seamix posttrain curate` first")
    return parts


def pool_stage(layout: DataLayout, spec: PosttrainSpec, sources_file: str) -> pa.Table:
    """Inventory the token-counted conversations for ``spec`` and write its pool.parquet."""
    pool = build_posttrain_pool(token_parts(layout), source_to_mix(sources_file), spec)
    pool = pool.append_column("mix", pa.array([spec.name] * pool.num_rows, pa.string()))
    write_table_atomic(pool, storage.join(posttrain_mix_dir(layout, spec), "pool.parquet"))
    return pool


def plan_stage(layout: DataLayout, spec: PosttrainSpec) -> pa.Table:
    """Plan ``spec`` against its pool (largest remainder, max epochs) and write plan.parquet;
    an infeasible plan raises InfeasiblePlanError listing every short cell."""
    pool = read_table(storage.join(posttrain_mix_dir(layout, spec), "pool.parquet"))
    plan = plan_mix(spec, pool, dimensions=DIMENSIONS)
    plan = plan.append_column("mix", pa.array([spec.name] * plan.num_rows, pa.string()))
    write_table_atomic(plan, storage.join(posttrain_mix_dir(layout, spec), "plan.parquet"))
    return plan


def mix_stage(layout: DataLayout, spec: PosttrainSpec, sources_file: str) -> dict:
    """Sample the planned mix into shards + manifest.json; return the manifest."""
    plan = read_table(storage.join(posttrain_mix_dir(layout, spec), "plan.parquet"))
    out = shard_dir(layout, spec)
    with storage.scratch_dir(layout.path("work", "posttrain-mix", spec.name)) as work_dir:
        cells, shards = sample_posttrain(spec, plan, token_parts(layout), source_to_mix(sources_file), out, work_dir)
    manifest = build_manifest(spec, cells, shards)
    write_manifest(out, manifest)
    return manifest


def build_manifest(spec: PosttrainSpec, cells: list[dict], shards: list[dict]) -> dict:
    """What was sampled, per cell, row and shard, with totals; no timestamps (same sample, same bytes)."""
    rows: dict[str, dict] = {}
    for cell in cells:
        row = rows.setdefault(cell["row_id"], {"row_id": cell["row_id"], "group": cell["group"], "target": 0,
                                               "achieved": 0, "conversations": 0, "repetitions": 0})
        for key in ("target", "achieved", "conversations", "repetitions"):
            row[key] += cell[key]
    return {
        "spec": {"name": spec.name, "sha256": spec.sha256, "unit": spec.unit, "total": spec.total,
                 "max_epochs": spec.max_epochs, "max_length": spec.max_length, "shard": spec.shard.model_dump()},
        "seed": spec.seed,
        "tokenizer": spec.tokenizer,
        "cells": cells,
        "rows": list(rows.values()),
        "shards": shards,
        "totals": {
            "shards": len(shards),
            "conversations": sum(s["rows"] for s in shards),
            "tokens": sum(s["tokens"] for s in shards),
            "trainable_tokens": sum(s["trainable_tokens"] for s in shards),
            "bytes": sum(s["bytes"] for s in shards),
            "target": sum(c["target"] for c in cells),
            "achieved": sum(c["achieved"] for c in cells),
        },
    }


def report_stage(layout: DataLayout, spec: PosttrainSpec) -> pa.Table:
    """Target vs achieved per cell from the manifest (within max(0.1% of the target, the cell's
    largest conversation)); written to report.parquet."""
    manifest = json.loads(storage.read_text(storage.join(shard_dir(layout, spec), MANIFEST_NAME)))
    records = []
    for cell in manifest["cells"]:
        target, achieved = cell["target"], cell["achieved"]
        slack = max(RELATIVE_TOLERANCE * target, cell["max_unit"])
        records.append({
            "mix": spec.name, "row_id": cell["row_id"], "language": cell["language"], "category": cell["category"],
            "mix_source": cell["mix_source"], "unit": spec.unit, "target": target, "achieved": achieved,
            "conversations": cell["conversations"], "repetitions": cell["repetitions"],
            "deviation": (achieved - target) / target if target else 0.0,
            "within_tolerance": abs(achieved - target) <= slack,
        })
    report = pa.Table.from_pylist(records)
    write_table_atomic(report, storage.join(posttrain_mix_dir(layout, spec), "report.parquet"))
    return report
