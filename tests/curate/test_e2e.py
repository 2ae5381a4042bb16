"""End to end: materialize the whole asset graph in process on the bundled sample."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest

from assets.definitions import defs
from assets.resources import PROJECT_ROOT, SeamixSettings
from pipelines.langid.languages import BY_CODE
from pipelines.mix.spec import load_mix_spec
from pipelines.mix.stages import shard_dir
from pipelines.outputs.catalog import query, refresh_catalog
from pipelines.storage.layout import DataLayout
from pipelines.storage.parquet_io import parquet_parts
from pipelines.tokens.registry import load_tokenizer

pytestmark = pytest.mark.integration

PLANTED = json.loads((PROJECT_ROOT / "sample" / "data" / "PLANTED.json").read_text(encoding="utf-8"))
SHARD_COLUMNS = {"id", "text", "language", "source", "mix_source", "row_id", "epoch", "url", "tokens_gemma3"}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    settings = SeamixSettings(data_root=str(root))
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("curate_and_mix").execute_in_process(
            run_config={"resources": {"seamix": {"config": {"data_root": str(root)}}}}, instance=instance
        )
    assert result.success
    layout = DataLayout.at(root)
    spec = load_mix_spec(settings.mix_file)
    refresh_catalog(layout)
    curated = query(layout, "SELECT * FROM documents").to_pylist()
    # what ingest read: the pass kept it, or a stage after ingest dropped it (ingest drops nothing)
    ingested = query(layout, "SELECT id, url FROM dropped WHERE stage IN ('extract', 'langid', 'quality') UNION ALL "
                     f"SELECT id, url FROM read_parquet({parquet_parts(layout.stage_dir('quality'))!r})").to_pylist()
    shards = sorted(Path(shard_dir(layout, spec)).glob("shard-*.parquet"))
    return {"result": result, "layout": layout, "spec": spec, "curated": curated, "ingested": ingested, "shards": shards}


def _matches(doc: dict, locator: str) -> bool:
    return doc.get("url") == locator or doc["id"].endswith("/" + locator) or doc["id"] == locator


def test_shards_exist_with_documented_schema(run):
    assert run["shards"], "no shards written"
    for shard in run["shards"]:
        schema = pq.read_schema(shard)
        assert SHARD_COLUMNS <= set(schema.names)
    manifest = json.loads((run["shards"][0].parent / "manifest.json").read_text())
    assert len(manifest["shards"]) == len(run["shards"])


def test_all_eleven_languages_in_the_mix(run):
    languages = set()
    for shard in run["shards"]:
        languages |= set(pq.read_table(shard, columns=["language"]).column("language").to_pylist())
    assert set(BY_CODE) <= languages


def test_every_planted_item_was_ingested(run):
    for item in PLANTED:
        assert any(_matches(d, item["locator"]) for d in run["ingested"]), item
        if "of" in item:
            assert any(_matches(d, item["of"]) for d in run["ingested"]), item


def test_planted_duplicates_and_junk_are_gone(run):
    curated = run["curated"]
    for item in PLANTED:
        hits = [d for d in curated if _matches(d, item["locator"])]
        if item["kind"] == "boilerplate":
            assert not hits, f"boilerplate survived: {item}"
        elif item["kind"] in ("exact_duplicate", "near_duplicate"):
            originals = [d for d in curated if _matches(d, item["of"])]
            assert len(hits) + len(originals) <= 1, f"both copies survived: {item}"


def test_wrong_language_pages_not_in_the_wrong_bucket(run):
    for item in (p for p in PLANTED if p["kind"] == "wrong_language"):
        for doc in (d for d in run["curated"] if _matches(d, item["locator"])):
            assert doc["language"] == item["true_language"], item


def test_token_counts_equal_the_tokenizers_count(run):
    tokenizers = {name: load_tokenizer(name) for name in ("gemma3", "qwen3")}
    for doc in run["curated"]:
        for name, tok in tokenizers.items():
            assert doc[f"tokens_{name}"] == len(tok.encode(doc["text"], add_special_tokens=False).ids)
    tok = tokenizers[run["spec"].tokenizer]
    for shard in run["shards"]:
        for row in pq.read_table(shard).to_pylist():
            assert row[f"tokens_{run['spec'].tokenizer}"] == len(tok.encode(row["text"], add_special_tokens=False).ids)


def test_every_stage_removed_something_and_says_why(run):
    con = duckdb.connect(str(run["layout"].duckdb_path), read_only=True)
    stages = dict(con.execute("SELECT stage, count(*) FROM dropped GROUP BY stage").fetchall())
    assert {"langid", "quality", "dedup"} <= set(stages), stages
    assert con.execute("SELECT count(*) FROM dropped WHERE reason IS NULL").fetchone()[0] == 0
    assert con.execute("SELECT sum(docs) FROM dedup_source_pairs").fetchone()[0] == stages["dedup"]


def test_mix_check_passes_and_report_matches_manifest(run):
    checks = run["result"].get_asset_check_evaluations()
    assert checks and all(c.passed for c in checks)
    con = duckdb.connect(str(run["layout"].duckdb_path), read_only=True)
    achieved = con.execute("SELECT sum(achieved_tokens) FROM mix_report").fetchone()[0]
    in_shards = con.execute(f"SELECT sum(tokens_{run['spec'].tokenizer}) FROM mix_shards").fetchone()[0]
    assert achieved == in_shards > 0
