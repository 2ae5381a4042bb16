"""Single-turn layouts: Alpaca ``instruction``/``input``/``output`` and ``prompt``/``response`` (/``system``)."""

from __future__ import annotations

from pipelines.posttrain.layouts.common import (
    assistant,
    metadata,
    normalise_category,
    record_id,
    text_field,
)
from pipelines.posttrain.schema import make_message

ALPACA_KEYS = ("instruction", "output")
PROMPT_KEYS = ("prompt", "response")


def convert_alpaca(record: dict) -> dict:
    """User turn: the instruction, then a blank line and the input when there is one; assistant: the output."""
    instruction = text_field(record, "instruction")
    extra = text_field(record, "input", required=False)
    prompt = f"{instruction}\n\n{extra}" if extra and extra.strip() else instruction
    return _single_turn(record, text_field(record, "system", required=False), prompt,
                        text_field(record, "output"), {"instruction", "input", "output", "system", "category"})


def convert_prompt_response(record: dict) -> dict:
    """System (optional), user ``prompt``, assistant ``response``."""
    return _single_turn(record, text_field(record, "system", required=False), text_field(record, "prompt"),
                        text_field(record, "response"), {"prompt", "response", "system", "category"})


def _single_turn(record: dict, system: str | None, prompt: str, answer: str, mapped: set[str]) -> dict:
    messages = ([make_message("system", system)] if system else []) + [make_message("user", prompt), assistant(answer)]
    return {
        "record_id": record_id(record),
        "messages": messages,
        "tools": None,
        "category": normalise_category(record.get("category")),
        "metadata": metadata(record, mapped),
    }
