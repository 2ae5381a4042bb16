"""Pool inventory and the DuckDB catalog over generated curated parts."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.mix.pool import build_pool
from pipelines.outputs.catalog import query, refresh_catalog
from pipelines.storage.layout import DataLayout
from pipelines.storage.parquet_io import parquet_parts
from pipelines.tokens.task import narrow


def _curated(layout: DataLayout) -> None:
    rows = [
        ("a", "tha_Thai", "fw2", "ไทย", 3, 4),
        ("b", "tha_Thai", "fw2", "ไทยไทย", 5, 6),
        ("c", "tha_Thai", "pile", "ไทย", 2, 2),
        ("d", "eng_Latn", "fw2", "hello", 1, 1),
    ]
    for source in ("fw2", "pile"):  # text parts in the quality folder, the tokens stage's narrow parts
        sel = [r for r in rows if r[2] == source]
        table = pa.table(
            {
                "id": [r[0] for r in sel],
                "language": [r[1] for r in sel],
                "source": [r[2] for r in sel],
                "text": [r[3] for r in sel],
                "url": [f"https://example.com/{r[0]}" for r in sel],
            }
        )
        text_part = Path(layout.stage_dir("quality")) / source / "part-00000.parquet"
        text_part.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, text_part)
        counted = table.append_column("tokens_gemma3", pa.array([r[4] for r in sel], pa.int64())).append_column(
            "tokens_qwen3", pa.array([r[5] for r in sel], pa.int64()))
        path = Path(layout.curated_dir) / source / "part-00000.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(narrow(counted, ("gemma3", "qwen3"), f"curate/quality/{source}/part-00000.parquet"), path)
    dropped = Path(layout.stage_dir("quality")) / "fw2" / "_dropped" / "part-00000.parquet"
    dropped.parent.mkdir(parents=True)
    pq.write_table(pa.table({"id": ["z"], "reason": ["gopher_quality_short"], "language": ["tha_Thai"]}), dropped)


def test_pool_sums_per_language_and_source(tmp_path):
    layout = DataLayout.at(tmp_path)
    _curated(layout)
    pool = build_pool(parquet_parts(layout.curated_dir), {"fw2": "Fineweb2"}, ["gemma3", "qwen3"]).to_pylist()
    assert pool == [
        {"language": "eng_Latn", "source": "fw2", "mix_source": "Fineweb2", "docs": 1, "bytes": 5,
         "tokens_gemma3": 1, "tokens_qwen3": 1},
        {"language": "tha_Thai", "source": "fw2", "mix_source": "Fineweb2", "docs": 2, "bytes": 27,
         "tokens_gemma3": 8, "tokens_qwen3": 10},
        {"language": "tha_Thai", "source": "pile", "mix_source": "pile", "docs": 1, "bytes": 9,
         "tokens_gemma3": 2, "tokens_qwen3": 2},
    ]


def test_catalog_views_answer_sql(tmp_path):
    layout = DataLayout.at(tmp_path)
    _curated(layout)
    created = refresh_catalog(layout)
    assert {"documents", "dropped"} <= set(created) and "mix_report" not in created
    result = query(layout, "SELECT language, sum(tokens_gemma3) AS t FROM documents GROUP BY 1 ORDER BY 1")
    assert result.to_pylist() == [{"language": "eng_Latn", "t": 1}, {"language": "tha_Thai", "t": 10}]
    assert query(layout, "SELECT reason FROM dropped").to_pylist() == [{"reason": "gopher_quality_short"}]
    with_text = query(layout, "SELECT id, text, url, tokens_qwen3 FROM documents ORDER BY id").to_pylist()
    assert with_text[:2] == [{"id": "a", "text": "ไทย", "url": "https://example.com/a", "tokens_qwen3": 4},
                             {"id": "b", "text": "ไทยไทย", "url": "https://example.com/b", "tokens_qwen3": 6}]
