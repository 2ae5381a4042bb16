"""A Dagster run checks every config file before its first asset computes, as `seamix run` does."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import yaml

from assets.curate_assets import curate_assets
from assets.resources import SeamixSettings

PROJECT = Path(__file__).resolve().parents[2]


def test_a_bad_mix_spec_fails_the_run_before_any_stage(tmp_path):
    spec = yaml.safe_load((PROJECT / "mixes" / "demo.yaml").read_text())
    spec["name"] = "../outside"
    mix = tmp_path / "mix.yaml"
    mix.write_text(yaml.safe_dump(spec, sort_keys=False))
    data = tmp_path / "data"
    settings = SeamixSettings(data_root=str(data), mix_file=str(mix), sources_file=str(PROJECT / "sources" / "demo.yaml"))
    dedup = next(asset for asset in curate_assets if dg.AssetKey("deduplicated_documents") in asset.keys)
    result = dg.materialize([dedup], resources={"seamix": settings}, raise_on_error=False)
    assert not result.success
    failure = next(event for event in result.all_events if event.is_failure)
    assert f"{mix}: field 'name': '../outside' is not a valid name" in str(failure.event_specific_data.error)
    assert not data.exists(), "a stage wrote before the configs were checked"


def test_cli_and_resource_build_the_same_curate_config(tmp_path):
    from pipelines.cli import _curate_config, _parser

    executor = tmp_path / "executor.yaml"
    executor.write_text("kind: local\nworkers: 3\nstart_method: spawn\n")
    args = _parser().parse_args([
        "curate", "--sources", "s.yaml", "--data-root", str(tmp_path), "--tokenizers", "gemma3", "--mask-pii",
        "--keep-dropped-text", "--extractor", "trafilatura", "--dedup-priority", "a,b", "--workers", "2",
        "--executor-config", str(executor), "--quality-config", "q.yaml",
    ])
    settings = SeamixSettings(
        sources_file="s.yaml", data_root=str(tmp_path), tokenizers=["gemma3"], mask_pii=True, keep_dropped_text=True,
        extractor="trafilatura", dedup_source_priority=["a", "b"], workers=2, executor_config=str(executor),
        quality_config="q.yaml",
    )
    config = settings.curate_config()
    assert config == _curate_config(args)
    assert (config.executor.workers, config.executor.start_method, config.dedup.source_priority) == (2, "spawn", ("a", "b"))
