"""A quality rule: one measured signal and the bounds outside which a document is dropped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipelines.quality.document import QualityDocument


@dataclass(frozen=True)
class Rule:
    """``measure`` gives the signal (a column on kept documents); a value below ``low`` or above
    ``high`` drops the document with ``low_reason`` / ``high_reason``. A bound of None never drops,
    so a rule switched off still annotates. ``needs_words`` rules run after every line rule."""

    signal: str
    measure: Callable[[QualityDocument], float]
    low: float | None = None
    low_reason: str = ""
    high: float | None = None
    high_reason: str = ""
    needs_words: bool = False

    def reason(self, value: float) -> str | None:
        """The drop reason for ``value``, or None when it lies within the bounds."""
        if self.low is not None and value < self.low:
            return self.low_reason
        if self.high is not None and value > self.high:
            return self.high_reason
        return None
