"""The decontamination stage on a generated post-dedup pool: drop, cut and report, drops with their
benchmark, one decision per match, the catalog's contamination view and the per-benchmark rate."""

from __future__ import annotations

import random

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from decontam_data import write_jsonl

from pipelines.curate.config import CurateConfig
from pipelines.curate.run import curate_stages, run_curate_stage
from pipelines.decontaminate.config import DecontamConfig
from pipelines.decontaminate.report import contamination_rates
from pipelines.outputs.catalog import query, refresh_catalog
from pipelines.storage.layout import CURATE_STAGES, DataLayout
from pipelines.storage.parquet_io import read_table

VOCAB = [f"v{i}" for i in range(3000)]


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(words)) + "."


@pytest.fixture
def pool(tmp_path):
    """A data root with curated output for one source (quality's text part, dedup's narrow part
    keeping all but one document) and a registry of two benchmarks."""
    rng = random.Random(11)
    items = {"q1": _sentence(rng, 25), "q2": _sentence(rng, 25)}
    write_jsonl([{"id": k, "question": v} for k, v in items.items()], tmp_path / "bench_a.jsonl")
    write_jsonl([{"id": "p1", "passage": items["q2"]}], tmp_path / "bench_b.jsonl")
    (tmp_path / "evalsets.yaml").write_text(
        "evalsets:\n"
        "  - {name: bench-a, paths: [bench_a.jsonl], fields: [question], language: en, id_field: id}\n"
        "  - {name: bench-b, paths: [bench_b.jsonl], fields: [passage], language: en, id_field: id}\n",
        encoding="utf-8",
    )
    (tmp_path / "sources.yaml").write_text("sources:\n  - {name: web, kind: jsonl, paths: [none.jsonl]}\n", encoding="utf-8")
    lines = [_sentence(rng, 30) for _ in range(6)]
    texts = {
        "web/clean": "\n".join(lines[:3]),
        "web/one-paragraph": "\n".join([lines[0], lines[1], f"Quiz: {items['q1']}", lines[2], lines[3], lines[4]]),
        "web/mostly-item": f"{items['q2']}\n{lines[5][:40]}",
    }
    texts_and_duplicate = {**texts, "web/duplicate": texts["web/clean"]}
    folder = tmp_path / "data" / "curate" / "quality" / "web"
    folder.mkdir(parents=True)
    table = pa.table({
        "id": list(texts_and_duplicate), "source": ["web"] * 4, "language": ["eng_Latn"] * 4,
        "text": list(texts_and_duplicate.values()), "n_chars": [len(t) for t in texts_and_duplicate.values()],
        "n_words": [len(t.split()) for t in texts_and_duplicate.values()], "url": [None] * 4,
    })
    pq.write_table(table, folder / "part-00000.parquet")
    (folder / "_fingerprint").write_text("test\n")
    kept = tmp_path / "data" / "curate" / "dedup" / "web"
    kept.mkdir(parents=True)
    pq.write_table(pa.table({"id": list(texts), "language": ["eng_Latn"] * 3,
                             "minhash_cluster_size": pa.array([2, 1, 1], pa.int64())}), kept / "part-00000.parquet")
    (kept / "_fingerprint").write_text("test\n")
    return tmp_path, texts, lines


def _config(tmp_path, action: str) -> CurateConfig:
    return CurateConfig(sources_file=str(tmp_path / "sources.yaml"), data_root=str(tmp_path / "data"),
                        decontam=DecontamConfig(evalsets_file=str(tmp_path / "evalsets.yaml"), action=action))


def _outputs(tmp_path):
    folder = tmp_path / "data" / "curate" / "decontam" / "web"
    kept = read_table(folder / "part-00000.parquet").to_pydict()
    decisions = read_table(folder / "_decisions" / "part-00000.parquet").to_pylist()
    return kept, decisions


def test_drop_removes_contaminated_documents_with_the_benchmark_as_reason(pool):
    tmp_path, texts, _ = pool
    outcome = run_curate_stage("decontam", _config(tmp_path, "drop")).outcome
    assert (outcome.docs_in, outcome.docs_out) == (3, 1)
    assert outcome.dropped == {"decontam_bench-a": 2}  # a tie on matched words goes to the first name
    kept, decisions = _outputs(tmp_path)
    assert kept["id"] == ["web/clean"] and kept["text"] == [texts["web/clean"]]
    assert sorted((d["id"], d["benchmark"], d["item_id"], d["action"]) for d in decisions) == [
        ("web/mostly-item", "bench-a", "q2", "dropped"), ("web/mostly-item", "bench-b", "p1", "dropped"),
        ("web/one-paragraph", "bench-a", "q1", "dropped")]
    assert all(d["span"] and d["matched_words"] == 25 for d in decisions)

    layout = DataLayout.at(tmp_path / "data")
    assert "contamination" in refresh_catalog(layout)
    view = query(layout, "SELECT benchmark, language, source, documents, items_matched FROM contamination").to_pylist()
    assert view == [
        {"benchmark": "bench-a", "language": "eng_Latn", "source": "web", "documents": 2, "items_matched": 2},
        {"benchmark": "bench-b", "language": "eng_Latn", "source": "web", "documents": 1, "items_matched": 1}]
    dropped = query(layout, "SELECT id, stage, reason FROM dropped ORDER BY id").to_pylist()
    assert dropped == [{"id": "web/mostly-item", "stage": "decontam", "reason": "decontam_bench-a"},
                       {"id": "web/one-paragraph", "stage": "decontam", "reason": "decontam_bench-a"}]
    assert contamination_rates(layout) == {"bench-a": pytest.approx(2 / 3, abs=1e-6), "bench-b": pytest.approx(1 / 3, abs=1e-6)}


