"""Rates of the post-training checks stage: tool-call validity and response-language match."""

from __future__ import annotations

import duckdb

from pipelines import storage
from pipelines.posttrain.checks import LANGUAGE_REASON
from pipelines.posttrain.checks import STAGE as CHECKS_STAGE
from pipelines.posttrain.tool_calls import REASONS as TOOL_REASONS
from pipelines.storage.layout import POSTTRAIN_STAGES, DataLayout
from pipelines.storage.parquet_io import parquet_parts


def check_rates(layout: DataLayout) -> dict[str, float | int]:
    """What the checks stage saw and dropped: conversations with tool calls and how many of them
    had valid calls (``tool_call_validity_rate``), and the share of checked conversations whose
    response language matched the prompt's (``response_language_match_rate``). Checks run in order
    (structure, tool calls, language), so a conversation is counted under the first one it fails."""
    checked = storage.join(layout.posttrain_dir(POSTTRAIN_STAGES[POSTTRAIN_STAGES.index(CHECKS_STAGE) - 1]), "*")
    inputs = [p for folder in storage.glob(checked) for p in parquet_parts(folder)]
    drops = storage.glob(storage.join(layout.posttrain_dir(CHECKS_STAGE), "*", "_dropped", "part-*.parquet"))
    if not inputs:
        raise RuntimeError(f"no input of the post-training checks under {checked}; run `seamix posttrain curate`")
    con = duckdb.connect()
    try:
        storage.register_duckdb(con, *inputs, *drops)
        conversations, with_calls = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE list_sum(list_transform(messages, "
            "lambda m: coalesce(len(m.tool_calls), 0))) > 0) FROM read_parquet($p, union_by_name = true)",
            {"p": inputs}).fetchone()
        reasons = dict(con.execute("SELECT reason, count(*) FROM read_parquet($p, union_by_name = true) GROUP BY ALL",
                                   {"p": drops}).fetchall()) if drops else {}
    finally:
        con.close()
    invalid_calls = sum(n for reason, n in reasons.items() if reason in TOOL_REASONS)
    mismatched = reasons.get(LANGUAGE_REASON, 0)
    return {
        "conversations_checked": int(conversations),
        "tool_call_conversations": int(with_calls),
        "tool_call_invalid": int(invalid_calls),
        "tool_call_validity_rate": 1 - invalid_calls / with_calls if with_calls else 1.0,
        "response_language_mismatch": int(mismatched),
        "response_language_match_rate": 1 - mismatched / conversations if conversations else 1.0,
    }
