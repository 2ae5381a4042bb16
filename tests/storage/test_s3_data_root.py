"""A data root on S3 (moto's server on loopback): every curation stage, pool, plan and mix write their
parts, done markers, datatrove logs, shards and manifest into the bucket and nothing into the local
working directory; the shards equal those of the same run on a local data root, the DuckDB catalog
(a local file) queries the bucket, and a re-run skips parts whose done marker is there. Two forked
local workers write the same parts to the bucket as one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto_s3 import aws_env, moto_s3_server
from scaleout_inputs import split_sample_pile

from pipelines import storage
from pipelines.curate.config import CurateConfig
from pipelines.curate.run import run_curate_stage
from pipelines.mix.spec import load_mix_spec
from pipelines.mix.stages import (
    build_pool_stage,
    mix_stage,
    plan_stage,
    report_stage,
    shard_dir,
)
from pipelines.outputs.catalog import query, refresh_catalog
from pipelines.runtime.executors import ExecutorConfig
from pipelines.storage.layout import CURATE_STAGES, DataLayout
from pipelines.storage.parquet_io import read_table

s3fs = pytest.importorskip("s3fs", reason="an s3:// data root needs s3fs (pip install s3fs)")
boto3 = pytest.importorskip("boto3", reason="the S3 test needs boto3")
pytest.importorskip("moto.server", reason="the S3 test needs moto's server mode (pip install 'moto[server]')")

BUCKET = "seamix-root"
ROOT = f"s3://{BUCKET}/runs/root"


@pytest.fixture(scope="module")
def s3_env() -> Iterator[None]:
    """moto's S3 server on 127.0.0.1 with an empty bucket; AWS variables point every client at it."""
    with moto_s3_server() as (host, port), pytest.MonkeyPatch.context() as env:
        aws_env(env, f"http://{host}:{port}")
        boto3.client("s3").create_bucket(Bucket=BUCKET)
        try:
            yield
        finally:
            s3fs.S3FileSystem.clear_instance_cache()


def _run(sources: Path, mix: Path, root: str, catalog: Path) -> dict:
    """Curate (every stage), pool, plan, mix and report into ``root``; return the manifest."""
    config = CurateConfig(sources_file=str(sources), data_root=root, tokenizers=("gemma3",))
    for stage in CURATE_STAGES:
        run_curate_stage(stage, config)
    layout = DataLayout.at(root, catalog)
    spec = load_mix_spec(mix)
    build_pool_stage(layout, str(sources), ["gemma3"])
    plan_stage(layout, spec)
    manifest = mix_stage(layout, spec, str(sources))
    report_stage(layout, spec)
    refresh_catalog(layout)
    return manifest


def _shard_rows(layout: DataLayout, manifest: dict) -> list[tuple[str, str, int]]:
    spec_dir = storage.join(layout.mix_dir(manifest["spec"]["name"]), f"seed-{manifest['seed']}")
    rows = []
    for shard in manifest["shards"]:
        table = read_table(storage.join(spec_dir, shard["file"]), columns=["id", "text", "epoch"])
        rows += list(zip(*(table.column(c).to_pylist() for c in ("id", "text", "epoch"))))
    return rows


def _write_mix(path: Path) -> Path:
    path.write_text(
        "name: s3mix\ntokenizer: gemma3\ntotal_tokens: 3000\nseed: 7\nmax_epochs: 2\nshard: {max_tokens: 800}\n"
        "rows:\n"
        "  - {id: th, language: tha_Thai, source: pile, tokens: 1500}\n"
        "  - {id: vi, language: vie_Latn, source: pile, tokens: 1500}\n",
        encoding="utf-8",
    )
    return path


