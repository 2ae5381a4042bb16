"""Export stage: a sampled mix as tokenized training data (MDS for LLM Foundry, Megatron indexed datasets, JSONL)."""
