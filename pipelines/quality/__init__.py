"""Quality stage: per-language heuristic rules over real word segmentation, and PII masking."""
