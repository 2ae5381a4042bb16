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
#: Other names of the four roles (OpenAI's newer ``developer``, Llama 3's ``ipython`` tool results,
#: Gemma's ``model``, ShareGPT's ``human``/``gpt`` in a messages list); roles are matched case-blind.
_ROLE_ALIASES = {"developer": "system", "function": "tool", "ipython": "tool", "model": "assistant",
                 "human": "user", "gpt": "assistant"}


def convert(record: dict) -> dict:
    """Row fields of one record (``messages`` a list, or JSON text of one); roles lower-cased and
    their aliases mapped, ``content`` parts joined, a leading think block becomes reasoning."""
    try:
        parsed = from_openai({"messages": json_field(record, "messages", required=False)})
    except ValueError as exc:
        raise LayoutError(f"field 'messages': {exc}") from None
    for message in parsed["messages"]:
        role = message["role"].strip().lower()
        message["role"] = _ROLE_ALIASES.get(role, role)
        if message["role"] == "assistant" and message["reasoning"] is None:
            message["content"], message["reasoning"] = split_think(message["content"])
    return {
        "record_id": record_id(record),
        "messages": parsed["messages"],
        "tools": openai_tools(json_field(record, "tools", required=False)),
        "category": normalise_category(record.get("category")),
        "metadata": metadata(record, {"messages", "tools", "category"}),
    }
