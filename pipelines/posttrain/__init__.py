"""Post-training data: chat, instruction, reasoning and tool-calling conversations in one schema, curated with drop reasons."""
