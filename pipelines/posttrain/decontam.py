"""Decontamination of conversations: the user and assistant turns matched against the eval-set index
(pipelines/decontaminate), each decision a row. A contaminated conversation is reported or dropped
(``decontam_<benchmark>``); ``cut`` drops it too, since a conversation with a turn removed is no
longer the conversation that was written."""

from __future__ import annotations

import pyarrow as pa

from pipelines.decontaminate.config import DecontamConfig
from pipelines.decontaminate.decide import decide
from pipelines.decontaminate.index import EvalIndex
from pipelines.decontaminate.task import process_matcher


def turns_text(messages: list[dict]) -> str:
    """The user and assistant turns of one conversation, one per line block, as matched."""
    return "\n".join(m["content"] or "" for m in messages if m["role"] in ("user", "assistant"))


def decontaminate_conversations(
    table: pa.Table, index: EvalIndex, config: DecontamConfig, spill_dir: str | None
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """``(kept, dropped, decisions)`` of a batch of checked conversations (CONVERSATION_SCHEMA, with ``language``)."""
    texts = [turns_text(messages) for messages in table.column("messages").to_pylist()]
    matches = process_matcher(index, config, spill_dir).match(texts, table.column("language").to_pylist())
    with_text = table.append_column("text", pa.array(texts, pa.large_string()))
    kept, dropped, decisions = decide(with_text, matches, "report" if config.action == "report" else "drop", 1.0)
    return kept.drop_columns(["text"]), dropped, decisions
