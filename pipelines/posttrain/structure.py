"""Structure checks of one conversation: empty turns, role order, a final answer, truncation, repetition loops.

Role order is what the gemma3 and qwen3 chat templates (and TRL's assistant masks) accept: an
optional system message first, then user and assistant alternating from a user turn; tool messages
only right after an assistant message with tool calls (or after other tool messages answering it);
the conversation ends with an assistant message. Repetition loops use the quality stage's Gopher
duplicated n-gram measures and thresholds per language on each assistant text (content and reasoning)."""

from __future__ import annotations

import re
from functools import lru_cache

from pipelines.langid.languages import BY_CODE
from pipelines.quality.ngram_repetition import NgramRepetition
from pipelines.quality.rules import (
    QualityThresholds,
    load_quality_config,
    thresholds_for,
)
from pipelines.quality.segment import words

#: Drop reasons of this module, in the order they are checked.
REASONS = ("empty_turn", "role_order", "no_final_answer", "truncated_answer", "repetition_loop")
#: Assistant texts with fewer words are too short for the repetition rules (a list of five
#: one-word items would look like a loop).
MIN_REPETITION_WORDS = 30
#: A final answer ending in one of these stopped mid-sentence.
#: ("/" and "+" are not among them: answers end in URLs and "C++".)
_DANGLING_ENDS = (",", "，", "、", ":", "：", ";", "；", "(", "[", "{", "-", "–", "=")
_FALLBACK_LANGUAGE = "eng_Latn"
_FENCE = re.compile(r"^\s*```", re.MULTILINE)


def structure_reason(messages: list[dict], languages: list[str | None] | None = None,
                     quality_config: str | None = None) -> str | None:
    """The first of REASONS this conversation fails, or None. ``languages`` (per message, canonical
    code or None) pick the word segmenter and repetition thresholds of each assistant text
    (English's when unknown); ``quality_config`` as in the quality stage (None: its defaults)."""
    if any(_is_empty(m) for m in messages):
        return "empty_turn"
    if not _roles_in_order(messages):
        return "role_order"
    if not messages or messages[-1]["role"] != "assistant":
        return "no_final_answer"
    if _truncated(messages[-1]):
        return "truncated_answer"
    config = _quality_config(quality_config)
    for index, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        language = (languages[index] if languages else None) or _FALLBACK_LANGUAGE
        language = language if language in BY_CODE else _FALLBACK_LANGUAGE
        for text in (message["content"], message["reasoning"]):
            if text and is_repetition_loop(text, language, thresholds_for(config, language)):
                return "repetition_loop"
    return None


def _is_empty(message: dict) -> bool:
    """No text: assistant messages may carry tool calls instead."""
    if message["content"] is not None and message["content"].strip():
        return False
    return not (message["role"] == "assistant" and message.get("tool_calls"))


def _roles_in_order(messages: list[dict]) -> bool:
    """True when the roles follow the grammar of the module docstring."""
    previous = None  # role of the previous message, "assistant_call" for an assistant with tool calls
    for index, message in enumerate(messages):
        role = message["role"]
        if role == "system":
            ok = index == 0
        elif role == "user":
            ok = previous in (None, "system", "assistant")
        elif role == "assistant":
            ok = previous in ("user", "tool")
            role = "assistant_call" if message.get("tool_calls") else role
        elif role == "tool":
            ok = previous in ("assistant_call", "tool")
        else:
            ok = False
        if not ok:
            return False
        previous = role
    return True


def _truncated(message: dict) -> bool:
    """An answer that stopped early: an unclosed think block or code fence, or a dangling last character."""
    if message.get("tool_calls") and not (message["content"] or "").strip():
        return False
    content = message["content"] or ""
    reasoning = message["reasoning"] or ""
    if "<think>" in content and "</think>" not in content:
        return True
    if len(_FENCE.findall(content)) % 2:
        return True
    text = content.rstrip() or reasoning.rstrip()
    return text.endswith(_DANGLING_ENDS)


def is_repetition_loop(text: str, language: str, thresholds: QualityThresholds) -> bool:
    """True when ``text`` fails Gopher's duplicated 5-10-gram rules of ``thresholds`` (character
    fractions); texts under MIN_REPETITION_WORDS words never do. The most-frequent 2-4-gram rules
    are not applied: tuned on web pages, they flagged 7 of the sample's ~90 natural two-sentence
    answers (Malay, Indonesian, Lao), where a loop repeats whole sentences."""
    tokens = words(text, language)
    if len(tokens) < MIN_REPETITION_WORDS:
        return False
    smallest = min(n for n, _ in thresholds.max_dup_ngram_char_frac)
    grams = list(zip(*(tokens[i:] for i in range(smallest))))
    if len(set(grams)) == len(grams):  # no n-gram repeats, so no longer one does: the common case, in one set
        return False
    repetition = NgramRepetition(tokens)
    return any(repetition.duplicate_ngram_chars(n) / len(text) > limit for n, limit in thresholds.max_dup_ngram_char_frac)


@lru_cache(maxsize=4)
def _quality_config(path: str | None) -> dict[str, QualityThresholds]:
    return load_quality_config(path)
