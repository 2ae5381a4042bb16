"""The checks of one batch of conversations: normalise, identify each turn's language, then the
structure, tool-call and response-language rules; each failing conversation becomes a drop row."""

from __future__ import annotations

import json

import pyarrow as pa

from pipelines.langid.identify import LanguageIdentifier
from pipelines.posttrain.language import (
    conversation_language,
    identify_turns,
    language_mismatch,
    normalise_messages,
)
from pipelines.posttrain.schema import CONVERSATION_SCHEMA
from pipelines.posttrain.structure import REASONS as STRUCTURE_REASONS
from pipelines.posttrain.structure import structure_reason
from pipelines.posttrain.tool_calls import REASONS as TOOL_REASONS
from pipelines.posttrain.tool_calls import tool_call_reason
from pipelines.runtime.drops import split_by_reason

STAGE = "checks"
_STOP_KEYS = ("finish_reason", "stop_reason")
_LENGTH_STOPS = ("length", "max_tokens", "max_length")
LANGUAGE_REASON = "response_language_mismatch"
#: Every reason the checks stage can give, in the order they are tried.
REASONS = (*STRUCTURE_REASONS, *TOOL_REASONS, LANGUAGE_REASON)


def conversation_reason(row: dict, languages: list[str | None], mismatch: bool, quality_config: str | None = None) -> str | None:
    """The first failing check of one (normalised) conversation, or None to keep it."""
    return (structure_reason(row["messages"], languages, quality_config)
            or ("truncated_answer" if stopped_by_length(row["metadata"]) else None)
            or tool_call_reason(row["messages"], row["tools"])
            or (LANGUAGE_REASON if mismatch else None))


def stopped_by_length(metadata: str | None) -> bool:
    """True when the generator's ``finish_reason`` / ``stop_reason`` kept in metadata says the answer hit its length limit."""
    if not metadata or "length" not in metadata:
        return False
    try:
        values = json.loads(metadata)
    except json.JSONDecodeError:
        return False
    return isinstance(values, dict) and any(values.get(key) in _LENGTH_STOPS for key in _STOP_KEYS)


def check_batch(table: pa.Table, identifier: LanguageIdentifier, quality_config: str | None = None) -> tuple[pa.Table, pa.Table]:
    """``(kept, dropped)`` of a CONVERSATION_SCHEMA table. All rows get normalised messages,
    ``languages`` (per message) and ``language``; dropped rows are DROP_SCHEMA rows of stage ``checks``."""
    rows = table.to_pylist()
    for row in rows:
        row["messages"] = normalise_messages(row["messages"])
    predictions = identify_turns([row["messages"] for row in rows], identifier)
    reasons = []
    for row, turns in zip(rows, predictions):
        row["languages"] = [p.language if p is not None else None for p in turns]
        row["language"] = conversation_language(row["messages"], turns)
        mismatch = language_mismatch(row["messages"], turns, row["category"])
        reasons.append(conversation_reason(row, row["languages"], mismatch, quality_config))
    checked = pa.Table.from_pylist(rows, schema=CONVERSATION_SCHEMA)
    return split_by_reason(checked, reasons, stage=STAGE)
