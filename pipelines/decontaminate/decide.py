"""What happens to a batch of documents given their matches: report, drop or cut, one decision row
per (document, eval item text).

``report`` keeps every document as it is; ``drop`` drops each contaminated one with reason
``decontam_<benchmark>`` (the benchmark with the most matched words); ``cut`` removes the lines
(paragraphs) any match touched and keeps the rest, unless that removes more than
``max_cut_fraction`` of the characters, when the document is dropped instead. Cut documents get
fresh ``n_chars`` and ``n_words`` when the table has those columns (the quality stage's counts; its
other signal columns keep the values of the uncut text)."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from pipelines.decontaminate.matcher import Match
from pipelines.quality.document import QualityDocument
from pipelines.runtime.drops import split_by_reason

DECISION_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("source", pa.string()),
        ("language", pa.string()),
        ("benchmark", pa.string()),
        ("eval_language", pa.string()),
        ("split", pa.string()),
        ("item_id", pa.string()),
        ("field", pa.string()),
        ("action", pa.string()),  # reported | dropped | cut
        ("span", pa.string()),
        ("matched_words", pa.int32()),
        ("paragraphs", pa.list_(pa.int32())),
    ]
)

STAGE = "decontam"


def drop_reason(benchmark: str) -> str:
    """The drop reason of a document contaminated by ``benchmark``."""
    return f"decontam_{benchmark}"


def decide(
    table: pa.Table, matches: Sequence[list[Match]], action: str, max_cut_fraction: float
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """``(kept, dropped, decisions)`` for ``table`` whose row ``i`` has ``matches[i]``."""
    texts = table.column("text").to_pylist()
    reasons: list[str | None] = [None] * table.num_rows
    actions: list[str | None] = [None] * table.num_rows
    new_texts = list(texts)
    for row, row_matches in enumerate(matches):
        if not row_matches:
            continue
        if action == "report":
            actions[row] = "reported"
            continue
        if action == "cut":
            cut_text = _cut(texts[row], {p for m in row_matches for p in m.paragraphs}, max_cut_fraction)
            if cut_text is not None:
                new_texts[row], actions[row] = cut_text, "cut"
                continue
        reasons[row], actions[row] = drop_reason(_main_benchmark(row_matches)), "dropped"
    if any(a == "cut" for a in actions):
        table = _with_texts(table, new_texts, [a == "cut" for a in actions])
    kept, dropped = split_by_reason(table, reasons, stage=STAGE)
    return kept, dropped, _decisions(table, matches, actions)


def _main_benchmark(matches: list[Match]) -> str:
    words: dict[str, int] = {}
    for m in matches:
        words[m.benchmark] = words.get(m.benchmark, 0) + m.matched_words
    return min(words, key=lambda b: (-words[b], b))


def _cut(text: str, paragraphs: set[int], max_cut_fraction: float) -> str | None:
    """``text`` without the lines ``paragraphs``, or None when that removes too much of it."""
    lines = text.split("\n")
    kept = [line for number, line in enumerate(lines) if number not in paragraphs]
    removed = sum(len(lines[p]) for p in paragraphs if p < len(lines))
    if not text or removed / len(text) > max_cut_fraction:
        return None
    return "\n".join(kept).strip("\n")


def _with_texts(table: pa.Table, texts: list[str], changed: list[bool]) -> pa.Table:
    """``table`` with new texts, and fresh n_chars / n_words on the changed rows when present."""
    table = table.set_column(table.schema.get_field_index("text"), "text", pa.array(texts, table.schema.field("text").type))
    languages = table.column("language").to_pylist() if "language" in table.column_names else [None] * len(texts)
    if "n_chars" in table.column_names:
        old = table.column("n_chars").to_pylist()
        values = [len(t) if c else o for t, c, o in zip(texts, changed, old)]
        table = table.set_column(table.schema.get_field_index("n_chars"), "n_chars", pa.array(values, pa.int64()))
    if "n_words" in table.column_names:
        old = table.column("n_words").to_pylist()
        values = [_content_words(t, lang) if c else o for t, lang, c, o in zip(texts, languages, changed, old)]
        table = table.set_column(table.schema.get_field_index("n_words"), "n_words", pa.array(values, pa.int64()))
    return table


def _content_words(text: str, language: str | None) -> int:
    """The quality stage's ``n_words``: words holding a non-punctuation character."""
    return len(QualityDocument(text, language or "other").content_words)


def _decisions(table: pa.Table, matches: Sequence[list[Match]], actions: list[str | None]) -> pa.Table:
    columns = {name: [] for name in DECISION_SCHEMA.names}
    ids = table.column("id").to_pylist()
    sources = table.column("source").to_pylist() if "source" in table.column_names else [None] * len(ids)
    languages = table.column("language").to_pylist() if "language" in table.column_names else [None] * len(ids)
    for row, row_matches in enumerate(matches):
        for m in row_matches:
            for name, value in (
                ("id", ids[row]), ("source", sources[row]), ("language", languages[row]), ("benchmark", m.benchmark),
                ("eval_language", m.eval_language), ("split", m.split), ("item_id", m.item_id), ("field", m.field),
                ("action", actions[row]), ("span", m.span), ("matched_words", m.matched_words),
                ("paragraphs", list(m.paragraphs)),
            ):
                columns[name].append(value)
    return pa.table(columns, schema=DECISION_SCHEMA)
