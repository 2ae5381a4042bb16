"""Readers: layout detected per file or forced, compressed and Parquet input, bad records reported by file and line."""

from __future__ import annotations

import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from pipelines.ingest.config import SourceConfig
from pipelines.posttrain.readers import read_conversations
from pipelines.posttrain.sources import ChatSource, load_chat_sources
from pipelines.runtime.problems import ErrorLog


def _read(path, fmt=None, category=None):
    source = ChatSource(SourceConfig(name="src", kind="chat", paths=(str(path.parent),)), fmt, category)
    errors = ErrorLog()
    rows = [r for t in read_conversations(source, str(path), errors) for r in t.to_pylist()]
    return rows, errors


def _write_lines(path, records):
    data = "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records) + "\n"
    raw = data.encode()
    if path.name.endswith(".gz"):
        raw = gzip.compress(raw)
    elif path.name.endswith(".zst"):
        raw = zstandard.ZstdCompressor().compress(raw)
    path.write_bytes(raw)
    return path


GOOD = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}


@pytest.mark.parametrize("name", ["a.jsonl", "a.jsonl.gz", "a.jsonl.zst"])
def test_malformed_lines_are_reported_with_file_and_line_and_the_rest_kept(tmp_path, name):
    path = _write_lines(tmp_path / name, [GOOD, "{broken", GOOD, "[1, 2]", {"messages": [{"content": "no role"}]}, GOOD])
    rows, errors = _read(path)
    assert [r["id"] for r in rows] == ["src/a:1", "src/a:3", "src/a:6"]
    where = [(p.file, p.where) for p in errors.samples]
    assert where == [(str(path), "line 2"), (str(path), "line 4"), (str(path), "line 5")]
    assert "malformed JSON" in errors.samples[0].message and "no string 'role'" in errors.samples[2].message
    assert errors.errors == 3


def test_truncated_gzip_keeps_the_rows_before_the_damage(tmp_path):
    path = _write_lines(tmp_path / "t.jsonl.gz", [GOOD] * 2000)
    path.write_bytes(path.read_bytes()[:-200])
    rows, errors = _read(path)
    assert 0 < len(rows) < 2000
    assert errors.errors == 1 and "truncated/corrupt" in errors.samples[0].message


def test_a_cut_gzip_smaller_than_one_read_keeps_its_complete_lines(tmp_path):
    # the whole file inflates to less than the 64 KiB the layout is told from: that read meets the cut
    records = [{"messages": [{"role": "user", "content": f"question {i} {i * 7919 % 104729}"},
                             {"role": "assistant", "content": f"answer {i * 104729 % 7919} to {i}"}]} for i in range(150)]
    path = _write_lines(tmp_path / "small.jsonl.gz", records)
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) * 2 // 3])
    rows, errors = _read(path)
    assert 0 < len(rows) < 150 and rows[0]["messages"][0]["content"] == "question 0 0"
    assert errors.errors == 1 and "truncated/corrupt" in errors.samples[0].message


def test_a_byte_order_mark_before_the_first_line_or_array_is_dropped(tmp_path):
    lines = tmp_path / "bom.jsonl"
    lines.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\n" + json.dumps(GOOD).encode() + b"\n")
    array = tmp_path / "bom.json"
    array.write_bytes(b"\xef\xbb\xbf" + json.dumps([GOOD, GOOD]).encode())
    for path in (lines, array):
        rows, errors = _read(path)
        assert len(rows) == 2 and errors.errors == 0, errors.samples


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32-le"])
def test_utf16_and_utf32_chat_files_are_read_as_such_and_logged(tmp_path, encoding):
    thai = {"messages": [{"role": "user", "content": "สวัสดี 😀"}, {"role": "assistant", "content": "你好 𝄞"}]}
    lines = tmp_path / "wide.jsonl"
    lines.write_bytes((json.dumps(thai, ensure_ascii=False) + "\n" + json.dumps(GOOD) + "\n").encode(encoding))
    array = tmp_path / "wide.json"
    array.write_bytes(json.dumps([thai, GOOD], ensure_ascii=False).encode(encoding))
    for path in (lines, array):
        rows, errors = _read(path)
        assert [r["messages"][0]["content"] for r in rows] == ["สวัสดี 😀", "hi"], errors.samples
        assert rows[0]["messages"][1]["content"] == "你好 𝄞"
        assert errors.errors == 0 and errors.counts["encoding"] == 1
        assert encoding.upper().partition("-")[0] + "-" in errors.samples[0].message.upper()


