"""FineWeb's line rules (Penedo et al. 2024): lines ending in punctuation, short lines, characters
in duplicated lines, and list-like pages (many lines per word)."""

from __future__ import annotations

from typing import ClassVar

from datatrove.utils.text import TERMINAL_PUNCTUATION
from pydantic import Field

from pipelines.config_file import StrictModel
from pipelines.quality.document import QualityDocument, ratio
from pipelines.quality.rule import Rule

LINE_END = tuple(TERMINAL_PUNCTUATION) + ('"', "'", "”", "’", "»", "」", "』", "）", ")")


class FineWebRules(StrictModel):
    """``max_newline_word_ratio`` counts non-empty lines per word (blank lines between paragraphs do not count twice)."""

    family: ClassVar[str] = "fineweb"
    min_line_punct_ratio: float | None = Field(ge=0)
    max_short_line_ratio: float | None = Field(ge=0)
    short_line_length: int = Field(ge=0)
    max_dup_line_chars_ratio: float | None = Field(ge=0)
    max_newline_word_ratio: float | None = Field(ge=0)

    def rules(self) -> list[Rule]:
        """The family's rules in evaluation order (the list rule needs words)."""
        name, short = self.family, self.short_line_length

        def dup_line_chars(doc: QualityDocument) -> float:
            return ratio(doc.line_duplicates[1], sum(len(line) for line in doc.lines))

        return [
            Rule(f"{name}_line_punct_frac", lambda doc: ratio(sum(line.endswith(LINE_END) for line in doc.lines), len(doc.lines)),
                 low=self.min_line_punct_ratio, low_reason=f"{name}_line_punct"),
            Rule(f"{name}_short_line_frac", lambda doc: ratio(sum(len(line) <= short for line in doc.lines), len(doc.lines)),
                 high=self.max_short_line_ratio, high_reason=f"{name}_short_lines"),
            Rule(f"{name}_dup_line_char_frac", dup_line_chars, high=self.max_dup_line_chars_ratio,
                 high_reason=f"{name}_dup_line_chars"),
            Rule(f"{name}_line_word_ratio", lambda doc: len(doc.lines) / len(doc.content_words),
                 high=self.max_newline_word_ratio, high_reason=f"{name}_list_ratio", needs_words=True),
        ]