def test_cut_removes_the_matching_paragraph_and_drops_documents_that_lose_most(pool):
    tmp_path, _, lines = pool
    outcome = run_curate_stage("decontam", _config(tmp_path, "cut")).outcome
    assert outcome.docs_out == 2 and outcome.dropped == {"decontam_bench-a": 1}
    kept, decisions = _outputs(tmp_path)
    cut = kept["text"][kept["id"].index("web/one-paragraph")]
    assert cut == "\n".join([lines[0], lines[1], lines[2], lines[3], lines[4]])
    assert kept["n_chars"][kept["id"].index("web/one-paragraph")] == len(cut)
    assert kept["n_words"][kept["id"].index("web/one-paragraph")] == len(cut.split())
    assert {(d["id"], d["action"]) for d in decisions} == {("web/one-paragraph", "cut"), ("web/mostly-item", "dropped")}
    assert [d["paragraphs"] for d in decisions if d["id"] == "web/one-paragraph"] == [[2]]


def test_report_keeps_everything_and_records_every_match(pool):
    tmp_path, texts, _ = pool
    outcome = run_curate_stage("decontam", _config(tmp_path, "report")).outcome
    assert (outcome.docs_in, outcome.docs_out, outcome.dropped) == (3, 3, {})
    kept, decisions = _outputs(tmp_path)
    assert kept["text"] == list(texts.values())
    assert len(decisions) == 3 and {d["action"] for d in decisions} == {"reported"}


def test_the_stage_joins_the_run_only_with_eval_sets(pool):
    tmp_path, _, _ = pool
    assert curate_stages(CurateConfig(sources_file="s.yaml")) == ("pass", "dedup", "tokens")
    assert curate_stages(CurateConfig(sources_file="s.yaml", one_pass=False)) == CURATE_STAGES
    assert curate_stages(_config(tmp_path, "drop")) == ("pass", "dedup", "decontam", "tokens")


def test_dagster_asset_and_contamination_rate_check(pool):
    import dagster as dg

    from assets.decontaminate_assets import (
        contamination_rate_check,
        decontaminated_documents,
    )
    from assets.resources import SeamixSettings

    tmp_path, _, _ = pool
    settings = SeamixSettings(data_root=str(tmp_path / "data"), sources_file=str(tmp_path / "sources.yaml"),
                              evalsets_file=str(tmp_path / "evalsets.yaml"))
    result = dg.materialize([decontaminated_documents, contamination_rate_check], resources={"seamix": settings})
    assert result.success
    [materialization] = result.asset_materializations_for_node("decontaminated_documents")
    assert materialization.metadata["docs_out"].value == 1
    [check] = result.get_asset_check_evaluations()
    assert not check.passed  # 2 of 3 documents hold bench-a items: far above the 1% band
    assert check.metadata["rate_per_benchmark"].value == {"bench-a": pytest.approx(0.666667), "bench-b": pytest.approx(0.333333)}

    clean = SeamixSettings(data_root=str(tmp_path / "other"), sources_file=str(tmp_path / "sources.yaml"))
    result = dg.materialize([decontaminated_documents, contamination_rate_check], resources={"seamix": clean})
    assert result.success and result.get_asset_check_evaluations()[0].passed
    assert not (tmp_path / "other" / "curate").exists()


def test_cli_decontaminates_then_recounts_tokens(pool, capsys):
    from pipelines.cli import main
    from pipelines.tokens.registry import cache_dir

    tmp_path, _, _ = pool
    if not (cache_dir() / "tokenizers" / "gemma3" / "tokenizer.json").is_file():
        pytest.skip("the gemma3 tokenizer is not cached (seamix fetch-models)")
    common = ["--sources", str(tmp_path / "sources.yaml"), "--data-root", str(tmp_path / "data"), "--tokenizers", "gemma3"]
    with pytest.raises(SystemExit, match="--evalsets FILE is required"):
        main(["decontaminate", *common])
    assert main(["decontaminate", *common, "--evalsets", str(tmp_path / "evalsets.yaml")]) == 0
    out = capsys.readouterr().out
    assert "decontam in        3  out        1" in out and "tokens   in        1  out        1" in out
    assert "bench-a" in out and "bench-b" in out
    tokens = read_table(tmp_path / "data" / "curate" / "tokens" / "web" / "part-00000.parquet")
    assert tokens.column("id").to_pylist() == ["web/clean"] and "tokens_gemma3" in tokens.column_names
    assert tokens.column("minhash_cluster_size").to_pylist() == [2]  # dedup's, carried through decontam
    assert tokens.column("text_part").to_pylist() == ["curate/decontam/web/part-00000.parquet"]
