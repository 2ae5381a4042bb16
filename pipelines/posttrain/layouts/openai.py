"""OpenAI / TRL layout: ``messages`` (system/user/assistant/tool, ``tool_calls``, ``tool_call_id``) and ``tools``."""

from __future__ import annotations

from pipelines.posttrain.layouts.common import (
    LayoutError,
    json_field,
    metadata,
    normalise_category,
    openai_tools,
    record_id,
    split_think,
)
from pipelines.posttrain.schema import from_openai

KEYS = ("messages",)
_ROLE_ALIASES = {"developer": "system", "function": "tool"}


def convert(record: dict) -> dict:
    """Row fields of one record (``messages`` a list, or JSON text of one); ``content`` parts are joined,
    a leading think block becomes reasoning."""
    try:
        parsed = from_openai({"messages": json_field(record, "messages", required=False)})
    except ValueError as exc:
        raise LayoutError(f"field 'messages': {exc}") from None
    for message in parsed["messages"]:
        message["role"] = _ROLE_ALIASES.get(message["role"], message["role"])
        if message["role"] == "assistant" and message["reasoning"] is None:
            message["content"], message["reasoning"] = split_think(message["content"])
    return {
        "record_id": record_id(record),
        "messages": parsed["messages"],
        "tools": openai_tools(json_field(record, "tools", required=False)),
        "category": normalise_category(record.get("category")),
        "metadata": metadata(record, {"messages", "tools", "category"}),
    }
