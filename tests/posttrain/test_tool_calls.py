"""Tool-call validation: declared names, JSON arguments checked by jsonschema, every call id answered."""

from __future__ import annotations

import json

import pytest

from pipelines.posttrain.schema import make_message
from pipelines.posttrain.tool_calls import declared_tools, tool_call_reason

TOOLS = json.dumps([{"type": "function", "function": {"name": "get_weather", "parameters": {
    "type": "object", "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]},
                                     "days": {"type": "integer", "minimum": 1}},
    "required": ["city"], "additionalProperties": False}}},
    {"type": "function", "function": {"name": "ping"}}])


def _conversation(arguments: str | None, name: str = "get_weather", answer: bool = True) -> list[dict]:
    call = {"id": "c1", "name": name, "arguments": arguments}
    tail = [make_message("tool", "{}", tool_call_id="c1")] if answer else []
    return [make_message("user", "q"), make_message("assistant", None, tool_calls=[call]), *tail, make_message("assistant", "done")]


@pytest.mark.parametrize("arguments, name, reason", [
    ('{"city": "Hanoi"}', "get_weather", None),
    ('{"city": "Hanoi", "unit": "f", "days": 3}', "get_weather", None),
    ('{"anything": [1]}', "ping", None),  # no parameters: any object
    ('{"city": "Hanoi"}', "get_time", "undeclared_tool"),
    ('{"city": Hanoi}', "get_weather", "tool_arguments_not_json"),
    (None, "get_weather", "tool_arguments_not_json"),
    ('["Hanoi"]', "get_weather", "tool_arguments_not_object"),
    ('{"city": 7}', "get_weather", "tool_arguments_type"),
    ('{"unit": "c"}', "get_weather", "tool_arguments_required"),
    ('{"city": "Hanoi", "unit": "kelvin"}', "get_weather", "tool_arguments_enum"),
    ('{"city": "Hanoi", "days": 0}', "get_weather", "tool_arguments_schema"),  # minimum
    ('{"city": "Hanoi", "extra": 1}', "get_weather", "tool_arguments_schema"),  # additionalProperties
    ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "ping", "tool_arguments_not_json"),  # past the parser's depth
])
def test_arguments_against_the_declared_schema(arguments, name, reason):
    assert tool_call_reason(_conversation(arguments, name), TOOLS) == reason


def test_every_call_id_needs_an_answer_except_in_the_last_message():
    assert tool_call_reason(_conversation('{"city": "x"}', answer=False), TOOLS) == "unanswered_tool_call"
    final_call = [make_message("user", "q"),
                  make_message("assistant", None, tool_calls=[{"id": None, "name": "ping", "arguments": "{}"}])]
    assert tool_call_reason(final_call, TOOLS) is None  # xLAM style: the call is the target
    wrong_id = _conversation('{"city": "x"}')
    wrong_id[2] = make_message("tool", "{}", tool_call_id="zz")
    assert tool_call_reason(wrong_id, TOOLS) == "unknown_tool_call_id"
    no_id = _conversation('{"city": "x"}')
    no_id[2] = make_message("tool", "{}")
    assert tool_call_reason(no_id, TOOLS) is None  # answers the oldest pending call


def test_invalid_tool_definitions():
    calls = _conversation('{"city": "x"}')
    assert tool_call_reason(calls, "not json") == "tools_invalid"
    bad_schema = json.dumps([{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "objekt"}}}])
    assert tool_call_reason(calls, bad_schema) == "tools_invalid"
    assert tool_call_reason(calls, None) == "undeclared_tool"
    assert tool_call_reason([make_message("user", "q"), make_message("assistant", "a")], None) is None
    with pytest.raises(ValueError, match="without a name"):
        declared_tools(json.dumps([{"type": "function", "function": {"description": "x"}}]))
