"""Dedup stage: exact and MinHash near-duplicate removal within each language, across
all sources, in bounded memory. Three phases: write_signatures (per input file),
find_duplicates (over all signature files: one bucket task per band and hash range, then a merge),
apply_dedup (per input file).

Nothing is imported here: the submodules load datasketch and SciPy, which only the dedup stage
needs (``pipelines.dedup.config`` is imported by every curation run)."""
