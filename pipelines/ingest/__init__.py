"""Ingest stage: list a source's files and read each into the canonical schema (readers per kind; Common Crawl in commoncrawl/)."""
