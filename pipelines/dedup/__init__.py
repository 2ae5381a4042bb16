"""Dedup stage: exact and MinHash near-duplicate removal within each language, across
all sources, in bounded memory. Three phases: write_signatures (per input file),
find_duplicates (once over all signature files), apply_dedup (per input file)."""

from pipelines.dedup.apply import apply_dedup
from pipelines.dedup.clusters import DUPLICATES_SCHEMA, DedupSummary, find_duplicates
from pipelines.dedup.config import DedupConfig
from pipelines.dedup.signatures import write_signatures

__all__ = ["DUPLICATES_SCHEMA", "DedupConfig", "DedupSummary", "apply_dedup", "find_duplicates", "write_signatures"]