def test_openai_roles_are_matched_case_blind_and_their_aliases_mapped(tmp_path):
    record = {"messages": [{"role": "Developer", "content": "Be brief."}, {"role": "USER ", "content": "2+2?"},
                           {"role": "ipython", "content": "4"}, {"role": "model", "content": "4"},
                           {"role": "function", "content": "5"}]}
    rows, errors = _read(_write_lines(tmp_path / "roles.jsonl", [record]))
    assert [m["role"] for m in rows[0]["messages"]] == ["system", "user", "tool", "assistant", "tool"]
    assert errors.errors == 0


def test_parquet_chat_columns_stored_as_binary_are_read_as_utf8(tmp_path):
    # Parquet written without the UTF8 annotation holds text as binary, nested in lists and structs too
    message = pa.struct([("role", pa.binary()), ("content", pa.binary())])
    messages = pa.array([[{"role": b"user", "content": "สวัสดี".encode()}, {"role": b"assistant", "content": b"hi \xff"}]],
                        pa.list_(message))
    pq.write_table(pa.table({"messages": messages}), tmp_path / "binary.parquet")
    rows, errors = _read(tmp_path / "binary.parquet")
    assert [(m["role"], m["content"]) for m in rows[0]["messages"]] == [("user", "สวัสดี"), ("assistant", "hi \ufffd")]
    assert errors.errors == 0 and errors.counts["invalid_utf8"] == 1 and errors.samples[0].where == "row 0"
    pq.write_table(pa.table({"instruction": pa.array([b"Translate: hello"]), "output": pa.array([b"halo"])}),
                   tmp_path / "alpaca.parquet")
    rows, errors = _read(tmp_path / "alpaca.parquet")
    assert [m["content"] for m in rows[0]["messages"]] == ["Translate: hello", "halo"] and not errors.samples


def test_layout_is_detected_per_file_and_format_overrides(tmp_path):
    alpaca = _write_lines(tmp_path / "alpaca.jsonl", [{"instruction": "Say hi", "input": "to Ana", "output": "Hi Ana!", "lang": "en"}])
    rows, _ = _read(alpaca)
    assert [(m["role"], m["content"]) for m in rows[0]["messages"]] == [("user", "Say hi\n\nto Ana"), ("assistant", "Hi Ana!")]
    assert json.loads(rows[0]["metadata"]) == {"lang": "en"}
    forced = _write_lines(tmp_path / "odd.jsonl", [{"prompt": "p", "response": "r", "conversations": "not a list"}])
    assert _read(forced)[1].errors == 1  # detected as sharegpt, whose conversations must be a list
    rows, errors = _read(forced, fmt="prompt-response")
    assert errors.errors == 0 and rows[0]["messages"][1]["content"] == "r"


def test_undetectable_file_is_one_error_naming_the_keys(tmp_path):
    rows, errors = _read(_write_lines(tmp_path / "x.jsonl", [{"text": "plain"}, {"text": "docs"}]))
    assert rows == [] and errors.errors == 1
    assert "cannot detect the layout from keys ['text']" in errors.samples[0].message


def test_json_array_and_parquet_files(tmp_path):
    array = tmp_path / "data.json"
    array.write_text(json.dumps([{"prompt": "p1", "response": "r1"}, 3, {"prompt": "p2", "response": "r2", "id": "x"}]))
    rows, errors = _read(array)
    assert [r["id"] for r in rows] == ["src/data:0", "src/x"]
    assert [(p.where, p.message.split(",")[0]) for p in errors.samples] == [("item 1", "expected a JSON object")]
    parquet = tmp_path / "chat.parquet"
    pq.write_table(pa.Table.from_pylist([GOOD, {"messages": None}, GOOD]), parquet)
    rows, errors = _read(parquet, category="Math")
    assert [r["id"] for r in rows] == ["src/chat:0", "src/chat:2"] and rows[0]["category"] == "math"
    assert [p.where for p in errors.samples] == ["row 1"]


