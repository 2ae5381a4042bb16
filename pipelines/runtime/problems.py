"""Bad-input bookkeeping: every problem names its file and location, is counted, and never stops the run."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class InputProblem:
    """One bad input: which file, where in it (byte offset, line, row), what happened."""

    file: str
    where: str
    message: str
    kind: str = "error"  # "error" (unreadable input) or a skip reason such as "non_html"

    def __str__(self) -> str:
        return f"{self.file} [{self.where}]: {self.message}"


@dataclass
class ErrorLog:
    """Counts problems per kind and keeps the first ``keep`` of them verbatim."""

    keep: int = 200
    counts: Counter = field(default_factory=Counter)
    samples: list[InputProblem] = field(default_factory=list)

    def add(self, file: str, where: str, message: str, kind: str = "error") -> None:
        """Record one problem."""
        self.counts[kind] += 1
        if len(self.samples) < self.keep:
            self.samples.append(InputProblem(file, where, message, kind))

    @property
    def errors(self) -> int:
        """Number of problems of kind ``error``."""
        return self.counts["error"]

    def merge(self, other: "ErrorLog") -> None:
        """Add another log's counts and samples to this one."""
        self.counts.update(other.counts)
        room = self.keep - len(self.samples)
        self.samples.extend(other.samples[: max(room, 0)])

    def to_dict(self) -> dict:
        """JSON-friendly form."""
        return {
            "counts": dict(self.counts),
            "samples": [vars(p) for p in self.samples],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ErrorLog":
        """Inverse of to_dict()."""
        log = cls()
        log.counts.update(data.get("counts", {}))
        log.samples = [InputProblem(**p) for p in data.get("samples", [])]
        return log
