"""FineWeb2 reader: Parquet files under data/<lang>_<Script>/train/, language from the folder."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from pipelines.ingest.config import SourceConfig
from pipelines.ingest.parquet import read_parquet
from pipelines.langid.languages import lookup
from pipelines.runtime.problems import ErrorLog

#: FineWeb2 column for each canonical field; only ``text`` is required.
FINEWEB2_COLUMNS = {"text": "text", "id": "id", "url": "url", "date": "date", "dump": "dump"}


def fineweb2_language(path: str) -> str | None:
    """Declared language from ``.../<lang>_<Script>/train/x.parquet``: canonical for the eleven
    languages, the folder code as is for others, None when the file is not in that layout."""
    parts = path.replace("\\", "/").split("/")
    if len(parts) < 3 or parts[-2] != "train":
        return None
    folder = parts[-3]
    return lookup(folder) or folder


def read_fineweb2(source: SourceConfig, path: str, errors: ErrorLog, batch_size: int = 1000) -> Iterator[pa.RecordBatch]:
    """INGEST_SCHEMA batches from one FineWeb2 Parquet file (``source.language`` overrides the folder)."""
    language = source.language or fineweb2_language(path)
    yield from read_parquet(source, path, errors, batch_size, columns=FINEWEB2_COLUMNS,
                            optional=("id", "url", "date", "dump"), declared_language=language)
