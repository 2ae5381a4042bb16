"""ShareGPT layout: ``conversations`` of ``{from, value}`` (system/human/gpt/function_call/observation), ``tools`` as JSON text."""

from __future__ import annotations

import json

from pipelines.posttrain.layouts.common import (
    LayoutError,
    assistant,
    json_field,
    metadata,
    normalise_category,
    openai_tools,
    record_id,
    text_field,
    tool_call,
)
from pipelines.posttrain.schema import make_message

KEYS = ("conversations",)
_ROLES = {
    "system": "system", "human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant",
    "chatgpt": "assistant", "bard": "assistant", "bing": "assistant", "model": "assistant",
    "function_call": "function_call", "observation": "tool", "tool": "tool", "function_response": "tool",
}


def convert(record: dict) -> dict:
    """Row fields of one record. A ``function_call`` turn (one call or a list, JSON text) becomes an
    assistant message with tool calls ``call_<n>``; each ``observation`` answers the oldest unanswered call."""
    turns = json_field(record, "conversations", required=False)  # a list, or JSON text of one
    if not isinstance(turns, list):
        raise LayoutError("field 'conversations' must be a list of turns")
    messages, pending, calls_made = [], [], 0
    for index, turn in enumerate(turns):
        if not isinstance(turn, dict):
            raise LayoutError(f"conversations[{index}] is not an object")
        speaker = turn.get("from", turn.get("role"))
        role = _ROLES.get(str(speaker).lower()) if speaker is not None else None
        if role is None:
            raise LayoutError(f"conversations[{index}]: unknown speaker {speaker!r}")
        value = text_field(turn, "value" if "value" in turn else "content", required=False)
        if role == "function_call":
            calls = _calls(value, index, calls_made)
            calls_made += len(calls)
            pending += [c["id"] for c in calls]
            messages.append(assistant(None, calls))
        elif role == "tool":
            messages.append(make_message("tool", value, tool_call_id=pending.pop(0) if pending else None))
        elif role == "assistant":
            messages.append(assistant(value))
        else:
            messages.append(make_message(role, value))
    mapped = {"conversations", "tools", "system", "category"}
    system = text_field(record, "system", required=False)
    if system and not (messages and messages[0]["role"] == "system"):
        messages.insert(0, make_message("system", system))
    return {
        "record_id": record_id(record),
        "messages": messages,
        "tools": openai_tools(json_field(record, "tools", required=False)),
        "category": normalise_category(record.get("category")),
        "metadata": metadata(record, mapped),
    }


def _calls(value: str | None, index: int, first: int) -> list[dict]:
    try:
        parsed = json.loads(value or "")
    except json.JSONDecodeError as exc:
        raise LayoutError(f"conversations[{index}]: function_call value is not JSON ({exc.msg})") from None
    except RecursionError:
        raise LayoutError(f"conversations[{index}]: function_call value is JSON nested deeper than the parser's limit") from None
    items = parsed if isinstance(parsed, list) else [parsed]
    if not items or not all(isinstance(c, dict) for c in items):
        raise LayoutError(f"conversations[{index}]: function_call must be an object or a list of objects")
    return [tool_call(c.get("name"), c.get("arguments"), f"call_{first + i}") for i, c in enumerate(items)]
