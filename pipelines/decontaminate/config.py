"""Settings of a decontamination run: which eval sets, n, the shortest item matched whole, the action."""

from __future__ import annotations

from dataclasses import dataclass

#: What a run does with a contaminated document: only record it, drop it, or cut the matching paragraphs.
ACTIONS = ("report", "drop", "cut")


@dataclass(frozen=True)
class DecontamConfig:
    """How eval items are indexed and what happens to documents that contain them.

    An item text of at least ``ngram_size`` words contaminates a document that shares one of its
    word ``ngram_size``-grams; a shorter one, of at least ``min_item_words`` words, when the document
    contains it whole (as a word sequence); shorter texts (answer letters, labels) are not indexed."""

    evalsets_file: str | None = None  # None: no eval sets, the stage does not run
    action: str = "drop"
    ngram_size: int = 13  # GPT-3 and NeMo Curator's n
    min_item_words: int = 8  # shortest item text matched whole
    max_cut_fraction: float = 0.5  # "cut" drops the document instead when it would lose more of its characters
    memory_limit: str = "1GB"  # DuckDB memory_limit of the index (spills to a local folder beyond it)
    batch_rows: int = 500  # documents matched per DuckDB join

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"DecontamConfig.action must be one of {ACTIONS}, got {self.action!r}")
        if not 1 <= self.min_item_words <= self.ngram_size:
            raise ValueError(
                f"DecontamConfig: need 1 <= min_item_words <= ngram_size, got {self.min_item_words} and {self.ngram_size}"
            )
        if not 0.0 < self.max_cut_fraction <= 1.0:
            raise ValueError(f"DecontamConfig.max_cut_fraction must be in (0, 1], got {self.max_cut_fraction}")
        if self.batch_rows < 1:
            raise ValueError(f"DecontamConfig.batch_rows must be >= 1, got {self.batch_rows}")

    @property
    def enabled(self) -> bool:
        """True when eval sets are configured (the stage runs between dedup and tokens)."""
        return self.evalsets_file is not None

    def index_settings(self) -> str:
        """The settings an index depends on (part of its fingerprint)."""
        return f"ngram_size={self.ngram_size}|min_item_words={self.min_item_words}"
