"""Curation: ingest → extract → langid → quality → dedup → tokens, one task per stage."""
