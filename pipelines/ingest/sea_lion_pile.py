"""SEA-LION Pile reader: mC4 JSON lines {text, timestamp, url} under sea-pile-mc4/<lang>/."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

import pyarrow as pa

from pipelines.ingest.config import SourceConfig
from pipelines.ingest.jsonl import read_jsonl
from pipelines.langid.languages import lookup
from pipelines.runtime.problems import ErrorLog

#: mC4 key for each canonical field.
SEA_LION_PILE_COLUMNS = {"text": "text", "url": "url", "date": "timestamp"}


def folder_language(path: str) -> str:
    """Declared language from the file's folder (``th`` -> ``tha_Thai``; unknown codes as is)."""
    folder = posixpath.basename(posixpath.dirname(path.replace("\\", "/")))
    return lookup(folder) or folder


def read_sea_lion_pile(source: SourceConfig, path: str, errors: ErrorLog, batch_size: int = 1000) -> Iterator[pa.RecordBatch]:
    """INGEST_SCHEMA batches from one SEA-LION Pile file (``source.language`` overrides the folder)."""
    language = source.language or folder_language(path)
    yield from read_jsonl(source, path, errors, batch_size, columns=SEA_LION_PILE_COLUMNS, declared_language=language)
