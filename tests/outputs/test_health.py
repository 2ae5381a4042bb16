"""Health numbers behind the asset checks: drop rates and language purity from real stage outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.outputs.health import (
    drop_rate,
    language_purity,
    language_summary,
    source_summaries,
    stage_summary,
)
from pipelines.storage.layout import DataLayout


def _stats(layout: DataLayout, stage: str, source: str, part: str, docs_in: int, docs_out: int) -> None:
    path = Path(layout.stage_dir(stage)) / source / "_stats" / f"{part}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    dropped = {"gopher_quality_short": docs_in - docs_out} if docs_in > docs_out else {}
    path.write_text(json.dumps({"in_path": "x", "docs_in": docs_in, "docs_out": docs_out, "dropped": dropped,
                                "errors": {"counts": {}, "samples": []}}))


def test_drop_rate_sums_parts_over_sources(tmp_path):
    layout = DataLayout.at(tmp_path)
    _stats(layout, "quality", "a", "part-00000", 10, 9)
    _stats(layout, "quality", "a", "part-00001", 10, 5)
    _stats(layout, "quality", "b", "part-00000", 20, 20)
    assert drop_rate(layout, "quality") == 6 / 40
    assert stage_summary(layout, "quality").dropped == {"gopher_quality_short": 6}


def test_language_purity_compares_declared_and_detected(tmp_path):
    layout = DataLayout.at(tmp_path)
    part = Path(layout.stage_dir("langid")) / "fw2" / "part-00000.parquet"
    part.parent.mkdir(parents=True)
    pq.write_table(pa.table({
        "source": ["fw2"] * 4,
        "declared_language": ["tha_Thai", "tha_Thai", "tha_Thai", None],
        "language": ["tha_Thai", "tha_Thai", "eng_Latn", "eng_Latn"],
    }), part)
    assert language_purity(layout) == {"fw2": 2 / 3}


def test_source_summaries_keep_each_sources_own_numbers(tmp_path):
    layout = DataLayout.at(tmp_path)
    _stats(layout, "quality", "a", "part-00000", 10, 9)
    _stats(layout, "quality", "a", "part-00001", 10, 5)
    _stats(layout, "quality", "b", "part-00000", 20, 20)
    summaries = source_summaries(layout, "quality")
    assert {s: (o.docs_in, o.docs_out, o.dropped) for s, o in summaries.items()} == {
        "a": (20, 14, {"gopher_quality_short": 6}), "b": (20, 20, {})}


def test_language_summary_counts_kept_dropped_and_tokens_per_language(tmp_path):
    layout = DataLayout.at(tmp_path)
    for source, languages, tokens in (("a", ["tha_Thai", "eng_Latn"], [5, 7]), ("b", ["tha_Thai"], [11])):
        folder = Path(layout.stage_dir("tokens")) / source
        (folder / "_dropped").mkdir(parents=True)
        pq.write_table(pa.table({"language": languages, "tokens_gemma3": tokens}), folder / "part-00000.parquet")
        pq.write_table(pa.table({"language": ["tha_Thai"], "reason": ["dedup_exact"]}), folder / "_dropped" / "part-00000.parquet")
    rows = language_summary(layout, "tokens", ["gemma3"]).to_pylist()
    assert rows == [
        {"language": "eng_Latn", "docs": 1, "dropped": 0, "tokens_gemma3": 7},
        {"language": "tha_Thai", "docs": 2, "dropped": 2, "tokens_gemma3": 16},
    ]
    assert language_summary(DataLayout.at(tmp_path / "empty"), "tokens").num_rows == 0
