"""Nemotron post-training layout: ``input`` (messages), ``output`` (``<think>…</think>`` then the answer),
``category``, ``reasoning`` (on/off), ``system_prompt``."""

from __future__ import annotations

from pipelines.posttrain.layouts.common import (
    LayoutError,
    assistant,
    metadata,
    normalise_category,
    record_id,
    text_field,
)
from pipelines.posttrain.schema import from_openai, make_message

KEYS = ("input", "output")


def convert(record: dict) -> dict:
    """Row fields: system prompt (when set), the ``input`` messages, then ``output`` as the assistant's
    answer with its think block as reasoning. ``reasoning`` (on/off) and the rest go to metadata."""
    turns = record.get("input")
    if isinstance(turns, str):  # some exports carry a single prompt string
        turns = [{"role": "user", "content": turns}]
    try:
        messages = from_openai({"messages": turns})["messages"]
    except ValueError as exc:
        raise LayoutError(f"field 'input': {exc}") from None
    system = text_field(record, "system_prompt", required=False)
    if system and not (messages and messages[0]["role"] == "system"):
        messages.insert(0, make_message("system", system))
    messages.append(assistant(text_field(record, "output")))
    return {
        "record_id": record_id(record),
        "messages": messages,
        "tools": None,
        "category": normalise_category(record.get("category")),
        "metadata": metadata(record, {"input", "output", "category", "system_prompt"}),
    }
