"""Evaluation of language ID and quality filters on the real third-party data in ../shared/realdata."""
