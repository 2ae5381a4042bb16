"""Decontamination: find evaluation items (SEA-HELM and any registered eval set) in curated and
post-training text by word n-grams, in all eleven languages, and report, drop or cut them.

One file per phase: evalsets (the registry) → words (normalise + segment) → hashing (n-gram hashes)
→ index (built once per eval-set version, cached under the data root) → matcher (DuckDB join) →
decide (report / drop / cut) → task and stage (the curation stage after dedup)."""
