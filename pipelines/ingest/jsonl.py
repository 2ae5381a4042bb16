"""JSON-lines reader (generic ``jsonl`` kind, also used for the SEA-LION Pile); .gz and .zst work."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator

import pyarrow as pa

from pipelines.ingest.config import SourceConfig
from pipelines.ingest.files import file_key
from pipelines.ingest.lines import CompressedDataError, iter_lines
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
    line_no = 0
    try:
        for line_no, raw in enumerate(iter_lines(path), start=1):
            doc = _parse_line(raw, path, line_no, columns["text"], errors)
            if doc is None:
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
                text=doc[columns["text"]],
            )
            if batch is not None:
                yield batch
    except CompressedDataError as exc:
        where = "inside" if exc.partial else "at the start of"
        errors.add(path, f"line {line_no + 1}", f"truncated/corrupt compressed data {where} line {line_no + 1} "
                   f"({exc}); read the {line_no} lines before it, stopped reading this file")
    except (OSError, EOFError, zlib.error) as exc:
        errors.add(path, f"line {line_no + 1}", f"could not read the file after line {line_no}: {exc}; stopped reading this file")
    last = builder.flush()
    if last is not None:
        yield last


def _parse_line(raw: bytes, path: str, line_no: int, text_key: str, errors: ErrorLog) -> dict | None:
    """The line's JSON object with a string ``text_key``, or None after logging why not."""
    if not raw.strip():
        return None
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        errors.add(path, f"line {line_no}", f"invalid UTF-8 at byte {exc.start}; decoded with replacement characters", kind="invalid_utf8")
        line = raw.decode("utf-8", errors="replace")
    try:
        doc = json.loads(line)
    except json.JSONDecodeError as exc:
        errors.add(path, f"line {line_no}", f"malformed JSON ({exc.msg} at column {exc.colno}), line skipped")
        return None
    if not isinstance(doc, dict):
        errors.add(path, f"line {line_no}", f"expected a JSON object, got {type(doc).__name__}, line skipped")
        return None
    if text_key not in doc:
        errors.add(path, f"line {line_no}", f"missing text field '{text_key}', line skipped")
        return None
    if not isinstance(doc[text_key], str):
        errors.add(path, f"line {line_no}", f"text field '{text_key}' is {type(doc[text_key]).__name__}, not a string; line skipped")
        return None
    return doc


def _field(doc: dict, columns: dict[str, str], field: str) -> str | None:
    value = doc.get(columns[field]) if field in columns else None
    return None if value is None else str(value)


def _language(value: str | None) -> str | None:
    return None if value is None else lookup(value) or value
