"""Tokens stage: exact token counts with the configured tokenizers (registry resolves them offline too)."""
