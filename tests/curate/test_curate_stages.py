"""Curation stages end to end on small JSON-lines sources: empty and fully dropped parts, PII masking,
keeping dropped documents aside."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from pipelines.curate.config import CurateConfig
from pipelines.curate.run import run_curate_stage
from pipelines.storage.layout import CURATE_STAGES, DataLayout

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
    return {stage: run_curate_stage(stage, config).outcome for stage in CURATE_STAGES}


def test_empty_and_fully_dropped_parts_keep_their_schema_through_every_stage(tmp_path):
    sources = _source(tmp_path, {"a.jsonl": [{"id": "a", "text": CLEAN}], "b.jsonl": [], "c.jsonl": [{"id": "c", "text": "short"}]})
    config = CurateConfig(sources_file=str(sources), data_root=str(tmp_path / "data"))
    outcomes = _curate(config)
    assert outcomes["ingest"].docs_out == 2
    assert outcomes["quality"].docs_out == 0
    for stage in CURATE_STAGES:
        for part in sorted((Path(DataLayout.at(tmp_path / "data").stage_dir(stage)) / "t").glob("part-*.parquet")):
            assert {"id", "text", "source"} <= set(pq.read_schema(part).names), (stage, part.name)


def test_pii_masking_is_optional_and_applies_to_curated_text(tmp_path):
    text = f"{VARIED} Write to siti.nur@contoh.com.my or call +65 6123 4567."
    sources = _source(tmp_path, {"a.jsonl": [{"id": "a", "text": text}]})
    texts = {}
    for mask in (False, True):
        config = CurateConfig(sources_file=str(sources), data_root=str(tmp_path / f"data-{mask}"), mask_pii=mask)
        _curate(config)
        part = Path(DataLayout.at(config.data_root).curated_dir) / "t" / "part-00000.parquet"
        texts[mask] = pq.read_table(part).column("text")[0].as_py()
    assert "siti.nur@contoh.com.my" in texts[False] and "+65 6123 4567" in texts[False]
    assert "siti.nur@contoh.com.my" not in texts[True] and "+65 6123 4567" not in texts[True]


def test_dropped_documents_can_be_kept_aside_with_their_text(tmp_path):
    sources = _source(tmp_path, {"a.jsonl": [{"id": "clean", "text": VARIED}, {"id": "tiny", "text": "short page"}]})
    config = CurateConfig(sources_file=str(sources), data_root=str(tmp_path / "data"), keep_dropped_text=True)
    _curate(config)
    layout = DataLayout.at(config.data_root)
    kept_aside = pq.read_table(Path(layout.stage_dir("quality")) / "t" / "_dropped_text" / "part-00000.parquet").to_pylist()
    assert kept_aside == [{"id": "t/tiny", "text": "short page"}]
    reasons = pq.read_table(Path(layout.stage_dir("quality")) / "t" / "_dropped" / "part-00000.parquet").to_pylist()
    assert [r["id"] for r in reasons] == ["t/tiny"]
