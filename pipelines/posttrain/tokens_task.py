"""Post-training tokens stage: chat-template token counts of curated conversations, per tokenizer.

Reads the checked conversations (``posttrain/checks/<source>/``) that the dedup stage kept (its narrow
parts in ``posttrain/dedup/<source>/``) and writes them to ``posttrain/tokens/<source>/`` with
columns ``tokens_<t>`` (total, see total_column), ``prompt_tokens_<t>``, ``trainable_tokens_<t>`` (see
pipelines.posttrain.template_tokens), ``turns`` and ``n_tool_calls``. A conversation that a
tokenizer's template refuses (Gemma 3's template has no tool role) keeps null counts for that
tokenizer, so a mix for it leaves it out and says how many; nothing is dropped here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pyarrow as pa

from pipelines import storage
from pipelines.curate.documents import deduplicated_documents, kept_part
from pipelines.curate.run import stage_items
from pipelines.posttrain.schema import to_openai
from pipelines.posttrain.template_tokens import TemplateCounter
from pipelines.runtime.drops import empty_drops
from pipelines.runtime.problems import ErrorLog
from pipelines.runtime.runner import (
    ExecutorFactory,
    StageOutcome,
    WorkItem,
    merge_outcomes,
    run_file_stage,
)
from pipelines.schema import token_column
from pipelines.storage.layout import POSTTRAIN_STAGES, DataLayout

STAGE = "tokens"


def total_column(tokenizer: str) -> str:
    """Column of all template tokens for ``tokenizer``: ``tokens_gemma3``; a Hub id or folder becomes
    lowercase letters, digits and '_' (``swiss-ai/Apertus-8B`` -> ``tokens_swiss_ai_apertus_8b``)."""
    return token_column(re.sub(r"[^a-z0-9_]", "_", tokenizer.lower()))


def prompt_column(tokenizer: str) -> str:
    """Column of the prompt (non-trainable) template tokens for ``tokenizer``."""
    return f"prompt_{total_column(tokenizer)}"


def trainable_column(tokenizer: str) -> str:
    """Column of the trainable (assistant) template tokens for ``tokenizer``."""
    return f"trainable_{total_column(tokenizer)}"


@lru_cache(maxsize=8)
def _counter(tokenizer: str) -> TemplateCounter:
    return TemplateCounter(tokenizer)


def template_messages(row: dict) -> list[dict]:
    """A CONVERSATION_SCHEMA row's messages in the OpenAI form the shards hold and the templates see:
    a null ``content`` (an assistant turn that only calls tools) becomes "", which Qwen3's template
    (and most others) need where the OpenAI API would send null."""
    return [{**m, "content": "" if m.get("content") is None else m["content"]} for m in to_openai(row)["messages"]]


def openai_pairs(table: pa.Table) -> list[tuple[list[dict], list[dict] | None]]:
    """(messages, tools) of every conversation of a CONVERSATION_SCHEMA table, in the OpenAI form."""
    return [(template_messages(row), None if row["tools"] is None else json.loads(row["tools"]))
            for row in table.select(["messages", "tools"]).to_pylist()]


def add_template_counts(table: pa.Table, tokenizers: Sequence[str]) -> pa.Table:
    """``table`` with the template token columns of every tokenizer, ``turns`` and ``n_tool_calls``."""
    pairs = openai_pairs(table)
    for name in tokenizers:
        counter = _counter(name)
        counts = counter.count_many(pairs, refused_as_none=True)
        for column, attribute in ((total_column(name), "total"), (prompt_column(name), "prompt"),
                                  (trainable_column(name), "trainable")):
            values = [getattr(c, attribute) if c is not None else None for c in counts]
            table = _set_column(table, column, pa.array(values, pa.int64()))
    turns = [sum(1 for m in messages if m["role"] != "system") for messages, _ in pairs]
    calls = [sum(len(m.get("tool_calls") or ()) for m in messages) for messages, _ in pairs]
    table = _set_column(table, "turns", pa.array(turns, pa.int32()))
    return _set_column(table, "n_tool_calls", pa.array(calls, pa.int32()))


def _set_column(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    if name in table.column_names:
        return table.set_column(table.column_names.index(name), name, values)
    return table.append_column(name, values)


@dataclass(frozen=True)
class ChatTokensTask:
    """Template token counts for every configured tokenizer (a FileTask for the runner)."""

    tokenizers: tuple[str, ...]
    kept_dir: str  # posttrain/dedup: narrow parts naming the conversations dedup kept
    kept_fingerprint: str = ""  # what the kept parts were built from
    name: str = "posttrain-tokens"

    def fingerprint(self) -> str:
        return f"posttrain-tokens-v3|{self.tokenizers}|{self.kept_fingerprint}"

    def process(self, item: WorkItem, errors: ErrorLog) -> Iterator[tuple[pa.Table, pa.Table]]:
        for table in deduplicated_documents(item.in_path, kept_part(self.kept_dir, item)):
            yield add_template_counts(table, self.tokenizers), empty_drops()


def run_posttrain_tokens(data_root: str, tokenizers: Sequence[str], workers: int = 1,
                         executor_factory: ExecutorFactory | None = None) -> StageOutcome:
    """Count template tokens of every source's curated conversations into ``posttrain/tokens/<source>/``."""
    layout = DataLayout.at(data_root)
    curated = layout.posttrain_curated_dir
    sources = [storage.name(f) for f in storage.subfolders(curated) if not storage.name(f).startswith(("_", "."))]
    if not sources:
        raise RuntimeError(f"no curated conversations under {curated}; run `seamix posttrain curate` first "
                           f"(stages {', '.join(POSTTRAIN_STAGES)})")
    outcomes = []
    for source in sources:
        kept = layout.posttrain_folder(POSTTRAIN_STAGES[-1], source)
        task = ChatTokensTask(tuple(tokenizers), storage.parent(kept.path), kept.recorded_fingerprint)
        items = stage_items(layout.posttrain_folder(POSTTRAIN_STAGES[-2], source))
        outcomes.append(run_file_stage(task, items, layout.posttrain_folder(STAGE, source).path, workers, executor_factory))
    return merge_outcomes(STAGE, layout.posttrain_dir(STAGE), outcomes)
