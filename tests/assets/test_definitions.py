"""The code location loads, its assets carry kinds/owners/code references in pipeline order, and
partitions follow the sources file a run uses (a run config naming another file works)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster._core.run_coordinator import DefaultRunCoordinator, QueuedRunCoordinator

from assets.checks import CHECKS
from assets.definitions import defs
from assets.jobs import curate_and_mix_job
from assets.partitions import (
    mix_partitions,
    partitions_in_step,
    source_partitions,
    sync_partitions,
)
from assets.resources import PROJECT_ROOT, SeamixSettings
from assets.stages import STAGES


def _jsonl_source(tmp_path: Path, name: str = "corpus") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"text": "hello"}\n{"text": "world"}\n')
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - {{name: {name}, kind: jsonl, paths: ['{folder}/*.jsonl'], language: en}}\n")
    return sources


def test_definitions_load_with_every_asset_check_and_job():
    repo = defs.get_repository_def()
    repo.load_all_definitions()
    keys = {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()}
    assert {stage.asset for stage in STAGES} | {"decontaminated_documents", "mix_exports", "posttrain_shards"} <= keys
    assert {c.name for c in CHECKS} <= {k.name for a in defs.asset_checks for k in a.check_keys}
    assert repo.get_job("curate_and_mix").name == curate_and_mix_job.name


def test_assets_carry_kinds_owners_descriptions_and_code_references():
    specs = {spec.key.path[-1]: spec for a in defs.assets for spec in a.specs}
    for stage in STAGES:
        spec = specs[stage.asset]
        assert set(spec.kinds) == set(stage.kinds) <= {"parquet", "duckdb", "python"}
        assert spec.owners and spec.description and "`" not in spec.description
        references = spec.metadata["dagster/code_references"].code_references
        assert Path(references[0].file_path).is_file() and references[0].line_number > 0


def test_groups_sort_in_pipeline_order():
    groups = [stage.group for stage in STAGES]
    assert groups == sorted(groups) and len(set(groups)) == len(groups)


def test_checks_are_partitioned_like_their_asset():
    by_asset = {stage.asset: stage.partitions_def for stage in STAGES}
    for checks_def in defs.asset_checks:
        for spec in checks_def.check_specs:
            assert checks_def.partitions_def == by_asset.get(spec.asset_key.path[-1])  # others are unpartitioned


def test_partitions_follow_the_files_the_settings_name(tmp_path):
    settings = SeamixSettings(sources_file=str(_jsonl_source(tmp_path)), data_root=str(tmp_path / "data"))
    with dg.instance_for_test() as instance:
        assert sync_partitions(instance, settings)[source_partitions.name] == ["corpus"]
        assert set(instance.get_dynamic_partitions(mix_partitions.name)) == {
            p.stem for p in (PROJECT_ROOT / "mixes").glob("*.yaml")
        }
        assert sync_partitions(instance, settings) == {}  # in step: nothing added twice
        tick = partitions_in_step(dg.build_sensor_context(instance=instance, resources={"seamix": settings}))
        assert tick.skip_reason and not tick.dynamic_partitions_requests


def test_sensor_requests_partitions_for_new_sources(tmp_path):
    settings = SeamixSettings(sources_file=str(_jsonl_source(tmp_path, "fresh")), data_root=str(tmp_path / "data"))
    with dg.instance_for_test() as instance:
        tick = partitions_in_step(dg.build_sensor_context(instance=instance, resources={"seamix": settings}))
    added = {r.partitions_def_name: list(r.partition_keys) for r in tick.dynamic_partitions_requests}
    assert added[source_partitions.name] == ["fresh"]


def test_a_run_config_with_another_sources_file_records_its_own_partitions(tmp_path):
    sources = _jsonl_source(tmp_path)
    run_config = {"resources": {"seamix": {"config": {"sources_file": str(sources), "data_root": str(tmp_path / "data")}}}}
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("curate_and_mix").execute_in_process(
            run_config=run_config, instance=instance, op_selection=["sync_partitions_op", "run_pass"]
        )
        assert result.success
        assert "corpus" in instance.get_dynamic_partitions(source_partitions.name)
        record = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey("ingested_documents"), asset_partitions=["corpus"]), limit=1
        ).records[0]
    assert record.asset_materialization.metadata["docs_out"].value == 2
    assert (tmp_path / "data" / "curate" / "quality" / "corpus").is_dir()


def test_ui_instance_queues_runs_and_sees_the_cron_instances_runs(tmp_path, monkeypatch):
    for folder in ("dagster_home", "dagster_home_ui"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "dagster.yaml").write_text((PROJECT_ROOT / folder / "dagster.yaml").read_text())
    monkeypatch.chdir(tmp_path)  # the UI instance names the shared storage relative to the repository root

    @dg.asset
    def probe() -> None:
        """A trivial asset, materialized on the cron instance."""

    with dg.DagsterInstance.from_config(str(tmp_path / "dagster_home")) as cron:
        assert isinstance(cron.run_coordinator, DefaultRunCoordinator)  # starts a launched run at once
        run_id = dg.materialize([probe], instance=cron).run_id
    with dg.DagsterInstance.from_config(str(tmp_path / "dagster_home_ui")) as ui:
        assert isinstance(ui.run_coordinator, QueuedRunCoordinator)
        assert [r.run_id for r in ui.get_runs()] == [run_id]
