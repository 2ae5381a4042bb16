"""Post-training data: chat, instruction, reasoning and tool-calling conversations in one schema, curated with drop reasons.

Data side: ``schema`` (CONVERSATION_SCHEMA, to_openai/from_openai), ``layouts`` (one converter per
source layout), ``formats`` (layout per file), ``sources`` (``kind: chat`` registry), ``readers``,
``structure``, ``tool_calls`` and ``language`` (the checks, combined in ``checks``), ``tasks`` (file
tasks), ``dedup`` (user-turn dedup through pipelines.dedup) and ``curate`` (ingest -> checks -> dedup).
See docs/posttrain.md."""
