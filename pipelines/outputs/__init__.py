"""Outputs for people and tools: the DuckDB catalog, health numbers and terminal tables."""
