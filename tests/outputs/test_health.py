"""Health numbers behind the asset checks: drop rates and language purity from real stage outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.outputs.health import drop_rate, language_purity, stage_summary
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
