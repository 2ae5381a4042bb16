"""Sensor for new source files, nightly schedule, and re-running one source partition alone."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq

from assets.automation import new_source_files_sensor, nightly_schedule
from assets.curate_assets import curate_assets
from assets.jobs import curate_and_mix_job
from assets.partitions import sync_partitions
from assets.resources import SeamixSettings


def _jsonl_source(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"text": "hello"}\n')
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - {{name: corpus, kind: jsonl, paths: ['{folder}/*.jsonl'], language: en}}\n")
    return sources


def test_sensor_requests_a_run_only_for_new_or_changed_files(tmp_path):
    settings = SeamixSettings(sources_file=str(_jsonl_source(tmp_path)), data_root=str(tmp_path / "data"))
    with dg.instance_for_test() as instance:
        first = new_source_files_sensor(dg.build_sensor_context(instance=instance, resources={"seamix": settings}))
        assert len(first.run_requests) == 1
        again = new_source_files_sensor(
            dg.build_sensor_context(instance=instance, cursor=first.cursor, resources={"seamix": settings})
        )
        assert not again.run_requests and again.skip_reason
        (tmp_path / "corpus" / "b.jsonl").write_text('{"text": "new file"}\n')
        third = new_source_files_sensor(
            dg.build_sensor_context(instance=instance, cursor=again.cursor, resources={"seamix": settings})
        )
        assert len(third.run_requests) == 1
        assert third.run_requests[0].run_key != first.run_requests[0].run_key


def test_nightly_schedule_targets_the_whole_graph_job():
    assert nightly_schedule.cron_schedule == "0 2 * * *"
    assert nightly_schedule.job_name == curate_and_mix_job.name


def test_one_source_partition_is_curated_alone_by_the_pass(tmp_path):
    settings = SeamixSettings(data_root=str(tmp_path))
    curate_pass = next(a for a in curate_assets if dg.AssetKey("ingested_documents") in a.keys)
    with dg.instance_for_test() as instance:
        sync_partitions(instance, settings)
        result = dg.materialize([curate_pass], resources={"seamix": settings}, partition_key="fineweb2-sample",
                                instance=instance)
    assert result.success
    written = tmp_path / "curate"
    assert sorted(p.name for p in written.iterdir()) == ["quality"]  # the pass leaves no copy for the other stages
    assert sorted(p.name for p in (written / "quality").iterdir()) == ["fineweb2-sample"]
    folder = written / "quality" / "fineweb2-sample"
    kept = sum(pq.read_metadata(p).num_rows for p in folder.glob("part-*.parquet"))
    dropped = sum(pq.read_metadata(p).num_rows for p in folder.glob("_dropped/part-*.parquet"))
    assert kept > 0
    events = {e.asset_key.path[-1]: e for e in result.get_asset_materialization_events()}
    assert set(events) == {"ingested_documents", "extracted_documents", "identified_documents", "filtered_documents"}
    ingest, quality = (events[name].materialization for name in ("ingested_documents", "filtered_documents"))
    assert ingest.partition == quality.partition == "fineweb2-sample"
    assert ingest.metadata["docs_out"].value == kept + dropped  # every document read is kept or has a drop row
    assert quality.metadata["docs_out"].value == quality.metadata["dagster/row_count"].value == kept
