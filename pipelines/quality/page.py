"""Page-level rules: pages too short to judge, and pages made of boilerplate (cookie, privacy, terms lines)."""

from __future__ import annotations

import unicodedata
from typing import ClassVar

from pydantic import Field, field_validator

from pipelines.config_file import StrictModel
from pipelines.quality.document import QualityDocument, ratio
from pipelines.quality.rule import Rule


class PageRules(StrictModel):
    """``page_too_short`` below ``min_chars`` (stripped); ``page_boilerplate`` when more than
    ``max_boilerplate_lines_ratio`` of the lines hold one of ``boilerplate_phrases`` (lower-cased, NFC)."""

    family: ClassVar[str] = "page"
    min_chars: int | None = Field(ge=0)
    max_boilerplate_lines_ratio: float | None = Field(ge=0)
    boilerplate_phrases: tuple[str, ...]

    @field_validator("boilerplate_phrases")
    @classmethod
    def _normalise(cls, phrases: tuple[str, ...]) -> tuple[str, ...]:
        if not all(phrases):
            raise ValueError("phrases must be non-empty strings")
        return tuple(dict.fromkeys(unicodedata.normalize("NFC", p.lower()) for p in phrases))

    def rules(self) -> list[Rule]:
        """The family's rules in evaluation order."""
        phrases = self.boilerplate_phrases

        def boilerplate(doc: QualityDocument) -> float:
            present = [p for p in phrases if p in doc.lower_text]  # a phrase the page lacks is in none of its lines
            if not present:
                return 0.0
            return ratio(sum(any(p in line for p in present) for line in doc.lower_lines), len(doc.lines))

        return [
            Rule("page_chars", lambda doc: len(doc.text), low=self.min_chars, low_reason="page_too_short"),
            Rule("page_boilerplate_line_frac", boilerplate, high=self.max_boilerplate_lines_ratio,
                 high_reason="page_boilerplate"),
        ]
