"""Per-language heuristic quality filter: Gopher quality and repetition, FineWeb line rules, C4 rules.

Each rule turns a document into a short drop reason (``gopher_short``, ``fineweb_line_punct``,
``c4_lorem_ipsum`` ...) or lets it through. Thresholds are per language (QualityThresholds) and come
from ``defaults.yaml`` or a user file of the same shape. Words are counted with
pipelines.quality.segment.words(), never by whitespace for Thai, Khmer, Lao, Burmese and Chinese.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields, replace
from pathlib import Path

import pyarrow as pa
import yaml
from datatrove.pipeline.filters.gopher_repetition_filter import find_duplicates
from datatrove.utils.text import PUNCTUATION_SET, TERMINAL_PUNCTUATION

from pipelines.langid.languages import lookup
from pipelines.quality.ngram_repetition import NgramRepetition
from pipelines.quality.segment import words as segment_words
from pipelines.runtime.drops import split_by_reason

DEFAULT_CONFIG = Path(__file__).with_name("defaults.yaml")
_PUNCTUATION = "".join(PUNCTUATION_SET)  # for str.strip: a word of punctuation only strips to ""
DEFAULT = "default"

_LINE_END = tuple(TERMINAL_PUNCTUATION) + ('"', "'", "”", "’", "»", "」", "』", "）", ")")
_BULLETS = ("•", "-", "*", "·", "●", "▪", "►", "–")
_ELLIPSES = ("...", "…")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class QualityThresholds:
    """Thresholds of every quality rule for one language (see defaults.yaml for meanings),
    plus the minimum language-ID score the langid stage applies to it."""

    min_language_score: float
    min_chars: int
    min_words: int
    max_words: int
    min_avg_word_length: float
    max_avg_word_length: float
    max_symbol_word_ratio: float
    max_bullet_lines_ratio: float
    max_ellipsis_lines_ratio: float
    min_alpha_words_ratio: float
    min_stop_words: int
    stop_words: tuple[str, ...]  # sorted, lower-cased, NFC
    max_dup_line_frac: float
    max_dup_para_frac: float
    max_dup_line_char_frac: float
    max_dup_para_char_frac: float
    max_top_ngram_char_frac: tuple[tuple[int, float], ...]
    max_dup_ngram_char_frac: tuple[tuple[int, float], ...]
    min_line_punct_ratio: float
    max_short_line_ratio: float
    short_line_length: int
    max_dup_line_chars_ratio: float
    max_newline_word_ratio: float
    max_javascript_lines_ratio: float
    max_boilerplate_lines_ratio: float
    boilerplate_phrases: tuple[str, ...]


# ---------------------------------------------------------------- configuration


def load_quality_config(path: str | Path | None = None) -> dict[str, QualityThresholds]:
    """Read the ``quality`` section of a YAML file (None: pipelines/quality/defaults.yaml).

    Returns ``{"default": ..., <canonical code>: ...}``: every language entry overrides the fields it
    names on top of ``default`` (``boilerplate_phrases`` are added to the default phrases instead).
    Unknown languages, unknown fields and ill-typed values raise ValueError naming file, language, field.
    ``{code: t.min_language_score for code, t in config.items()}`` is the ``min_scores`` of langid_batch."""
    path = Path(path) if path is not None else DEFAULT_CONFIG
    section = _read_yaml(path).get("quality")
    if not isinstance(section, dict) or not isinstance(section.get(DEFAULT), dict):
        raise ValueError(f"{path}: needs a 'quality' mapping with a 'default' entry")
    required = {f.name for f in fields(QualityThresholds)}
    missing = required - set(section[DEFAULT])
    if missing:
        raise ValueError(f"{path}: quality.default: missing field(s) {', '.join(sorted(missing))}")
    default = QualityThresholds(**{k: _field_value(path, DEFAULT, k, v) for k, v in section[DEFAULT].items()})
    config = {DEFAULT: default}
    for alias, overrides in section.items():
        if alias == DEFAULT:
            continue
        code = lookup(str(alias))
        if code is None:
            raise ValueError(f"{path}: quality.{alias}: unknown language")
        if not isinstance(overrides, dict):
            raise ValueError(f"{path}: quality.{alias}: expected a mapping of fields, got {overrides!r}")
        values = {k: _field_value(path, alias, k, v) for k, v in overrides.items()}
        if "boilerplate_phrases" in values:
            values["boilerplate_phrases"] = default.boilerplate_phrases + values["boilerplate_phrases"]
        config[code] = replace(default, **values)
    return config


def thresholds_for(config: dict[str, QualityThresholds], language: str) -> QualityThresholds:
    """Thresholds of ``language``, or the default ones."""
    return config.get(language) or config[DEFAULT]


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read quality config: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a YAML mapping at top level")
    return data


_FIELD_TYPES = {f.name: f.type for f in fields(QualityThresholds)}


def _field_value(path: Path, language: str, name: str, value: object):
    """Validate and convert one YAML value to the type of QualityThresholds.<name>."""
    where = f"{path}: quality.{language}.{name}"
    kind = _FIELD_TYPES.get(name)
    if kind is None:
        raise ValueError(f"{where}: unknown field (known: {', '.join(sorted(_FIELD_TYPES))})")
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{where}: expected a non-negative integer, got {value!r}")
        return value
    if kind == "float":
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{where}: expected a non-negative number, got {value!r}")
        return float(value)
    if kind == "tuple[str, ...]":
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ValueError(f"{where}: expected a list of non-empty strings, got {value!r}")
        return tuple(sorted({unicodedata.normalize("NFC", v.lower()) for v in value}))
    pairs_ok = isinstance(value, list) and all(
        isinstance(p, list) and len(p) == 2 and isinstance(p[0], int) and p[0] > 0
        and isinstance(p[1], (int, float)) and 0 <= p[1] <= 1
        for p in value
    )
    if not pairs_ok:
        raise ValueError(f"{where}: expected a list of [n, fraction] pairs (n >= 1, 0 <= fraction <= 1), got {value!r}")
    return tuple((n, float(frac)) for n, frac in value)


# ---------------------------------------------------------------- rules


def quality_reason(text: str, language: str, thresholds: QualityThresholds) -> str | None:
    """Why ``text`` in canonical ``language`` fails the quality rules (a short reason), or None to keep it."""
    return _assess(text, language, thresholds)[0]


def _assess(text: str, language: str, t: QualityThresholds) -> tuple[str | None, int]:
    """``(reason, number of non-symbol words)``; cheap rules first, segmentation only when needed."""
    text = text.strip()
    if len(text) < t.min_chars:
        return "tiny_page", 0
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    reason = _c4_reason(text, lines, t) or _line_reason(text, lines, t)
    if reason:
        return reason, 0
    words = segment_words(text, language)
    content = {w for w in set(words) if w.strip(_PUNCTUATION)}  # each distinct word once; not punctuation only
    content_words = [w for w in words if w in content]
    reason = _gopher_quality_reason(text, words, content_words, content, t) or _repetition_reason(text, words, t)
    if reason is None and len(lines) / len(content_words) > t.max_newline_word_ratio:
        reason = "fineweb_list_ratio"
    return reason, len(content_words)


def _c4_reason(text: str, lines: list[str], t: QualityThresholds) -> str | None:
    lower = text.lower()
    if "lorem ipsum" in lower:
        return "c4_lorem_ipsum"
    lower_lines = [line.lower() for line in lines]
    if _ratio(sum("javascript" in line for line in lower_lines), len(lines)) > t.max_javascript_lines_ratio:
        return "c4_javascript"
    boilerplate = sum(any(p in line for p in t.boilerplate_phrases) for line in lower_lines)
    if _ratio(boilerplate, len(lines)) > t.max_boilerplate_lines_ratio:
        return "boilerplate_cookie"
    return None


def _line_reason(text: str, lines: list[str], t: QualityThresholds) -> str | None:
    """Gopher line-shape and repetition rules, FineWeb line rules."""
    n = len(lines)
    if _ratio(sum(line.startswith(_BULLETS) for line in lines), n) > t.max_bullet_lines_ratio:
        return "gopher_bullet_lines"
    if _ratio(sum(line.endswith(_ELLIPSES) for line in lines), n) > t.max_ellipsis_lines_ratio:
        return "gopher_ellipsis_lines"
    dup_lines, dup_line_chars = find_duplicates(lines)
    if _ratio(dup_lines, n) > t.max_dup_line_frac:
        return "gopher_repetition_lines"
    if _ratio(dup_line_chars, len(text)) > t.max_dup_line_char_frac:
        return "gopher_repetition_line_chars"
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    dup_paras, dup_para_chars = find_duplicates(paragraphs)
    if _ratio(dup_paras, len(paragraphs)) > t.max_dup_para_frac:
        return "gopher_repetition_paragraphs"
    if _ratio(dup_para_chars, len(text)) > t.max_dup_para_char_frac:
        return "gopher_repetition_paragraph_chars"
    if _ratio(sum(line.endswith(_LINE_END) for line in lines), n) < t.min_line_punct_ratio:
        return "fineweb_line_punct"
    if _ratio(sum(len(line) <= t.short_line_length for line in lines), n) > t.max_short_line_ratio:
        return "fineweb_short_lines"
    if _ratio(dup_line_chars, sum(len(line) for line in lines)) > t.max_dup_line_chars_ratio:
        return "fineweb_dup_line_chars"
    return None


def _gopher_quality_reason(
    text: str, words: list[str], content_words: list[str], distinct: set[str], t: QualityThresholds
) -> str | None:
    """Gopher quality rules; ``distinct`` is the set of ``content_words``."""
    n = len(content_words)
    if n < max(t.min_words, 1):
        return "gopher_short"
    if n > t.max_words:
        return "gopher_long"
    mean_length = sum(map(len, content_words)) / n
    if mean_length < t.min_avg_word_length:
        return "gopher_word_length_low"
    if mean_length > t.max_avg_word_length:
        return "gopher_word_length_high"
    if max(text.count("#"), sum(text.count(e) for e in _ELLIPSES)) / len(words) > t.max_symbol_word_ratio:
        return "gopher_symbol_ratio"
    alpha = {w for w in distinct if w.isalpha() or any(ch.isalpha() for ch in w)}  # isalpha(): all letters, in C
    if sum(map(alpha.__contains__, content_words)) / n < t.min_alpha_words_ratio:
        return "gopher_alpha_words"
    present = {w.lower() for w in distinct}
    if sum(stop_word in present for stop_word in t.stop_words) < t.min_stop_words:
        return "gopher_stop_words"
    return None


def _repetition_reason(text: str, words: list[str], t: QualityThresholds) -> str | None:
    """Gopher n-gram repetition: the most frequent n-gram, and all duplicated n-grams, as character fractions."""
    n_chars = len(text)
    repetition = NgramRepetition(words)
    for n, limit in t.max_top_ngram_char_frac:
        if repetition.top_ngram_chars(n) / n_chars > limit:
            return f"gopher_repetition_top_{n}gram"
    for n, limit in t.max_dup_ngram_char_frac:
        if repetition.duplicate_ngram_chars(n) / n_chars > limit:
            return f"gopher_repetition_dup_{n}gram"
    return None


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


# ---------------------------------------------------------------- stage


def quality_batch(table: pa.Table, config: dict[str, QualityThresholds]) -> tuple[pa.Table, pa.Table]:
    """Apply the rules of each row's ``language`` to its ``text``; return ``(kept, dropped)``.

    Kept rows gain ``n_chars`` and ``n_words`` (int64); dropped rows carry stage ``quality`` and the reason."""
    for column in ("text", "language"):
        if column not in table.column_names:
            raise ValueError(f"quality_batch: input table has no {column!r} column (columns: {table.column_names})")
    reasons: list[str | None] = []
    n_chars: list[int] = []
    n_words: list[int] = []
    for text, language in zip(table.column("text").to_pylist(), table.column("language").to_pylist()):
        text = text or ""
        reason, count = _assess(text, language or DEFAULT, thresholds_for(config, language or DEFAULT))
        reasons.append(reason)
        n_chars.append(len(text))
        n_words.append(count)
    table = table.append_column("n_chars", pa.array(n_chars, pa.int64()))
    table = table.append_column("n_words", pa.array(n_words, pa.int64()))
    return split_by_reason(table, reasons, stage="quality")
