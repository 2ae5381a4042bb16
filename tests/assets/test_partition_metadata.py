"""After a full `curate_and_mix` run on the bundled sample, every partition records its own numbers:
a source's counts, drop reasons and input problems, per-source check values, tokens per language."""

from __future__ import annotations

import re

import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest

from assets.definitions import defs
from assets.resources import SeamixSettings
from pipelines.curate.one_pass import PASS_STAGES
from pipelines.ingest.config import load_sources
from pipelines.storage.parquet_io import parquet_parts

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("curate_and_mix").execute_in_process(
            run_config={"resources": {"seamix": {"config": {"data_root": str(root)}}}}, instance=instance
        )
        assert result.success
        yield instance, result, root


def _latest(instance: dg.DagsterInstance, asset: str, partition: str | None = None) -> dict:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset), asset_partitions=[partition] if partition else None), limit=1
    ).records
    return records[0].asset_materialization.metadata


def _docs_out(folder, stage: str) -> int:
    """Documents out of a stage of the pass: those the pass kept, and those a later stage dropped."""
    later = PASS_STAGES[PASS_STAGES.index(stage) + 1:]
    kept = sum(pq.read_metadata(p).num_rows for p in parquet_parts(folder))
    drops = pq.read_table(folder / "_dropped", columns=["stage"]).column("stage").to_pylist()
    return kept + sum(1 for s in drops if s in later)


def test_each_source_partition_records_its_own_counts(full_run):
    instance, _, root = full_run
    sources = [s.name for s in load_sources(SeamixSettings().sources_file)]
    for stage, asset in (("ingest", "ingested_documents"), ("langid", "identified_documents"), ("quality", "filtered_documents")):
        outs = {}
        for source in sources:
            meta = _latest(instance, asset, source)
            outs[source] = meta["docs_out"].value
            expected = _docs_out(root / "curate" / "quality" / source, stage)
            assert outs[source] == meta["dagster/row_count"].value == expected, (stage, source)
            reasons = {r.data["reason"]: r.data["docs"] for r in meta["drop_reasons"].value.records}
            assert sum(reasons.values()) == meta["docs_in"].value - meta["docs_out"].value
        assert len(set(outs.values())) == len(sources), f"{stage}: partitions share one count {outs}"


def test_drop_reasons_and_input_problems_belong_to_their_source(full_run):
    instance, _, root = full_run
    con = duckdb.connect()
    for source in ("cc-warc-sample", "fineweb2-sample"):
        meta = _latest(instance, "identified_documents", source)
        recorded = {r.data["reason"]: r.data["docs"] for r in meta["drop_reasons"].value.records}
        dropped = con.sql(
            "SELECT reason, count(*) FROM read_parquet($p) WHERE stage = 'langid' GROUP BY 1",
            params={"p": str(root / "curate" / "quality" / source / "_dropped" / "*.parquet")},
        ).fetchall()
        assert recorded == dict(dropped)
    warc = _latest(instance, "ingested_documents", "cc-warc-sample")
    assert "input_problems" in warc and ".warc" in warc["input_problem_samples"].value
    assert "input_problems" not in _latest(instance, "ingested_documents", "fineweb2-sample")


def test_checks_are_evaluated_per_source_with_their_value(full_run):
    _, result, _ = full_run
    purity = {e.partition: e.metadata["purity_pct"].value for e in result.get_asset_check_evaluations()
              if e.check_name == "language_purity"}
    assert set(purity) == {s.name for s in load_sources(SeamixSettings().sources_file)}
    assert all(v is None or 0 <= v <= 100 for v in purity.values())
    mix = [e for e in result.get_asset_check_evaluations() if e.check_name == "mix_within_tolerance"]
    assert [(e.partition, e.passed) for e in mix] == [("demo", True)]


def test_tokens_per_language_are_numbers_that_sum_to_the_total(full_run):
    instance, _, _ = full_run
    meta = _latest(instance, "curated_documents")
    per_language = {k: v.value for k, v in meta.items() if k.startswith("tokens_gemma3/")}
    assert len(per_language) >= 11 and all(isinstance(v, int) for v in per_language.values())
    assert sum(per_language.values()) == meta["tokens_gemma3"].value
    columns = {c.name: c.type for c in meta["per_language"].value.schema.columns}
    assert columns["docs"] == "int" and columns["dropped_pct"] == "float"


def test_report_has_percent_deviation_and_a_png_chart(full_run):
    instance, _, _ = full_run
    meta = _latest(instance, "mix_report", "demo")
    record = meta["report"].value.records[0].data
    assert "deviation" not in record and round(record["deviation_pct"], 2) == record["deviation_pct"]
    assert meta["composition"].value.startswith("![composition of mix demo](data:image/png;base64,iVBOR")
    assert re.search(r"\| tha_Thai \| \d{1,3}(,\d{3})+ \| \d+\.\d\d % \|", meta["composition"].value)
    pool = _latest(instance, "pool_inventory")["pool"].value
    assert any(r.data["mix_source"] != r.data["source"] for r in pool.records)  # shown because it says something
