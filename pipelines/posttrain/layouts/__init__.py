"""Source layouts of post-training data and their converters to CONVERSATION_SCHEMA fields.

Each layout names the keys that identify it and a ``convert(record) -> fields`` function returning
``record_id``, ``messages``, ``tools``, ``category`` and ``metadata``; a record missing what its
layout needs raises LayoutError naming the field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipelines.posttrain.layouts import instruction, nemotron, openai, sharegpt, xlam
from pipelines.posttrain.layouts.common import LayoutError


@dataclass(frozen=True)
class Layout:
    """One source layout: the keys that identify it and its record converter."""

    name: str
    keys: tuple[str, ...]
    convert: Callable[[dict], dict]


#: Detection order: the first layout whose keys a file's records all have wins.
LAYOUTS: tuple[Layout, ...] = (
    Layout("openai", openai.KEYS, openai.convert),
    Layout("sharegpt", sharegpt.KEYS, sharegpt.convert),
    Layout("xlam", xlam.KEYS, xlam.convert),
    Layout("alpaca", instruction.ALPACA_KEYS, instruction.convert_alpaca),  # before nemotron: Alpaca has input and output too
    Layout("nemotron", nemotron.KEYS, nemotron.convert),
    Layout("prompt-response", instruction.PROMPT_KEYS, instruction.convert_prompt_response),
)
BY_NAME: dict[str, Layout] = {layout.name: layout for layout in LAYOUTS}
#: Other names users write for ``format:``.
ALIASES = {"trl": "openai", "messages": "openai", "chatml": "openai", "llama-factory": "sharegpt",
           "instruction": "alpaca", "prompt-completion": "prompt-response"}

__all__ = ["ALIASES", "BY_NAME", "LAYOUTS", "Layout", "LayoutError"]
