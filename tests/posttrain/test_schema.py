"""CONVERSATION_SCHEMA <-> OpenAI form: lossless for every layout of the sample, through Parquet too."""

from __future__ import annotations

import gzip
import json

import pyarrow.parquet as pq
import pytest
from posttrain_sample import SAMPLE

from pipelines.ingest.config import SourceConfig
from pipelines.posttrain.readers import read_conversations
from pipelines.posttrain.schema import (
    CONVERSATION_SCHEMA,
    from_openai,
    make_message,
    rows_to_table,
    to_openai,
)
from pipelines.posttrain.sources import ChatSource
from pipelines.runtime.problems import ErrorLog

LAYOUT_FILES = {
    "openai": "mixed/openai-chat.jsonl.gz",
    "openai-parquet": "tools/tool-calls.parquet",
    "sharegpt": "mixed/sharegpt.jsonl.zst",
    "alpaca": "mixed/alpaca.json",
    "nemotron": "mixed/nemotron.jsonl",
    "prompt-response": "prompt-response/prompts.jsonl",
    "xlam": "xlam/xlam.jsonl",
}


def _rows(relative: str) -> list[dict]:
    source = ChatSource(SourceConfig(name="s", kind="chat", paths=(str(SAMPLE),)))
    return [r for t in read_conversations(source, str(SAMPLE / relative), ErrorLog()) for r in t.to_pylist()]


@pytest.mark.parametrize("layout", sorted(LAYOUT_FILES))
def test_round_trip_per_layout(layout, tmp_path):
    rows = _rows(LAYOUT_FILES[layout])
    assert len(rows) >= 6
    for row in rows:
        assert from_openai(json.loads(json.dumps(to_openai(row)))) == row
    path = tmp_path / "rows.parquet"
    pq.write_table(rows_to_table(rows), path)
    back = pq.read_table(path)
    assert back.schema.equals(CONVERSATION_SCHEMA)
    assert back.to_pylist() == rows


def test_openai_form_keeps_tool_calls_reasoning_and_tools():
    row = {
        "id": "s/1", "source": "s", "source_file": "f.jsonl", "category": "tool-calling", "language": None,
        "languages": None, "metadata": json.dumps({"license": "cc-by"}),
        "tools": json.dumps([{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]),
        "messages": [make_message("user", "hi"),
                     make_message("assistant", None, reasoning="plan", tool_calls=[{"id": "c1", "name": "f", "arguments": '{"a": 1}'}]),
                     make_message("tool", "ok", tool_call_id="c1"), make_message("assistant", "done")],
    }
    form = to_openai(row)
    assert form["messages"][1] == {"role": "assistant", "content": None, "reasoning_content": "plan",
                                   "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}]}
    assert form["tools"][0]["function"]["name"] == "f" and form["metadata"] == {"license": "cc-by"}
    assert from_openai(form) == row


def test_openai_input_is_reproduced_by_to_openai():
    with gzip.open(SAMPLE / LAYOUT_FILES["openai"], "rt", encoding="utf-8") as f:
        source_rows = [json.loads(line) for line in f if line.strip().endswith("}")]
    by_id = {f"s/{r['id']}": r for r in source_rows}
    for row in _rows(LAYOUT_FILES["openai"]):
        original = by_id[row["id"]]["messages"]
        assert to_openai(row)["messages"] == original


def test_from_openai_accepts_object_arguments_and_text_parts():
    row = from_openai({"messages": [
        {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
        {"role": "assistant", "content": None, "tool_calls": [{"function": {"name": "f", "arguments": {"x": "é"}}}]}],
        "tools": [{"type": "function", "function": {"name": "f"}}]})
    assert row["messages"][0]["content"] == "ab"
    assert row["messages"][1]["tool_calls"][0]["arguments"] == '{"x": "é"}'
    assert json.loads(row["tools"])[0]["function"]["name"] == "f"
    with pytest.raises(ValueError, match="message 0"):
        from_openai({"messages": [{"content": "no role"}]})
