"""Helpers every layout converter shares: think-tag splitting, ids, metadata, categories, tool calls."""

from __future__ import annotations

import json
import re
from typing import Any

from pipelines.posttrain.schema import dump_json, make_message

#: Keys a record id is taken from, first present wins.
ID_KEYS = ("id", "uuid", "conversation_id", "sample_id")
_THINK = re.compile(r"^\s*<think>(.*?)</think>\s*", re.DOTALL)
_CATEGORY_SYNONYMS = {
    "chat": "general", "conversation": "general", "general-chat": "general",
    "function-calling": "tool-calling", "tool-use": "tool-calling", "tools": "tool-calling", "tool": "tool-calling",
    "function-call": "tool-calling", "tool-call": "tool-calling",
    "translate": "translation", "mt": "translation", "machine-translation": "translation",
}


class LayoutError(ValueError):
    """A record does not have the fields its layout needs; the message names the field."""


def split_think(content: str | None) -> tuple[str | None, str | None]:
    """``(content, reasoning)``: a leading ``<think>…</think>`` block becomes the reasoning
    (None when empty); text without a closed block is returned unchanged."""
    if content is None:
        return None, None
    match = _THINK.match(content)
    if match is None:
        return content, None
    reasoning = match.group(1).strip()
    return content[match.end():], reasoning or None


def assistant(content: str | None, tool_calls: list[dict] | None = None) -> dict:
    """An assistant message with any leading think block moved to ``reasoning``."""
    text, reasoning = split_think(content)
    return make_message("assistant", text, reasoning=reasoning, tool_calls=tool_calls)


def record_id(record: dict) -> str | None:
    """The record's own id, from the first of ID_KEYS present."""
    for key in ID_KEYS:
        if record.get(key) is not None:
            return str(record[key])
    return None


def metadata(record: dict, mapped: set[str]) -> str | None:
    """JSON text of the record's columns that the layout did not map (None when there are none)."""
    rest = {k: v for k, v in record.items() if k not in mapped and k not in ID_KEYS}
    return dump_json(rest) if rest else None


def normalise_category(value: Any) -> str | None:
    """Lower-case, hyphenated category with common synonyms merged (``Function_Calling`` -> ``tool-calling``)."""
    if value is None or not str(value).strip():
        return None
    key = re.sub(r"[\s_]+", "-", str(value).strip().lower())
    return _CATEGORY_SYNONYMS.get(key, key)


def text_field(record: dict, key: str, required: bool = True) -> str | None:
    """``record[key]`` as text; LayoutError when it is required and missing, or not text."""
    value = record.get(key)
    if value is None:
        if required:
            raise LayoutError(f"missing field '{key}'")
        return None
    if not isinstance(value, str):
        raise LayoutError(f"field '{key}' is {type(value).__name__}, not text")
    return value


def json_field(record: dict, key: str, required: bool = True) -> Any:
    """``record[key]`` parsed when it is JSON text, as given when it is already a list or object."""
    value = record.get(key)
    if value is None:
        if required:
            raise LayoutError(f"missing field '{key}'")
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise LayoutError(f"field '{key}' is not valid JSON ({exc.msg} at column {exc.colno})") from None
        except RecursionError:
            raise LayoutError(f"field '{key}' is JSON nested deeper than the parser's limit") from None
    return value


def tool_call(name: Any, arguments: Any, call_id: str) -> dict:
    """A tool call in the schema's form; arguments given as an object become JSON text."""
    if not isinstance(name, str) or not name:
        raise LayoutError(f"tool call {call_id} has no name")
    if arguments is not None and not isinstance(arguments, str):
        arguments = dump_json(arguments)
    return {"id": call_id, "name": name, "arguments": arguments}


def openai_tools(tools: Any, field: str = "tools") -> str | None:
    """Tool definitions as OpenAI-style JSON text: bare ``{name, description, parameters}``
    functions are wrapped in ``{"type": "function", "function": ...}``."""
    if tools is None:
        return None
    if not isinstance(tools, list):
        raise LayoutError(f"field '{field}' must be a list of tool definitions, got {type(tools).__name__}")
    wrapped = [t if not isinstance(t, dict) or "function" in t else {"type": "function", "function": t} for t in tools]
    for tool in wrapped:
        function = tool.get("function") if isinstance(tool, dict) else None
        if isinstance(function, dict) and isinstance(function.get("parameters"), str):  # schema stored as JSON text
            function["parameters"] = json_field(function, "parameters", required=False)
    return dump_json(wrapped) if wrapped else None
