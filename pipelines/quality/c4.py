"""C4's page rules (Raffel et al. 2020): lorem ipsum placeholder text, and pages full of JavaScript notices."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from pipelines.config_file import StrictModel
from pipelines.quality.document import QualityDocument, ratio
from pipelines.quality.rule import Rule


class C4Rules(StrictModel):
    """``c4_lorem_ipsum`` for any "lorem ipsum"; ``c4_javascript`` when more than
    ``max_javascript_lines_ratio`` of the lines mention JavaScript (C4 drops such lines; we drop
    pages where they are common)."""

    family: ClassVar[str] = "c4"
    max_javascript_lines_ratio: float | None = Field(ge=0)

    def rules(self) -> list[Rule]:
        """The family's rules in evaluation order."""

        def javascript(doc: QualityDocument) -> float:
            if "javascript" not in doc.lower_text:
                return 0.0
            return ratio(sum("javascript" in line for line in doc.lower_lines), len(doc.lines))

        return [
            Rule("c4_lorem_ipsum", lambda doc: float("lorem ipsum" in doc.lower_text), high=0.0,
                 high_reason="c4_lorem_ipsum"),
            Rule("c4_javascript_line_frac", javascript, high=self.max_javascript_lines_ratio, high_reason="c4_javascript"),
        ]