@pytest.mark.parametrize("name", ["cut.json", "cut.json.gz"])
def test_a_cut_json_array_keeps_the_items_before_the_cut(tmp_path, name):
    items = [{"prompt": f"question {i}", "response": f"answer {i} " + "x" * (i % 50)} for i in range(400)]
    raw = json.dumps(items, indent=1).encode()
    raw = raw[: len(raw) // 2] if name == "cut.json" else gzip.compress(raw)[: len(gzip.compress(raw)) // 2]
    path = tmp_path / name
    path.write_bytes(raw)
    rows, errors = _read(path)
    assert 0 < len(rows) < 400 and [r["messages"][0]["content"] for r in rows[:2]] == ["question 0", "question 1"]
    [problem] = errors.samples
    assert problem.where == f"item {len(rows)}" and f"kept the {len(rows)} items before it" in problem.message


def test_a_malformed_json_array_keeps_the_items_before_the_fault(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('[{"prompt": "p1", "response": "r1"}, {"prompt": "p2", "response": "r2"}, {"prompt": oops}, '
                    '{"prompt": "p4", "response": "r4"}]')
    rows, errors = _read(path)
    assert [r["messages"][0]["content"] for r in rows] == ["p1", "p2"]
    assert [p.where for p in errors.samples] == ["item 2"] and "malformed JSON array" in errors.samples[0].message


def test_lone_surrogate_escapes_in_lines_and_arrays_are_replaced_and_logged(tmp_path):
    record = '{"messages": [{"role": "user", "content": "hi \\udc80"}, {"role": "assistant", "content": "hello"}]}'
    lines = tmp_path / "s.jsonl"
    lines.write_text(record + "\n")
    array = tmp_path / "s.json"
    array.write_text(f"[{record}]")
    for path, where in ((lines, "line 1"), (array, "item 0")):
        rows, errors = _read(path)
        assert rows[0]["messages"][0]["content"] == "hi \ufffd"
        assert [(p.where, p.kind) for p in errors.samples] == [(where, "invalid_unicode")]


def test_a_lone_surrogate_inside_json_text_of_a_field_is_replaced_and_logged(tmp_path):
    call = json.dumps({"name": "f", "arguments": {"q": "x\udc80"}})  # the escape lives in the JSON text
    record = {"conversations": [{"from": "human", "value": "call f"}, {"from": "function_call", "value": call},
                                {"from": "observation", "value": "ok"}, {"from": "gpt", "value": "done"}]}
    plain = {"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}]}
    rows, errors = _read(_write_lines(tmp_path / "nested.jsonl", [record, plain]))
    assert len(rows) == 2 and json.loads(rows[0]["messages"][1]["tool_calls"][0]["arguments"]) == {"q": "x\ufffd"}
    assert [(p.where, p.kind) for p in errors.samples] == [("line 1", "invalid_unicode")]


def test_json_nested_past_the_parser_limit_skips_only_its_record(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    call = {"conversations": [{"from": "human", "value": "call f"}, {"from": "function_call", "value": deep},
                              {"from": "gpt", "value": "done"}]}
    plain = {"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}]}
    path = _write_lines(tmp_path / "deep.jsonl", [plain, call, '{"conversations": ' + deep + "}", plain])
    rows, errors = _read(path)
    assert [r["id"] for r in rows] == ["src/deep:1", "src/deep:4"]
    assert [p.where for p in errors.samples] == ["line 2", "line 3"]
    assert all("nested deeper" in p.message for p in errors.samples)


def test_sharegpt_function_calls_and_observations(tmp_path):
    record = {"tools": json.dumps([{"name": "f", "parameters": {"type": "object"}}]), "conversations": [
        {"from": "human", "value": "q"},
        {"from": "function_call", "value": json.dumps([{"name": "f", "arguments": {"a": 1}}, {"name": "f", "arguments": {"a": 2}}])},
        {"from": "observation", "value": "1"}, {"from": "observation", "value": "2"}, {"from": "gpt", "value": "<think>t</think>done"}]}
    rows, _ = _read(_write_lines(tmp_path / "sg.jsonl", [record]))
    messages = rows[0]["messages"]
    assert [c["id"] for c in messages[1]["tool_calls"]] == ["call_0", "call_1"]
    assert [m["tool_call_id"] for m in messages[2:4]] == ["call_0", "call_1"]
    assert (messages[4]["content"], messages[4]["reasoning"]) == ("done", "t")
    assert json.loads(rows[0]["tools"]) == [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    assert rows[0]["category"] == "tool-calling"


def test_xlam_parameter_types_become_json_schema(tmp_path):
    tools = [{"name": "f", "description": "d", "parameters": {
        "a": {"type": "str"}, "b": {"type": "int, optional", "default": 1}, "c": {"type": "List[float]"},
        "d": {"type": "Dict[str, Any]"}, "e": {"type": "Optional[bool]"}, "g": {"type": "Union[str, int]"}, "h": {"type": "Callable"}}}]
    record = {"query": "q", "answers": json.dumps([{"name": "f", "arguments": {"a": "x"}}]), "tools": json.dumps(tools)}
    rows, _ = _read(_write_lines(tmp_path / "x.jsonl", [record]), fmt="xlam")
    schema = json.loads(rows[0]["tools"])[0]["function"]["parameters"]
    assert schema["properties"] == {
        "a": {"type": "string"}, "b": {"type": "integer", "default": 1}, "c": {"type": "array", "items": {"type": "number"}},
        "d": {"type": "object"}, "e": {"type": "boolean"}, "g": {"anyOf": [{"type": "string"}, {"type": "integer"}]}, "h": {}}
    assert schema["required"] == ["a", "c", "d", "g", "h"]  # e: Optional[...]; b: optional with a default


def test_nemotron_output_think_block_and_system_prompt(tmp_path):
    record = {"input": [{"role": "user", "content": "2+2?"}], "output": "<think>\nadd\n</think>\n\n4", "category": "Math",
              "reasoning": "on", "system_prompt": "detailed thinking on", "license": "cc-by-4.0"}
    rows, _ = _read(_write_lines(tmp_path / "n.jsonl", [record]))
    messages = rows[0]["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant"]
    assert (messages[2]["content"], messages[2]["reasoning"]) == ("4", "add")
    assert rows[0]["category"] == "math" and json.loads(rows[0]["metadata"]) == {"reasoning": "on", "license": "cc-by-4.0"}


def test_chat_sources_validate_kind_format_and_options(tmp_path):
    (tmp_path / "d").mkdir()
    good = tmp_path / "s.yaml"
    good.write_text("sources:\n  - {name: a, kind: chat, paths: [d], format: TRL, options: {category: Tool_Use}}\n")
    [source] = load_chat_sources(good)
    assert (source.format, source.category, source.config.paths) == ("openai", "tool-calling", (str(tmp_path / "d"),))
    for entry, message in [("{name: a, kind: jsonl, paths: [d]}", "field 'kind'"),
                           ("{name: a, kind: chat, paths: [d], format: csv}", "field 'format': unknown format 'csv'"),
                           ("{name: a, kind: chat, paths: [d], options: {lang: x}}", "field 'options'")]:
        bad = tmp_path / "bad.yaml"
        bad.write_text(f"sources:\n  - {entry}\n")
        with pytest.raises(ValueError, match=message):
            load_chat_sources(bad)


def test_fsspec_source_folder_is_listed_and_read():
    import fsspec

    from pipelines.posttrain.tasks import ChatIngestTask

    fs = fsspec.filesystem("memory")
    fs.pipe("/chatsrc/a.jsonl", (json.dumps(GOOD) + "\n").encode())
    fs.pipe("/chatsrc/sub/b.jsonl.gz", gzip.compress((json.dumps(GOOD) + "\n{bad\n").encode()))
    source = ChatSource(SourceConfig(name="mem", kind="chat", paths=("memory://chatsrc",)))
    task = ChatIngestTask(source)
    items = task.work_items()
    assert [i.in_path for i in items] == ["memory:///chatsrc/a.jsonl", "memory:///chatsrc/sub/b.jsonl.gz"]
    errors = ErrorLog()
    ids = [r for item in items for kept, _ in task.process(item, errors) for r in kept.column("id").to_pylist()]
    assert ids == ["mem/a:1", "mem/sub/b:1"]
    assert [(p.file, p.where) for p in errors.samples] == [("memory:///chatsrc/sub/b.jsonl.gz", "line 2")]
    fs.rm("/chatsrc", recursive=True)


def test_tool_parameters_stored_as_json_text_are_parsed(tmp_path):
    tools = [{"type": "function", "function": {"name": "f", "parameters": json.dumps({"type": "object", "required": ["a"]})}}]
    record = {**GOOD, "tools": tools}
    rows, errors = _read(_write_lines(tmp_path / "t.jsonl", [record]))
    assert json.loads(rows[0]["tools"])[0]["function"]["parameters"] == {"type": "object", "required": ["a"]}
    bad = {**GOOD, "tools": [{"type": "function", "function": {"name": "f", "parameters": "{oops"}}]}
    rows, errors = _read(_write_lines(tmp_path / "b.jsonl", [bad]))
    assert rows == [] and "field 'parameters' is not valid JSON" in errors.samples[0].message


def test_sharegpt_turns_written_with_role_and_content(tmp_path):
    record = {"conversations": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}], "system": "be brief"}
    rows, errors = _read(_write_lines(tmp_path / "c.jsonl", [record, {"conversations": [{"from": "alien", "value": "x"}]}]))
    assert [(m["role"], m["content"]) for m in rows[0]["messages"]] == [("system", "be brief"), ("user", "q"), ("assistant", "a")]
    assert "unknown speaker 'alien'" in errors.samples[0].message and errors.samples[0].where == "line 2"


def test_messages_and_conversations_stored_as_json_text_are_parsed(tmp_path):
    parquet = tmp_path / "text-columns.parquet"
    pq.write_table(pa.table({"messages": [json.dumps(GOOD["messages"]), "not json", None]}), parquet)
    rows, errors = _read(parquet)
    assert [r["messages"][1]["content"] for r in rows] == ["hello"]
    assert [p.where for p in errors.samples] == ["row 1", "row 2"] and "not valid JSON" in errors.samples[0].message
    sharegpt = _write_lines(tmp_path / "sg.jsonl", [{"conversations": json.dumps(
        [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}])}])
    rows, errors = _read(sharegpt)
    assert [m["role"] for m in rows[0]["messages"]] == ["user", "assistant"] and errors.errors == 0
