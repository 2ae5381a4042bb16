"""Curation stages end to end on small JSON-lines sources, as one pass and stage by stage: empty and
fully dropped parts, PII masking, keeping dropped documents aside, the same output either way."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipelines.curate.config import CurateConfig
from pipelines.curate.run import curate_stages, run_curate_stage
from pipelines.dedup.apply import KEPT_COLUMNS
from pipelines.outputs.catalog import query, refresh_catalog
from pipelines.outputs.health import stage_summary
from pipelines.storage.layout import CURATE_STAGES, DataLayout
from pipelines.tokens.task import NARROW_COLUMNS

CLEAN = "This is a perfectly ordinary English sentence about the weather and the market today. " * 12
VARIED = (
    "The river that runs through the old town has been the subject of a long debate among residents. "
    "Some of them want to build a new footbridge, while others argue that the money should be spent on schools. "
    "At a meeting held on Monday evening, the mayor said that both ideas deserve a fair hearing. "
    "She added that the council would publish a detailed report with the costs of each option before the summer. "
    "Local shop owners, who depend on visitors crossing the river, have already started a petition for the bridge. "
    "Teachers and parents, however, point out that several classrooms still have leaking roofs and broken windows."
)


def _source(tmp_path: Path, files: dict[str, list[dict]]) -> Path:
    """A jsonl source `t` (English, ids from the `id` field when present) over the given files."""
    corpus = tmp_path / "in"
    corpus.mkdir()
    for name, rows in files.items():
        (corpus / name).write_text("".join(json.dumps(row) + "\n" for row in rows))
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - {name: t, kind: jsonl, paths: [in/*.jsonl], language: en, columns: {id: id}}\n")
    return sources


def _curate(config: CurateConfig) -> dict:
    """Run every stage of ``config``'s curation; each stage's outcome (the pass's four by their own numbers)."""
    for stage in curate_stages(config):
        run_curate_stage(stage, config)
    return {stage: stage_summary(DataLayout.at(config.data_root), stage) for stage in CURATE_STAGES}


@pytest.mark.parametrize("one_pass", [True, False])
def test_empty_and_fully_dropped_parts_keep_their_schema_through_every_stage(tmp_path, one_pass):
    sources = _source(tmp_path, {"a.jsonl": [{"id": "a", "text": CLEAN}], "b.jsonl": [], "c.jsonl": [{"id": "c", "text": "short"}]})
    config = CurateConfig(sources_file=str(sources), data_root=str(tmp_path / "data"), one_pass=one_pass)
    outcomes = _curate(config)
    assert outcomes["ingest"].docs_out == 2
    assert outcomes["quality"].docs_out == 0
    expected = {"dedup": set(KEPT_COLUMNS), "tokens": set(NARROW_COLUMNS) | {"tokens_gemma3", "tokens_qwen3"}}
    written = {stage for stage in CURATE_STAGES if (Path(DataLayout.at(tmp_path / "data").stage_dir(stage)) / "t").is_dir()}
    assert written == (set(CURATE_STAGES) if not one_pass else {"quality", "dedup", "tokens"})
    for stage in written:
        for part in sorted((Path(DataLayout.at(tmp_path / "data").stage_dir(stage)) / "t").glob("part-*.parquet")):
            assert expected.get(stage, {"id", "text", "source"}) <= set(pq.read_schema(part).names), (stage, part.name)
    created = refresh_catalog(DataLayout.at(tmp_path / "data"))  # no document kept: no `documents` view, no error
    assert "curated_tokens" in created and "documents" not in created and "problems" in created


def test_the_pass_writes_what_the_stages_write_one_by_one(tmp_path):
    rows = [{"id": "clean", "text": VARIED}, {"id": "tiny", "text": "short page"},
            {"id": "fr", "text": "Le conseil municipal publiera un rapport détaillé avant l'été, a déclaré la maire."},
            {"id": "dup", "text": VARIED}]
    sources = _source(tmp_path, {"a.jsonl": rows, "b.jsonl": [{"id": "other", "text": CLEAN}]})
    results = {}
    for one_pass in (True, False):
        root = tmp_path / f"data-{one_pass}"
        outcomes = _curate(CurateConfig(sources_file=str(sources), data_root=str(root), one_pass=one_pass))
        quality = sorted((root / "curate" / "quality" / "t").glob("part-*.parquet"))
        dropped = sorted((root / "curate").glob("*/t/_dropped/part-*.parquet"))
        layout = DataLayout.at(root)
        refresh_catalog(layout)
        in_catalog = query(layout, "SELECT stage, sum(docs_in)::INT AS i, sum(docs_out)::INT AS o FROM stage_parts "
                                   "GROUP BY 1 ORDER BY 1").to_pylist()
        assert in_catalog == sorted(({"stage": s, "i": o.docs_in, "o": o.docs_out} for s, o in outcomes.items()),
                                    key=lambda row: row["stage"])
        results[one_pass] = (
            {stage: dataclasses.replace(o, out_dir="", parts=[]) for stage, o in outcomes.items()},
            [pq.read_table(p).to_pylist() for p in quality],
            sorted(r["id"] + "/" + r["stage"] + "/" + r["reason"] for p in dropped for r in pq.read_table(p).to_pylist()),
        )
    assert results[True] == results[False]
    # French is not a target; the short page and the repetitive one fail quality; the copy is a duplicate
    assert {s: (o.docs_in, o.docs_out) for s, o in results[True][0].items()} == {
        "ingest": (5, 5), "extract": (5, 5), "langid": (5, 4), "quality": (4, 2), "dedup": (2, 1), "tokens": (1, 1)}


def test_pii_masking_is_optional_and_applies_to_curated_text(tmp_path):
    text = f"{VARIED} Write to siti.nur@contoh.com.my or call +65 6123 4567."
    sources = _source(tmp_path, {"a.jsonl": [{"id": "a", "text": text}]})
    texts = {}
    for mask in (False, True):
        config = CurateConfig(sources_file=str(sources), data_root=str(tmp_path / f"data-{mask}"), mask_pii=mask)
        _curate(config)
        part = Path(DataLayout.at(config.data_root).stage_dir("quality")) / "t" / "part-00000.parquet"
        texts[mask] = pq.read_table(part).column("text")[0].as_py()
    assert "siti.nur@contoh.com.my" in texts[False] and "+65 6123 4567" in texts[False]
    assert "siti.nur@contoh.com.my" not in texts[True] and "+65 6123 4567" not in texts[True]


@pytest.mark.parametrize("one_pass", [True, False])
def test_dropped_documents_can_be_kept_aside_with_their_text(tmp_path, one_pass):
    sources = _source(tmp_path, {"a.jsonl": [{"id": "clean", "text": VARIED}, {"id": "tiny", "text": "short page"}]})
    config = CurateConfig(sources_file=str(sources), data_root=str(tmp_path / "data"), keep_dropped_text=True,
                          one_pass=one_pass)
    _curate(config)
    layout = DataLayout.at(config.data_root)
    kept_aside = pq.read_table(Path(layout.stage_dir("quality")) / "t" / "_dropped_text" / "part-00000.parquet").to_pylist()
    assert kept_aside == [{"id": "t/tiny", "text": "short page"}]
    reasons = pq.read_table(Path(layout.stage_dir("quality")) / "t" / "_dropped" / "part-00000.parquet").to_pylist()
    assert [r["id"] for r in reasons] == ["t/tiny"]
