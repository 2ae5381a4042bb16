"""JSON-lines reader (generic ``jsonl`` kind, also used for the SEA-LION Pile); .gz and .zst work."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from pipelines.ingest.config import SourceConfig
from pipelines.ingest.files import file_key
from pipelines.ingest.lines import json_lines
from pipelines.ingest.rows import BatchBuilder
from pipelines.langid.languages import lookup
from pipelines.runtime.problems import ErrorLog


def read_jsonl(source: SourceConfig, path: str, errors: ErrorLog, batch_size: int = 1000,
               columns: dict[str, str] | None = None, declared_language: str | None = None) -> Iterator[pa.RecordBatch]:
    """INGEST_SCHEMA batches from a JSON-lines file, one document per line. ``columns`` maps
    canonical fields to JSON keys (default: ``source.columns``). Bad lines (malformed JSON, missing
    or non-string text) are logged as ``line N`` and skipped; invalid UTF-8 is logged, then replaced.
    ``id`` falls back to ``<file key>:<line number>`` (1-based)."""
    columns = columns if columns is not None else source.columns
    language = declared_language if declared_language is not None else source.language
    key = file_key(source, path)
    builder = BatchBuilder(batch_size)
    text_key = columns["text"]
    for line_no, doc in json_lines(path, errors):
        if not _has_text(doc, text_key, path, line_no, errors):
            continue
        record_id = _field(doc, columns, "id")
        batch = builder.add(
            id=f"{source.name}/{record_id if record_id is not None else f'{key}:{line_no}'}",
            source=source.name,
            url=_field(doc, columns, "url"),
            date=_field(doc, columns, "date"),
            dump=_field(doc, columns, "dump") or source.crawl,
            source_file=path,
            declared_language=_language(_field(doc, columns, "language")) or language,
            text=doc[text_key],
        )
        if batch is not None:
            yield batch
    last = builder.flush()
    if last is not None:
        yield last


def _has_text(doc: dict, text_key: str, path: str, line_no: int, errors: ErrorLog) -> bool:
    """True when ``doc`` has a string ``text_key``; otherwise the line is logged and skipped."""
    if text_key not in doc:
        errors.add(path, f"line {line_no}", f"missing text field '{text_key}', line skipped")
        return False
    if not isinstance(doc[text_key], str):
        errors.add(path, f"line {line_no}", f"text field '{text_key}' is {type(doc[text_key]).__name__}, not a string; line skipped")
        return False
    return True


def _field(doc: dict, columns: dict[str, str], field: str) -> str | None:
    value = doc.get(columns[field]) if field in columns else None
    return None if value is None else str(value)


def _language(value: str | None) -> str | None:
    return None if value is None else lookup(value) or value
