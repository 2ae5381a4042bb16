"""Parquet reader (generic ``parquet`` kind, also used for FineWeb2): streams row group by row group."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.ingest.config import SourceConfig
from pipelines.ingest.files import file_key
from pipelines.langid.languages import lookup
from pipelines.runtime.problems import ErrorLog
from pipelines.schema import INGEST_SCHEMA
from pipelines.storage import open_input

_STRING = pa.string()


def read_parquet(source: SourceConfig, path: str, errors: ErrorLog, batch_size: int = 1000,
                 columns: dict[str, str] | None = None, optional: tuple[str, ...] = (),
                 declared_language: str | None = None) -> Iterator[pa.RecordBatch]:
    """INGEST_SCHEMA batches from a Parquet file. ``columns`` maps canonical fields to Parquet
    columns (default: ``source.columns``); a missing column is a schema error for the file unless
    its field is in ``optional``. ``id`` falls back to ``<file key>:<row index>`` (0-based)."""
    columns = columns if columns is not None else source.columns
    with open_input(path) as f:
        try:
            parquet = pq.ParquetFile(f, page_checksum_verification=True)
        except (OSError, pa.ArrowException) as exc:
            errors.add(path, "file", f"not a readable Parquet file: {exc}")
            return
        present = parquet.schema_arrow.names
        missing = [f"'{col}' (for {field})" for field, col in columns.items() if col not in present and field not in optional]
        if missing:
            errors.add(path, "schema", f"missing column {', '.join(missing)}; file has: {', '.join(present)}; file skipped")
            return
        mapping = {field: col for field, col in columns.items() if col in present}
        converter = _BatchConverter(source, path, mapping, declared_language)
        for group in range(parquet.num_row_groups):
            try:
                for batch in parquet.iter_batches(batch_size=batch_size, row_groups=[group], columns=sorted(set(mapping.values()))):
                    converted = converter.convert(batch, errors)
                    if converted.num_rows:
                        yield converted
            except (OSError, pa.ArrowException) as exc:
                errors.add(path, f"row group {group}", f"unreadable row group, skipped: {exc}")
                converter.skip_to(sum(parquet.metadata.row_group(g).num_rows for g in range(group + 1)))


class _BatchConverter:
    """Turns Parquet batches into INGEST_SCHEMA batches, numbering rows across the file."""

    def __init__(self, source: SourceConfig, path: str, mapping: dict[str, str], declared_language: str | None):
        self.source, self.path, self.mapping = source, path, mapping
        self.declared_language = declared_language if declared_language is not None else source.language
        self.key = file_key(source, path)
        self.row = 0

    def skip_to(self, row: int) -> None:
        """Continue numbering at ``row`` (after an unreadable row group)."""
        self.row = row

    def convert(self, batch: pa.RecordBatch, errors: ErrorLog) -> pa.RecordBatch:
        first, n = self.row, batch.num_rows
        self.row += n
        text = batch.column(self.mapping["text"])
        if not (_is_text_type(text.type) or is_binary_type(text.type)):
            errors.add(self.path, f"rows {first}-{first + n - 1}", f"column '{self.mapping['text']}' has type {text.type}, not string; rows skipped")
            return pa.RecordBatch.from_pylist([], schema=INGEST_SCHEMA)

        def strings(field: str, to: pa.DataType = _STRING) -> pa.Array:
            return self._strings(batch, field, first, errors, to)

        names = [f"{self.key}:{first + i}" for i in range(n)]
        record_ids = pa.array(names, pa.string())
        if "id" in self.mapping:
            record_ids = pc.coalesce(strings("id"), record_ids)
        arrays = {
            "id": pc.binary_join_element_wise(f"{self.source.name}/", record_ids, ""),
            "source": _constant(self.source.name, n),
            "url": strings("url") if "url" in self.mapping else _constant(None, n),
            "date": strings("date") if "date" in self.mapping else _constant(None, n),
            "dump": strings("dump") if "dump" in self.mapping else _constant(self.source.crawl, n),
            "source_file": _constant(self.path, n),
            "declared_language": _canonical_languages(strings("language")) if "language" in self.mapping
            else _constant(self.declared_language, n),
            "html": pa.nulls(n, pa.large_binary()),
            "content_charset": pa.nulls(n, pa.string()),
            "text": strings("text", pa.large_string()),
        }
        out = pa.RecordBatch.from_pydict(arrays, schema=INGEST_SCHEMA)
        if text.null_count:
            for i in pc.indices_nonzero(pc.is_null(text)).to_pylist():
                errors.add(self.path, f"row {first + i}", f"null '{self.mapping['text']}', row skipped")
            out = out.filter(pc.is_valid(text))
        return out

    def _strings(self, batch: pa.RecordBatch, field: str, first: int, errors: ErrorLog, to: pa.DataType) -> pa.Array:
        """The mapped column of ``field`` as strings; binary columns (Parquet written without the
        UTF8 annotation, as older Hive and Impala did) are decoded as UTF-8, a row with invalid
        UTF-8 logged and decoded with replacement characters."""
        column = batch.column(self.mapping[field])
        try:
            return pc.cast(column, to)
        except pa.ArrowInvalid:
            if not is_binary_type(column.type):
                raise
        values = []
        for i, raw in enumerate(column.to_pylist()):
            try:
                values.append(None if raw is None else raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                errors.add(self.path, f"row {first + i}", f"column '{self.mapping[field]}': invalid UTF-8 at "
                           f"byte {exc.start}; decoded with replacement characters", kind="invalid_utf8")
                values.append(raw.decode("utf-8", errors="replace"))
        return pa.array(values, to)


def _canonical_languages(raw: pa.Array) -> pa.Array:
    """The per-row language column, canonical where known, else as given."""
    values = raw.unique().to_pylist()
    canonical = [None if v is None else (lookup(v) or v) for v in values]
    return pc.take(pa.array(canonical, pa.string()), pc.index_in(raw, pa.array(values, pa.string())))


def _constant(value: str | None, n: int) -> pa.Array:
    return pa.array([value] * n, pa.string())


def is_binary_type(kind: pa.DataType) -> bool:
    """True for binary columns (and dictionaries of them): text stored without the UTF8 annotation."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_binary_view(kind)


def _is_text_type(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
