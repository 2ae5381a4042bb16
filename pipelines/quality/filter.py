"""The quality stage's decision: every rule family of a document's language, signals annotate, a rule drops.

Each family (page, c4, gopher_quality, gopher_repetition, fineweb; one module each) turns a
document into measured signals and, outside its bounds, a drop reason prefixed by the family
(``page_too_short``, ``gopher_quality_short``, ``fineweb_line_punct`` ...). The line rules of all
families run first and the word rules after them, so only documents that pass every line rule are
segmented; the first failing rule names the reason. Kept documents carry every signal as a column
(``<family>_<signal>``, float64), so thresholds can be re-applied in DuckDB without a re-run.
Words come from pipelines.quality.segment.words(), never whitespace for th, km, lo, my and zh.
"""

from __future__ import annotations

import pyarrow as pa

from pipelines.quality.config import DEFAULT, LanguageQuality, thresholds_for
from pipelines.quality.document import QualityDocument
from pipelines.quality.rule import Rule
from pipelines.runtime.drops import split_by_reason


def assess(text: str, language: str, rules: list[Rule]) -> tuple[str | None, dict[str, float]]:
    """``(reason or None, signals measured until then)`` of ``text`` under ``rules`` (in order)."""
    document = QualityDocument(text, language)
    signals: dict[str, float] = {}
    for rule in rules:
        value = rule.measure(document)
        signals[rule.signal] = value
        reason = rule.reason(value)
        if reason is not None:
            return reason, signals
    return None, signals


def quality_reason(text: str, language: str, settings: LanguageQuality) -> str | None:
    """Why ``text`` in canonical ``language`` fails the quality rules, or None to keep it."""
    return assess(text, language, settings.rules())[0]


def signal_columns(config: dict[str, LanguageQuality]) -> list[str]:
    """The signal columns kept documents get under ``config``: every rule's signal of every language
    (n-gram rules depend on each language's n), in rule order of first appearance."""
    return list(dict.fromkeys(rule.signal for settings in config.values() for rule in settings.rules()))


def quality_batch(table: pa.Table, config: dict[str, LanguageQuality]) -> tuple[pa.Table, pa.Table]:
    """Apply the rules of each row's ``language`` to its ``text``; return ``(kept, dropped)``.

    Kept rows gain ``n_chars`` and ``n_words`` (int64: characters, content words) and the
    ``signal_columns(config)`` (float64; null where the row's language has no such rule); dropped
    rows carry stage ``quality`` and the reason."""
    for column in ("text", "language"):
        if column not in table.column_names:
            raise ValueError(f"quality_batch: input table has no {column!r} column (columns: {table.column_names})")
    columns = signal_columns(config)
    rules_of: dict[str, list[Rule]] = {}
    reasons: list[str | None] = []
    n_chars: list[int] = []
    values: dict[str, list[float | None]] = {name: [] for name in columns}
    for text, language in zip(table.column("text").to_pylist(), table.column("language").to_pylist()):
        text, language = text or "", language or DEFAULT
        if language not in rules_of:
            rules_of[language] = thresholds_for(config, language).rules()
        reason, signals = assess(text, language, rules_of[language])
        reasons.append(reason)
        n_chars.append(len(text))
        for name in columns:
            values[name].append(signals.get(name))
    n_words = [int(w) if w is not None and r is None else 0 for w, r in zip(values["gopher_quality_words"], reasons)]
    table = table.append_column("n_chars", pa.array(n_chars, pa.int64()))
    table = table.append_column("n_words", pa.array(n_words, pa.int64()))
    for name in columns:
        table = table.append_column(name, pa.array(values[name], pa.float64()))
    return split_by_reason(table, reasons, stage="quality")
