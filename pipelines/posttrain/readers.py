"""Read post-training files (JSON lines, JSON arrays, Parquet; gz/zst; local or fsspec URLs) as CONVERSATION_SCHEMA tables.

The layout is chosen once per file (pipelines.posttrain.formats.file_layout). Bad records
(malformed JSON, fields the layout needs missing or ill-typed) are logged in the ErrorLog as
``line N`` (JSON lines, 1-based), ``item N`` (JSON arrays, 0-based) or ``row N`` (Parquet, 0-based)
and skipped; the rest of the file is kept. A cut compressed file, or a cut or malformed JSON array,
keeps every record before the fault."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.ingest.files import file_key, strip_compression
from pipelines.ingest.lines import (
    UTF8_BOM,
    CompressedDataError,
    decompressed,
    head,
    json_lines,
    without_lone_surrogates,
)
from pipelines.ingest.parquet import is_binary_type
from pipelines.posttrain.formats import file_layout
from pipelines.posttrain.layouts import Layout, LayoutError
from pipelines.posttrain.schema import CONVERSATION_SCHEMA
from pipelines.posttrain.sources import ChatSource
from pipelines.runtime.problems import ErrorLog
from pipelines.storage import open_input


def read_conversations(source: ChatSource, path: str, errors: ErrorLog, batch_size: int = 1000) -> Iterator[pa.Table]:
    """Stream one file of ``source`` as CONVERSATION_SCHEMA tables of at most ``batch_size`` rows.
    Ids are ``<source>/<record id>``, else ``<source>/<file key>:<line or row>``."""
    builder = _RowBuilder(source, path, batch_size, errors)
    records = _parquet_records(path, errors) if strip_compression(path.lower()).endswith(".parquet") else _json_records(path, errors)
    layout: Layout | None = None
    for where, number, record in records:
        if layout is None:
            try:
                layout = file_layout(record.keys(), source.format)
            except ValueError as exc:
                errors.add(path, where, f"{exc}; file skipped")
                return
        try:
            fields = layout.convert(record)
        except LayoutError as exc:
            errors.add(path, where, f"{layout.name} layout: {exc}; record skipped")
            continue
        table = builder.add(fields, number, where)
        if table is not None:
            yield table
    last = builder.flush()
    if last is not None:
        yield last


class _RowBuilder:
    """Turns converted records into rows and hands them out as tables of ``batch_size``."""

    def __init__(self, source: ChatSource, path: str, batch_size: int, errors: ErrorLog):
        self.source, self.path, self.batch_size, self.errors = source, path, batch_size, errors
        self.key = file_key(source.config, path)
        self.rows: list[dict] = []
        self.wheres: list[str] = []

    def add(self, fields: dict, number: int, where: str) -> pa.Table | None:
        rid = fields["record_id"]
        has_calls = any(m["tool_calls"] for m in fields["messages"])
        self.rows.append({
            "id": f"{self.source.name}/{rid if rid is not None else f'{self.key}:{number}'}",
            "source": self.source.name,
            "source_file": self.path,
            "messages": fields["messages"],
            "tools": fields["tools"],
            "category": fields["category"] or self.source.category or ("tool-calling" if has_calls else "general"),
            "language": None,
            "languages": None,
            "metadata": fields["metadata"],
        })
        self.wheres.append(where)
        return self.flush() if len(self.rows) >= self.batch_size else None

    def flush(self) -> pa.Table | None:
        if not self.rows:
            return None
        try:
            table = pa.Table.from_pylist(self.rows, schema=CONVERSATION_SCHEMA)
        except UnicodeEncodeError:  # a lone surrogate from a JSON escape (an array item, JSON text inside a field)
            table = pa.Table.from_pylist(self._without_surrogates(), schema=CONVERSATION_SCHEMA)
        self.rows, self.wheres = [], []
        return table

    def _without_surrogates(self) -> list[dict]:
        """The rows with lone surrogates replaced by U+FFFD, each replacement logged with its record."""
        rows = []
        for row, where in zip(self.rows, self.wheres):
            row, replaced = without_lone_surrogates(row)
            if replaced:
                self.errors.add(self.path, where, f"{replaced} lone UTF-16 surrogate escape(s) replaced by U+FFFD",
                                kind="invalid_unicode")
            rows.append(row)
        return rows


def _json_records(path: str, errors: ErrorLog) -> Iterator[tuple[str, int, dict]]:
    """``(where, number, record)`` of a JSON-lines file (read as the text sources' are: a cut
    compressed file keeps its lines before the cut), or of a JSON array file (first byte ``[``)."""
    try:
        is_array = head(path).removeprefix(UTF8_BOM).lstrip()[:1] == b"["
        data, damage = decompressed(path, errors) if is_array else (b"", None)
    except (OSError, EOFError, zlib.error, CompressedDataError) as exc:
        errors.add(path, "file", f"could not read the file: {exc}")
        return
    if is_array:
        yield from _json_array(data, damage, path, errors)
        return
    for line_no, record in json_lines(path, errors):
        yield f"line {line_no}", line_no, record


def _json_array(data: bytes, damage: str | None, path: str, errors: ErrorLog) -> Iterator[tuple[str, int, dict]]:
    """The objects of a JSON array, item by item: a malformed or cut array keeps the items before the
    fault and logs it once (``damage``: why the decompressor stopped early, if it did)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        errors.add(path, "file", f"invalid UTF-8 at byte {exc.start}; decoded with replacement characters", kind="invalid_utf8")
        text = data.decode("utf-8-sig", errors="replace")
    decoder = json.JSONDecoder()
    pos, index = _skip_space(text, text.index("[") + 1), 0
    while pos < len(text) and text[pos] != "]":
        try:
            item, pos = decoder.raw_decode(text, pos)
        except (json.JSONDecodeError, RecursionError) as exc:
            if isinstance(exc, RecursionError):
                fault = "nested deeper than the parser's recursion limit"
            else:
                fault = f"cut: {damage}" if damage else f"{exc.msg} at line {exc.lineno} column {exc.colno}"
            errors.add(path, f"item {index}", f"malformed JSON array ({fault}); kept the {index} items before it")
            return
        if isinstance(item, dict):
            yield f"item {index}", index, item  # a lone surrogate in it is replaced when its rows are built
        else:
            errors.add(path, f"item {index}", f"expected a JSON object, got {type(item).__name__}; item skipped")
        index += 1
        pos = _skip_space(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_space(text, pos + 1)
        elif pos < len(text) and text[pos] != "]":
            errors.add(path, f"item {index}", f"malformed JSON array (expected ',' or ']' at character {pos}); "
                       f"kept the {index} items before it")
            return
    if pos >= len(text):
        fault = f"cut: {damage}" if damage else "no closing ']'"
        errors.add(path, f"item {index}", f"the JSON array ends after {index} items ({fault}); kept them")
    elif damage:
        errors.add(path, "file", f"truncated/corrupt compressed data after the JSON array's end ({damage})")
    elif _skip_space(text, pos + 1) < len(text):
        errors.add(path, f"item {index}", "data after the JSON array's closing ']' ignored")


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _skip_space(text: str, pos: int) -> int:
    """The first position at or after ``pos`` that is not JSON whitespace."""
    return _JSON_SPACE.match(text, pos).end()


def _parquet_records(path: str, errors: ErrorLog) -> Iterator[tuple[str, int, dict]]:
    """``(where, number, record)`` of every row of a Parquet file, row group by row group."""
    with open_input(path) as f:
        try:
            parquet = pq.ParquetFile(f, page_checksum_verification=True)
        except (OSError, pa.ArrowException) as exc:
            errors.add(path, "file", f"not a readable Parquet file: {exc}")
            return
        binary = any(_holds_binary(field.type) for field in parquet.schema_arrow)
        row = 0
        for group in range(parquet.num_row_groups):
            try:
                records = parquet.read_row_group(group).to_pylist()
            except (OSError, pa.ArrowException) as exc:
                errors.add(path, f"row group {group}", f"unreadable row group, skipped: {exc}")
                records = []
            for offset, record in enumerate(records):
                if binary:
                    record, invalid = _bytes_as_text(record)
                    if invalid:
                        errors.add(path, f"row {row + offset}", f"{invalid} binary value(s) with invalid UTF-8 decoded "
                                   "with replacement characters", kind="invalid_utf8")
                yield f"row {row + offset}", row + offset, record
            row += parquet.metadata.row_group(group).num_rows


def _holds_binary(kind: pa.DataType) -> bool:
    """True when a column of this type holds binary values anywhere (in lists, structs, maps)."""
    if is_binary_type(kind):
        return True
    if pa.types.is_map(kind):
        return _holds_binary(kind.key_type) or _holds_binary(kind.item_type)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        return _holds_binary(kind.value_type)
    if pa.types.is_struct(kind):
        return any(_holds_binary(kind.field(i).type) for i in range(kind.num_fields))
    return False


def _bytes_as_text(value: object) -> tuple[object, int]:
    """``value`` (a Parquet row as Python objects) with every bytes value decoded as UTF-8 (Parquet
    written without the UTF8 annotation stores text as binary), and how many had invalid UTF-8."""
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8"), 0
        except UnicodeDecodeError:
            return value.decode("utf-8", errors="replace"), 1
    if isinstance(value, list):
        items = [_bytes_as_text(item) for item in value]
        return [item for item, _ in items], sum(n for _, n in items)
    if isinstance(value, dict):
        pairs = {key: _bytes_as_text(item) for key, item in value.items()}
        return {key: item for key, (item, _) in pairs.items()}, sum(n for _, n in pairs.values())
    return value, 0
