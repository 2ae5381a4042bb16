"""One Arrow schema for conversations of every layout, and its lossless OpenAI (TRL) form."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

TOOL_CALL_TYPE = pa.struct([("id", pa.string()), ("name", pa.string()), ("arguments", pa.large_string())])
MESSAGE_TYPE = pa.struct(
    [
        ("role", pa.string()),
        ("content", pa.large_string()),
        ("reasoning", pa.large_string()),
        ("name", pa.string()),
        ("tool_call_id", pa.string()),
        ("tool_calls", pa.list_(TOOL_CALL_TYPE)),
    ]
)

CONVERSATION_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("source", pa.string()),
        ("source_file", pa.string()),
        ("messages", pa.list_(MESSAGE_TYPE)),
        ("tools", pa.large_string()),  # JSON text: OpenAI-style tool definitions, null if none
        ("category", pa.string()),  # general, math, code, reasoning, tool-calling, safety, translation, ...
        ("language", pa.string()),  # canonical code of the conversation (set by langid), null before
        ("languages", pa.list_(pa.string())),  # per message, canonical code or null
        ("metadata", pa.large_string()),  # JSON text of columns not mapped
    ]
)

ROLES = ("system", "user", "assistant", "tool")
REASONING_KEY = "reasoning_content"  # what the Qwen3 chat template (and vLLM/SGLang output) call it
_MESSAGE_KEYS = ("name", "tool_call_id")


def dump_json(value: Any) -> str:
    """Canonical JSON text for ``tools``, ``metadata`` and tool-call arguments (UTF-8, key order kept;
    values JSON has no type for, such as Parquet timestamps, as their text)."""
    return json.dumps(value, ensure_ascii=False, default=str)


def to_openai(row: dict) -> dict:
    """The OpenAI/TRL form of a CONVERSATION_SCHEMA row: ``messages`` with ``tool_calls``
    (``function.arguments`` as JSON text) and ``reasoning_content``, ``tools`` and ``metadata``
    parsed; the other columns as top-level keys. ``from_openai`` inverts it exactly."""
    out = {name: row.get(name) for name in ("id", "source", "source_file", "category", "language", "languages")}
    out["messages"] = [_message_to_openai(m) for m in row.get("messages") or []]
    out["tools"] = None if row.get("tools") is None else json.loads(row["tools"])
    out["metadata"] = None if row.get("metadata") is None else json.loads(row["metadata"])
    return out


def from_openai(data: dict) -> dict:
    """A CONVERSATION_SCHEMA row from an OpenAI/TRL-style dict. Accepts ``tools`` and
    ``metadata`` as lists/dicts or JSON text, ``function.arguments`` as text or an object,
    ``content`` as text or a list of text parts, reasoning as ``reasoning_content``,
    ``reasoning`` or ``thinking``. Missing top-level keys are null."""
    messages = data.get("messages")
    if not isinstance(messages, list):
        raise ValueError(f"'messages' must be a list, got {type(messages).__name__}")
    return {
        "id": _opt_str(data.get("id")),
        "source": _opt_str(data.get("source")),
        "source_file": _opt_str(data.get("source_file")),
        "messages": [_message_from_openai(m, i) for i, m in enumerate(messages)],
        "tools": _json_text(data.get("tools")),
        "category": _opt_str(data.get("category")),
        "language": _opt_str(data.get("language")),
        "languages": None if data.get("languages") is None else [_opt_str(v) for v in data["languages"]],
        "metadata": _json_text(data.get("metadata")),
    }


def make_message(role: str, content: str | None, reasoning: str | None = None, name: str | None = None,
                 tool_call_id: str | None = None, tool_calls: list[dict] | None = None) -> dict:
    """One message in the schema's struct form (tool calls as dicts of id, name, arguments text)."""
    return {"role": role, "content": content, "reasoning": reasoning, "name": name,
            "tool_call_id": tool_call_id, "tool_calls": tool_calls}


def rows_to_table(rows: list[dict]) -> pa.Table:
    """A CONVERSATION_SCHEMA table from rows (dicts keyed by its column names)."""
    return pa.Table.from_pylist(rows, schema=CONVERSATION_SCHEMA)


def _message_to_openai(message: dict) -> dict:
    out: dict[str, Any] = {"role": message["role"], "content": message.get("content")}
    if message.get("reasoning") is not None:
        out[REASONING_KEY] = message["reasoning"]
    for key in _MESSAGE_KEYS:
        if message.get(key) is not None:
            out[key] = message[key]
    if message.get("tool_calls") is not None:
        out["tool_calls"] = [
            {"id": c.get("id"), "type": "function", "function": {"name": c.get("name"), "arguments": c.get("arguments")}}
            for c in message["tool_calls"]
        ]
    return out


def _message_from_openai(message: Any, index: int) -> dict:
    if not isinstance(message, dict):
        raise ValueError(f"message {index} must be an object, got {type(message).__name__}")
    role = message.get("role")
    if not isinstance(role, str):
        raise ValueError(f"message {index} has no string 'role'")
    reasoning = next((message[k] for k in (REASONING_KEY, "reasoning", "thinking") if message.get(k) is not None), None)
    calls = message.get("tool_calls")
    if calls is not None and not isinstance(calls, list):
        raise ValueError(f"message {index}: 'tool_calls' must be a list, got {type(calls).__name__}")
    return make_message(
        role=role,
        content=_content_text(message.get("content"), index),
        reasoning=_opt_str(reasoning),
        name=_opt_str(message.get("name")),
        tool_call_id=_opt_str(message.get("tool_call_id")),
        tool_calls=None if calls is None else [_call_from_openai(c, index) for c in calls],
    )


def _call_from_openai(call: Any, index: int) -> dict:
    if not isinstance(call, dict):
        raise ValueError(f"message {index}: a tool call must be an object, got {type(call).__name__}")
    function = call.get("function", call)  # {"function": {...}} (OpenAI) or flat {"name", "arguments"}
    if not isinstance(function, dict):
        raise ValueError(f"message {index}: tool call 'function' must be an object")
    arguments = function.get("arguments")
    return {
        "id": _opt_str(call.get("id")),
        "name": _opt_str(function.get("name")),
        "arguments": arguments if arguments is None or isinstance(arguments, str) else dump_json(arguments),
    }


def _content_text(content: Any, index: int) -> str | None:
    if content is None or isinstance(content, str):
        return content
    if isinstance(content, list):  # [{"type": "text", "text": ...}, ...]
        parts = [p.get("text") for p in content if isinstance(p, dict)]
        if len(parts) == len(content) and all(isinstance(p, str) for p in parts):
            return "".join(parts)
    raise ValueError(f"message {index}: 'content' must be text or a list of text parts, got {type(content).__name__}")


def _json_text(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else dump_json(value)


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
