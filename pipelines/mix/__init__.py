"""Datamix: pool -> mix spec -> plan (integer token quotas) -> deterministic token-exact sample -> shards + manifest -> report."""