def test_s3_data_root_runs_everything_in_the_bucket(s3_env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources = split_sample_pile(tmp_path / "inputs", lines_per_file=8, languages=("th", "vi"))
    mix = _write_mix(tmp_path / "mix.yaml")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)

    local_layout = DataLayout.at(tmp_path / "local", tmp_path / "local.duckdb")
    local_manifest = _run(sources, mix, str(tmp_path / "local"), tmp_path / "local.duckdb")
    layout = DataLayout.at(ROOT, tmp_path / "catalog.duckdb")
    manifest = _run(sources, mix, ROOT, tmp_path / "catalog.duckdb")

    fs = s3fs.S3FileSystem()
    keys = {key[len(f"{BUCKET}/runs/root/"):] for key in fs.find(f"{BUCKET}/runs/root")}
    for stage in CURATE_STAGES:
        for kind in ("part-00000.parquet", "_dropped/part-00000.parquet", "_stats/part-00000.json", "_fingerprint"):
            assert f"curate/{stage}/pile/{kind}" in keys, (stage, kind)
        assert any(k.startswith(f"curate/{stage}/pile/_logs/logs/task_") for k in keys), f"no datatrove logs for {stage}"
    assert "work/dedup/duplicates.parquet" in keys
    assert {"pool/pool.parquet", "mixes/s3mix/plan.parquet", "mixes/s3mix/report.parquet",
            "mixes/s3mix/seed-7/manifest.json"} <= keys
    assert {f"mixes/s3mix/seed-7/{s['file']}" for s in manifest["shards"]} <= keys
    assert len(manifest["shards"]) > 1
    assert not any(k.startswith("work/dedup/duckdb") or k.startswith("work/mix") or ".tmp" in k for k in keys)
    assert list(cwd.iterdir()) == []  # no ./data, nothing else
    assert not list(scratch.glob("seamix-*"))  # local staging files were all uploaded and removed

    # same documents, same ids, same order, byte-identical shards as with a local root
    assert manifest["shards"] == local_manifest["shards"]
    assert _shard_rows(layout, manifest) == _shard_rows(local_layout, local_manifest)
    assert json.loads(storage.read_text(storage.join(shard_dir(layout, load_mix_spec(mix)), "manifest.json"))) == manifest

    # the catalog is a local file whose views read the bucket
    assert Path(layout.duckdb_path).is_file()
    assert query(layout, "SELECT count(*) AS n FROM documents").to_pylist() == \
        query(local_layout, "SELECT count(*) AS n FROM documents").to_pylist()
    assert query(layout, "SELECT sum(tokens_gemma3) AS t FROM mix_shards").column("t")[0].as_py() == manifest["totals"]["tokens"]
    assert query(layout, "SELECT count(*) AS n FROM stage_parts WHERE stage = 'tokens'").column("n")[0].as_py() >= 2

    # resume: a part without its done marker is redone, and so is one whose file no longer matches its marker
    quality = f"{BUCKET}/runs/root/curate/quality/pile"
    intact = fs.info(f"{quality}/_stats/part-00002.json")["LastModified"]
    fs.rm_file(f"{quality}/part-00001.parquet")
    fs.rm_file(f"{quality}/_stats/part-00000.json")
    config = CurateConfig(sources_file=str(sources), data_root=ROOT, tokenizers=("gemma3",))
    outcome = run_curate_stage("quality", config).outcome
    assert fs.exists(f"{quality}/_stats/part-00000.json")
    assert fs.exists(f"{quality}/part-00001.parquet")
    assert fs.info(f"{quality}/_stats/part-00002.json")["LastModified"] == intact
    assert outcome.docs_in == sum(json.loads(storage.read_text(p))["docs_in"]
                                  for p in storage.glob(f"s3://{quality}/_stats/part-*.json"))


def test_remote_root_catalog_defaults_to_a_local_cache_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SEAMIX_CACHE", str(tmp_path / "cache"))
    remote = DataLayout.at("s3://bucket/prefix/")
    assert remote.root == "s3://bucket/prefix"
    assert remote.stage_dir("ingest") == "s3://bucket/prefix/curate/ingest"
    assert Path(remote.duckdb_path).parent == tmp_path / "cache" / "catalogs"
    assert remote.duckdb_path != DataLayout.at("s3://bucket/other").duckdb_path
    assert DataLayout.at(f"file://{tmp_path}").duckdb_path == str(tmp_path / "seamix.duckdb")


def test_two_forked_workers_write_the_same_parts_to_the_bucket(s3_env, tmp_path: Path) -> None:
    """The workers are forked after this process has used s3fs (its event-loop thread included)."""
    sources = split_sample_pile(tmp_path / "inputs", lines_per_file=8, languages=("th", "vi"))
    fs = s3fs.S3FileSystem()
    parts = {}
    for workers in (1, 2):
        root = f"{BUCKET}/runs/workers-{workers}"
        config = CurateConfig(sources_file=str(sources), data_root=f"s3://{root}", tokenizers=("gemma3",),
                              executor=ExecutorConfig(workers=workers))
        for stage in CURATE_STAGES:
            run_curate_stage(stage, config)
        keys = [k for k in fs.find(f"{root}/curate") if k.endswith(".parquet")]
        parts[workers] = {k[len(root):]: fs.cat_file(k) for k in keys}
        logs = {k.rsplit("/", 1)[-1] for k in fs.find(f"{root}/curate/tokens/pile/_logs/logs")}
    assert len(parts[1]) > 2 * len(CURATE_STAGES)
    assert parts[2] == parts[1]
    assert logs == {"task_00000.log", "task_00001.log"}, "the last run used two workers"
