"""Gopher's quality rules (Rae et al. 2021, appendix A1): line shapes, word counts and lengths,
symbols, alphabetic words and stop words, on the language's real words."""

from __future__ import annotations

import unicodedata
from typing import ClassVar

from pydantic import Field, field_validator

from pipelines.config_file import StrictModel
from pipelines.quality.document import QualityDocument, ratio
from pipelines.quality.rule import Rule

BULLETS = ("•", "-", "*", "·", "●", "▪", "►", "–")
ELLIPSES = ("...", "…")


class GopherQualityRules(StrictModel):
    """Thresholds as in Gopher; words are those with a non-punctuation character (``content words``)."""

    family: ClassVar[str] = "gopher_quality"
    max_bullet_lines_ratio: float | None = Field(ge=0)  # lines starting with a bullet
    max_ellipsis_lines_ratio: float | None = Field(ge=0)  # lines ending with an ellipsis
    min_words: int = Field(ge=0)
    max_words: int | None = Field(ge=0)
    min_avg_word_length: float | None = Field(ge=0)
    max_avg_word_length: float | None = Field(ge=0)
    max_symbol_word_ratio: float | None = Field(ge=0)  # ('#' + ellipses) per word
    min_alpha_words_ratio: float | None = Field(ge=0)  # words holding an alphabetic character
    min_stop_words: int | None = Field(ge=0)  # distinct stop words present
    stop_words: tuple[str, ...]

    @field_validator("stop_words")
    @classmethod
    def _normalise(cls, words: tuple[str, ...]) -> tuple[str, ...]:
        if not all(words):
            raise ValueError("stop words must be non-empty strings")
        return tuple(sorted({unicodedata.normalize("NFC", w.lower()) for w in words}))

    def rules(self) -> list[Rule]:
        """The family's rules in evaluation order (line shapes first; the others need words)."""
        stop_words = self.stop_words

        def alpha_words(doc: QualityDocument) -> float:
            alpha = {w for w in doc.distinct_content if w.isalpha() or any(map(str.isalpha, w))}
            return sum(map(alpha.__contains__, doc.content_words)) / len(doc.content_words)

        def symbols(doc: QualityDocument) -> float:
            return max(doc.text.count("#"), sum(doc.text.count(e) for e in ELLIPSES)) / len(doc.words)

        def present_stop_words(doc: QualityDocument) -> float:
            present = {w.lower() for w in doc.distinct_content}
            return sum(word in present for word in stop_words)

        def mean_length(doc: QualityDocument) -> float:
            return sum(map(len, doc.content_words)) / len(doc.content_words)

        name = self.family
        return [
            Rule(f"{name}_bullet_line_frac", lambda doc: ratio(sum(line.startswith(BULLETS) for line in doc.lines), len(doc.lines)),
                 high=self.max_bullet_lines_ratio, high_reason=f"{name}_bullet_lines"),
            Rule(f"{name}_ellipsis_line_frac", lambda doc: ratio(sum(line.endswith(ELLIPSES) for line in doc.lines), len(doc.lines)),
                 high=self.max_ellipsis_lines_ratio, high_reason=f"{name}_ellipsis_lines"),
            Rule(f"{name}_words", lambda doc: len(doc.content_words), low=max(self.min_words, 1), low_reason=f"{name}_short",
                 high=self.max_words, high_reason=f"{name}_long", needs_words=True),
            Rule(f"{name}_mean_word_length", mean_length, low=self.min_avg_word_length, low_reason=f"{name}_word_length_low",
                 high=self.max_avg_word_length, high_reason=f"{name}_word_length_high", needs_words=True),
            Rule(f"{name}_symbol_word_ratio", symbols, high=self.max_symbol_word_ratio, high_reason=f"{name}_symbol_ratio",
                 needs_words=True),
            Rule(f"{name}_alpha_word_frac", alpha_words, low=self.min_alpha_words_ratio, low_reason=f"{name}_alpha_words",
                 needs_words=True),
            Rule(f"{name}_stop_words", present_stop_words, low=self.min_stop_words, low_reason=f"{name}_stop_words",
                 needs_words=True),
        ]
