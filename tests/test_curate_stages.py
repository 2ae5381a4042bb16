"""Curation stages over a source with an empty file and a file whose documents are all dropped."""

from __future__ import annotations

import pyarrow.parquet as pq

from pipelines.curate.config import CurateConfig
from pipelines.curate.run import run_curate_stage
from pipelines.layout import CURATE_STAGES, DataLayout

CLEAN = "This is a perfectly ordinary English sentence about the weather and the market today. " * 12


def test_empty_and_fully_dropped_parts_keep_their_schema_through_every_stage(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text(f'{{"text": "{CLEAN}"}}\n')
    (corpus / "b.jsonl").write_text("")
    (corpus / "c.jsonl").write_text('{"text": "short"}\n')
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - {name: t, kind: jsonl, paths: [in/*.jsonl], language: en}\n")
    config = CurateConfig(sources_file=str(sources), data_root=str(tmp_path / "data"))
    outcomes = {stage: run_curate_stage(stage, config).outcome for stage in CURATE_STAGES}
    assert outcomes["ingest"].docs_out == 2
    assert outcomes["quality"].docs_out == 0
    for stage in CURATE_STAGES:
        for part in sorted((DataLayout.at(tmp_path / "data").stage_dir(stage) / "t").glob("part-*.parquet")):
            assert {"id", "text", "source"} <= set(pq.read_schema(part).names), (stage, part.name)
