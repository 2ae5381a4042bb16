"""One document as the quality rules see it: stripped text, lines, paragraphs and words, each computed once."""

from __future__ import annotations

import re
from functools import cached_property

from datatrove.pipeline.filters.gopher_repetition_filter import find_duplicates
from datatrove.utils.text import PUNCTUATION_SET

from pipelines.quality.ngram_repetition import NgramRepetition
from pipelines.quality.segment import words as segment_words

PUNCTUATION = "".join(PUNCTUATION_SET)  # for str.strip: a word of punctuation only strips to ""
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class QualityDocument:
    """The views of one text the rules measure; the word views segment the text on first use only,
    so documents that fail a line rule are never segmented."""

    def __init__(self, text: str, language: str):
        self.text = text.strip()
        self.language = language

    @cached_property
    def lines(self) -> list[str]:
        """Non-empty lines, stripped."""
        return [line.strip() for line in self.text.split("\n") if line.strip()]

    @cached_property
    def lower_text(self) -> str:
        """``text`` lower-cased: a phrase absent from it is in none of ``lower_lines``."""
        return self.text.lower()

    @cached_property
    def lower_lines(self) -> list[str]:
        """``lines`` lower-cased."""
        return [line.lower() for line in self.lines]

    @cached_property
    def line_duplicates(self) -> tuple[int, int]:
        """Gopher's (duplicated lines, characters in them)."""
        return find_duplicates(self.lines)

    @cached_property
    def paragraphs(self) -> list[str]:
        """Paragraphs (separated by blank lines), stripped."""
        return [p.strip() for p in _PARAGRAPH_BREAK.split(self.text) if p.strip()]

    @cached_property
    def paragraph_duplicates(self) -> tuple[int, int]:
        """Gopher's (duplicated paragraphs, characters in them)."""
        return find_duplicates(self.paragraphs)

    @cached_property
    def words(self) -> list[str]:
        """Words from the language's segmenter (never whitespace for th, km, lo, my, zh)."""
        return segment_words(self.text, self.language)

    @cached_property
    def distinct_content(self) -> set[str]:
        """Distinct words holding a non-punctuation character."""
        return {w for w in set(self.words) if w.strip(PUNCTUATION)}

    @cached_property
    def content_words(self) -> list[str]:
        """Words holding a non-punctuation character, in order."""
        return list(filter(self.distinct_content.__contains__, self.words))

    @cached_property
    def repetition(self) -> NgramRepetition:
        """Gopher n-gram repetition measures over ``words``."""
        return NgramRepetition(self.words)


def ratio(part: float, whole: float) -> float:
    """``part / whole``, 0 when ``whole`` is 0."""
    return part / whole if whole else 0.0
