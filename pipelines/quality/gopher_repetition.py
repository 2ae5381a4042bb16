"""Gopher's repetition rules (Rae et al. 2021, table A1): duplicated lines and paragraphs, and
repeated word n-grams as shares of the document's characters."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from pipelines.config_file import StrictModel
from pipelines.quality.document import ratio
from pipelines.quality.rule import Rule

#: ``[n, largest allowed character fraction]``
NgramLimit = tuple[Annotated[int, Field(ge=1)], Annotated[float, Field(ge=0, le=1)]]


class GopherRepetitionRules(StrictModel):
    """Line and paragraph duplicates (by count and by characters), the most frequent n-gram for each
    n of ``max_top_ngram_char_frac`` and all duplicated n-grams for each n of ``max_dup_ngram_char_frac``."""

    family: ClassVar[str] = "gopher_repetition"
    max_dup_line_frac: float | None = Field(ge=0)
    max_dup_para_frac: float | None = Field(ge=0)
    max_dup_line_char_frac: float | None = Field(ge=0)
    max_dup_para_char_frac: float | None = Field(ge=0)
    max_top_ngram_char_frac: tuple[NgramLimit, ...]
    max_dup_ngram_char_frac: tuple[NgramLimit, ...]

    def rules(self) -> list[Rule]:
        """The family's rules in evaluation order (line and paragraph duplicates first; n-grams need words)."""
        name = self.family

        def top(n: int):
            return lambda doc: doc.repetition.top_ngram_chars(n) / len(doc.text)

        def duplicated(n: int):
            return lambda doc: doc.repetition.duplicate_ngram_chars(n) / len(doc.text)

        return [
            Rule(f"{name}_line_frac", lambda doc: ratio(doc.line_duplicates[0], len(doc.lines)),
                 high=self.max_dup_line_frac, high_reason=f"{name}_lines"),
            Rule(f"{name}_line_char_frac", lambda doc: ratio(doc.line_duplicates[1], len(doc.text)),
                 high=self.max_dup_line_char_frac, high_reason=f"{name}_line_chars"),
            Rule(f"{name}_paragraph_frac", lambda doc: ratio(doc.paragraph_duplicates[0], len(doc.paragraphs)),
                 high=self.max_dup_para_frac, high_reason=f"{name}_paragraphs"),
            Rule(f"{name}_paragraph_char_frac", lambda doc: ratio(doc.paragraph_duplicates[1], len(doc.text)),
                 high=self.max_dup_para_char_frac, high_reason=f"{name}_paragraph_chars"),
            *(Rule(f"{name}_top_{n}gram_char_frac", top(n), high=limit, high_reason=f"{name}_top_{n}gram", needs_words=True)
              for n, limit in self.max_top_ngram_char_frac),
            *(Rule(f"{name}_dup_{n}gram_char_frac", duplicated(n), high=limit, high_reason=f"{name}_dup_{n}gram",
                   needs_words=True)
              for n, limit in self.max_dup_ngram_char_frac),
        ]
