"""Settings of the dedup stage: shingle sizes, MinHash width and the LSH banding.

LSH banding turns ``num_perm`` MinHash values into ``bands`` bands of ``rows`` values;
two documents become candidates when all rows of at least one band agree, which
happens with probability ``1 - (1 - J**rows)**bands`` for Jaccard similarity ``J``.
The S-curve's steepest point, ``(1/bands)**(1/rows)``, is :meth:`DedupConfig.threshold`.
Candidates are then verified: a pair is merged only when the fraction of equal
MinHash values (the estimated Jaccard) is at least that same threshold.

Defaults (120 permutations, 20 bands x 6 rows) give a threshold of 0.607; a pair with
Jaccard 0.8 becomes a candidate with probability 0.998, one with 0.5 with 0.27 and is
then almost always rejected by the verification. (datatrove's 14 x 8 = 112 puts the
threshold at 0.72 but finds only 92% of the pairs at Jaccard 0.8.)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DedupConfig:
    """How documents are shingled, signed and grouped into near-duplicate clusters."""

    ngram_size: int = 5  # word n-grams for spaced languages
    char_ngram_size: int = 5  # character n-grams for unspaced ones (pipelines.langid.languages.is_spaced(code) is False)
    num_perm: int = 120
    bands: int = 20
    rows: int = 6  # bands * rows must equal num_perm
    seed: int = 1
    source_priority: tuple[str, ...] = ()  # survivor choice: earlier sources win, then larger n_chars, then smaller id
    memory_limit: str = "1GB"  # DuckDB memory_limit for find_duplicates; beyond it DuckDB spills to work_dir
    batch_rows: int = 500  # documents per batch (and signature-file row group) while streaming

    def __post_init__(self) -> None:
        for name in ("ngram_size", "char_ngram_size", "num_perm", "bands", "rows", "batch_rows"):
            if getattr(self, name) < 1:
                raise ValueError(f"DedupConfig.{name} must be >= 1, got {getattr(self, name)}")
        if self.bands * self.rows != self.num_perm:
            raise ValueError(
                f"DedupConfig: bands * rows must equal num_perm, got {self.bands} * {self.rows} = "
                f"{self.bands * self.rows} != num_perm {self.num_perm}"
            )
        if len(set(self.source_priority)) != len(self.source_priority):
            raise ValueError(f"DedupConfig.source_priority lists a source twice: {self.source_priority}")

    def threshold(self) -> float:
        """Jaccard threshold implied by the banding, ``(1/bands) ** (1/rows)``; also the
        minimum estimated Jaccard a candidate pair needs to be merged."""
        return (1.0 / self.bands) ** (1.0 / self.rows)
