"""Structure checks: empty turns, role order the chat templates accept, final answers, truncation, loops."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.posttrain.schema import make_message
from pipelines.posttrain.structure import structure_reason

SENTENCES = Path(__file__).resolve().parents[2] / "sample" / "sentences"


def m(role, content="text", **kw):
    return make_message(role, content, **kw)


CALL = [{"id": "c", "name": "f", "arguments": "{}"}]


@pytest.mark.parametrize("messages, reason", [
    ([m("user"), m("assistant")], None),
    ([m("system"), m("user"), m("assistant"), m("user"), m("assistant")], None),
    ([m("user"), m("assistant", None, tool_calls=CALL), m("tool", tool_call_id="c"), m("assistant")], None),
    ([m("user"), m("assistant", None, tool_calls=CALL)], None),
    ([m("user"), m("assistant", " \n\t")], "empty_turn"),
    ([m("user", ""), m("assistant")], "empty_turn"),
    ([m("user"), m("assistant", None)], "empty_turn"),
    ([m("assistant"), m("user"), m("assistant")], "role_order"),
    ([m("user"), m("system"), m("assistant")], "role_order"),
    ([m("user"), m("user"), m("assistant")], "role_order"),
    ([m("user"), m("assistant"), m("assistant")], "role_order"),
    ([m("user"), m("tool"), m("assistant")], "role_order"),
    ([m("user"), m("assistant"), m("tool"), m("assistant")], "role_order"),  # tool result without a call
    ([m("user"), m("narrator"), m("assistant")], "role_order"),
    ([m("system"), m("user")], "no_final_answer"),
    ([m("user"), m("assistant", None, tool_calls=CALL), m("tool", tool_call_id="c")], "no_final_answer"),
    ([m("user"), m("assistant", "The three steps are: first,")], "truncated_answer"),
    ([m("user"), m("assistant", "Here:\n```python\nprint(1)\n")], "truncated_answer"),
    ([m("user"), m("assistant", "<think>still thinking")], "truncated_answer"),
    ([m("user"), m("assistant", "Here:\n```python\nprint(1)\n```\nDone.")], None),
    ([m("user"), m("assistant", "Here:\n```python\nprint(1)\n```")], None),
    ([m("user"), m("assistant", "See https://example.org/")], None),
    ([m("user"), m("assistant", "Most of it is written in C++")], None),
    ([m("user"), m("assistant", "ผลลัพธ์คือ")], None),  # Thai ends without punctuation
])
def test_structure_cases(messages, reason):
    assert structure_reason(messages) == reason


@pytest.mark.parametrize("language", ["eng_Latn", "tha_Thai", "cmn_Hani", "mya_Mymr"])
def test_repetition_loop_in_real_sentences(language):
    lines = [line for line in (SENTENCES / f"{language}.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    joiner = "" if language == "cmn_Hani" else " "
    natural = joiner.join(lines[:6])
    looped = joiner.join([lines[0]] * 8)
    assert structure_reason([m("user"), m("assistant", natural)], [None, language]) is None
    assert structure_reason([m("user"), m("assistant", looped)], [None, language]) == "repetition_loop"
    assert structure_reason([m("user"), m("assistant", "ok", reasoning=looped)], [None, language]) == "repetition_loop"


def test_generator_stop_by_length_in_metadata_is_a_truncated_answer():
    from pipelines.posttrain.checks import conversation_reason, stopped_by_length

    row = {"messages": [m("user"), m("assistant", "A complete looking answer.")], "tools": None,
           "metadata": '{"finish_reason": "length", "generator": "x"}'}
    assert conversation_reason(row, [None, None], mismatch=False) == "truncated_answer"
    assert not stopped_by_length('{"finish_reason": "stop", "note": "length"}')
    assert not stopped_by_length(None) and not stopped_by_length("not json length")
