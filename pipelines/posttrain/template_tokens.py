"""Token counts of conversations rendered through a tokenizer's chat template: total, prompt, trainable.

The full text F is ``render(messages, tools)``; its tokens are ``encode(F, add_special_tokens=False)``,
exactly what ``apply_chat_template(messages, tools=tools, tokenize=True)`` returns. The trainable
tokens are those of the assistant turns as rendered: for assistant message i, the span of F from the
end of ``render(messages[:i], add_generation_prompt=True)`` (after the assistant header) to the end
of ``render(messages[:i+1])`` (its content, reasoning and tool calls, through the end-of-turn
marker and what the template writes after it for that turn). A token is trainable when its character
offsets overlap such a span (the rule transformers uses for ``return_assistant_tokens_mask``); the
prompt tokens are the rest. Templates that rewrite a turn once later turns follow (Qwen3 drops the
reasoning of assistant turns before the last user turn) make a prefix rendering differ from F; the
boundary is then where the prefix rendering's tail resumes in F: after the point where the two
diverge, the longest stretch of F that ends the prefix rendering.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipelines.posttrain.chat_template import (
    ChatTemplate,
    ChatTemplateError,
    load_chat_template,
    prepare_messages,
)
from pipelines.tokens.registry import load_tokenizer

#: Characters of the diverged tail compared before a full comparison (a cheap filter).
_PROBE = 16


@dataclass(frozen=True)
class TemplateTokens:
    """Token counts of one rendered conversation."""

    total: int
    prompt: int
    trainable: int
    turns: int  # messages other than system ones
    tool_calls: int

    def over(self, max_length: int | None) -> bool:
        """True when the rendered conversation is longer than ``max_length`` tokens."""
        return max_length is not None and self.total > max_length


class TemplateCounter:
    """Counts tokens of OpenAI-form conversations with one tokenizer and its chat template."""

    def __init__(self, tokenizer: str) -> None:
        self.template: ChatTemplate = load_chat_template(tokenizer)
        self.tokenizer = load_tokenizer(tokenizer)

    def render(self, messages: Sequence[Mapping], tools: Sequence[Mapping] | None = None) -> str:
        """The full training text of a conversation (no generation prompt)."""
        return self.template.render(messages, tools)

    def assistant_spans(self, messages: Sequence[Mapping],
                        tools: Sequence[Mapping] | None = None) -> tuple[str, list[tuple[int, int]]]:
        """The full text and the character span of every assistant turn in it."""
        prepared = prepare_messages(messages)
        render = self.template.render_prepared
        full = render(prepared, tools, False)
        spans = []
        for i, message in enumerate(prepared):
            if message.get("role") != "assistant":
                continue
            start = boundary(render(prepared[:i], tools, True), full)
            through = full if i == len(prepared) - 1 else render(prepared[:i + 1], tools, False)
            spans.append((start, boundary(through, full)))
        return full, spans

    def count(self, messages: Sequence[Mapping], tools: Sequence[Mapping] | None = None) -> TemplateTokens:
        """Counts for one conversation."""
        return self.count_many([(messages, tools)])[0]

    def count_many(self, conversations: Sequence[tuple[Sequence[Mapping], Sequence[Mapping] | None]],
                   refused_as_none: bool = False) -> list[TemplateTokens | None]:
        """Counts for many (messages, tools) pairs; the texts are encoded in one multi-threaded batch.
        A conversation the template refuses raises ChatTemplateError, or counts as None with ``refused_as_none``."""
        rendered = [self._spans_or_none(messages, tools, refused_as_none) for messages, tools in conversations]
        texts = [r[0] for r in rendered if r is not None]
        encodings = iter(self.tokenizer.encode_batch(texts, add_special_tokens=False))
        out: list[TemplateTokens | None] = []
        for (messages, _), spanned in zip(conversations, rendered):
            if spanned is None:
                out.append(None)
                continue
            spans, encoding = spanned[1], next(encodings)
            trainable = encoded_span_tokens(encoding, spans, len(spanned[0]))
            total = len(encoding)
            out.append(TemplateTokens(
                total=total, prompt=total - trainable, trainable=trainable,
                turns=sum(1 for m in messages if m.get("role") != "system"),
                tool_calls=sum(len(m.get("tool_calls") or ()) for m in messages),
            ))
        return out

    def _spans_or_none(self, messages: Sequence[Mapping], tools: Sequence[Mapping] | None,
                       refused_as_none: bool) -> tuple[str, list[tuple[int, int]]] | None:
        try:
            return self.assistant_spans(messages, tools)
        except ChatTemplateError:
            if refused_as_none:
                return None
            raise


def encoded_span_tokens(encoding: Any, spans: Sequence[tuple[int, int]], text_length: int) -> int:
    """Tokens of ``encoding`` overlapping the character spans, found with char_to_token (no Python
    list of offsets); falls back to trainable_token_count when a span edge is on an uncovered character."""
    count, counted_to = 0, 0
    for start, end in spans:
        if end <= start:
            continue
        first = encoding.char_to_token(start)
        if end >= text_length:
            after = len(encoding)
        else:
            after = encoding.char_to_token(end)
            if after is not None and encoding.token_to_chars(after)[0] < end:
                after += 1  # that token starts inside the span: it overlaps it
        if first is None or after is None:
            offsets = encoding.offsets
            return trainable_token_count([a for a, _ in offsets], [b for _, b in offsets], spans)
        first = max(first, counted_to)
        if after > first:
            count += after - first
            counted_to = after
    return count


def trainable_token_count(starts: Sequence[int], ends: Sequence[int], spans: Sequence[tuple[int, int]]) -> int:
    """Tokens (ordered character offsets) overlapping any span: end > span start and start < span end."""
    count, counted_to = 0, 0
    for span_start, span_end in spans:
        lo = max(bisect_right(ends, span_start), counted_to)
        hi = bisect_left(starts, span_end)
        if hi > lo:
            count += hi - lo
            counted_to = hi
    return count


def boundary(prefix: str, full: str) -> int:
    """Where ``prefix`` (a rendering of the first messages) ends inside ``full``.

    ``len(prefix)`` when it is a prefix of ``full``; otherwise, from the first differing character d,
    d plus the longest L such that full[d:d+L] is the last L characters of ``prefix``; d when none."""
    if full.startswith(prefix):
        return len(prefix)
    d = _common_prefix_length(prefix, full)
    longest = min(len(prefix) - d, len(full) - d)
    probe_length = min(_PROBE, longest)
    probe = full[d:d + probe_length]
    position = len(prefix) - longest
    while probe_length:  # tails of at least probe_length characters, longest first
        position = prefix.find(probe, position)
        if position < 0:
            break
        if full.startswith(prefix[position:], d):
            return d + len(prefix) - position
        position += 1
    for length in range(probe_length - 1, 0, -1):  # shorter tails
        if full.startswith(prefix[-length:], d):
            return d + length
    return d


def _common_prefix_length(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:  # binary search on equal prefixes: C-speed slice comparisons
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo
