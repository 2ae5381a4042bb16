"""The catalog's stage_parts view carries each part's input problems; the problems view lists them one per row."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from pipelines.curate.config import CurateConfig
from pipelines.curate.run import run_curate_stage
from pipelines.outputs.catalog import query, refresh_catalog
from pipelines.storage.layout import DataLayout


def test_problems_view_lists_file_and_location(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text(json.dumps({"text": "fine"}) + "\n{not json\n" + json.dumps({"text": 3}) + "\n")
    (folder / "b.jsonl.gz").write_bytes(gzip.compress(b"".join(json.dumps({"text": f"t{i}"}).encode() + b"\n" for i in range(50)))[:-8])  # only the trailer is missing
    (tmp_path / "sources.yaml").write_text("sources:\n  - {name: j, kind: jsonl, paths: [in/*]}\n")
    root = tmp_path / "data"
    run_curate_stage("ingest", CurateConfig(sources_file=str(tmp_path / "sources.yaml"), data_root=str(root)))
    layout = DataLayout.at(root)
    assert {"stage_parts", "problems"} <= set(refresh_catalog(layout))
    parts = query(layout, "SELECT part, docs_out, problem_counts['error'] AS errors, len(problems) AS n FROM stage_parts ORDER BY part").to_pylist()
    assert parts == [{"part": "part-00000", "docs_out": 1, "errors": 2, "n": 2}, {"part": "part-00001", "docs_out": 50, "errors": 1, "n": 1}]
    rows = query(layout, "SELECT stage, source, part, file, location, kind, message FROM problems ORDER BY part, location").to_pylist()
    assert [(r["part"], r["file"], r["location"]) for r in rows] == [
        ("part-00000", str(folder / "a.jsonl"), "line 2"),
        ("part-00000", str(folder / "a.jsonl"), "line 3"),
        ("part-00001", str(folder / "b.jsonl.gz"), "line 51"),
    ]
    assert rows[0]["stage"] == "ingest" and rows[0]["source"] == "j" and "malformed JSON" in rows[0]["message"]
