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
        if not _is_text_type(text.type):
            errors.add(self.path, f"rows {first}-{first + n - 1}", f"column '{self.mapping['text']}' has type {text.type}, not string; rows skipped")
            return pa.RecordBatch.from_pylist([], schema=INGEST_SCHEMA)
        names = [f"{self.key}:{first + i}" for i in range(n)]
        record_ids = pa.array(names, pa.string())
        if "id" in self.mapping:
            record_ids = pc.coalesce(pc.cast(batch.column(self.mapping["id"]), pa.string()), record_ids)
        arrays = {
            "id": pc.binary_join_element_wise(f"{self.source.name}/", record_ids, ""),
            "source": pa.array([self.source.name] * n, pa.string()),
            "url": self._optional(batch, "url"),
            "date": self._optional(batch, "date"),
            "dump": self._optional(batch, "dump", self.source.crawl),
            "source_file": pa.array([self.path] * n, pa.string()),
            "declared_language": self._language(batch),
            "html": pa.nulls(n, pa.large_binary()),
            "content_charset": pa.nulls(n, pa.string()),
            "text": pc.cast(text, pa.large_string()),
        }
        out = pa.RecordBatch.from_pydict(arrays, schema=INGEST_SCHEMA)
        if text.null_count:
            for i in pc.indices_nonzero(pc.is_null(text)).to_pylist():
                errors.add(self.path, f"row {first + i}", f"null '{self.mapping['text']}', row skipped")
            out = out.filter(pc.is_valid(text))
        return out

    def _optional(self, batch: pa.RecordBatch, field: str, default: str | None = None) -> pa.Array:
        if field in self.mapping:
            return pc.cast(batch.column(self.mapping[field]), pa.string())
        return pa.array([default] * batch.num_rows, pa.string())

    def _language(self, batch: pa.RecordBatch) -> pa.Array:
        """Per-row language column (canonical where known, else as given) or the fixed one."""
        if "language" not in self.mapping:
            return pa.array([self.declared_language] * batch.num_rows, pa.string())
        raw = pc.cast(batch.column(self.mapping["language"]), pa.string())
        values = raw.unique().to_pylist()
        canonical = [None if v is None else (lookup(v) or v) for v in values]
        return pc.take(pa.array(canonical, pa.string()), pc.index_in(raw, pa.array(values, pa.string())))


def _is_text_type(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
