"""Source readers: list a source's files and stream each as INGEST_SCHEMA record batches."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pyarrow as pa

from pipelines.errors import ErrorLog
from pipelines.sources.cc_index_reader import read_cc_index
from pipelines.sources.config import SourceConfig, load_sources
from pipelines.sources.files import list_input_files
from pipelines.sources.fineweb2 import read_fineweb2
from pipelines.sources.jsonl import read_jsonl
from pipelines.sources.parquet import read_parquet
from pipelines.sources.sea_lion_pile import read_sea_lion_pile
from pipelines.sources.warc import read_warc

Reader = Callable[[SourceConfig, str, ErrorLog, int], Iterator[pa.RecordBatch]]

READERS: dict[str, Reader] = {
    "warc": read_warc,
    "wet": read_warc,
    "fineweb2": read_fineweb2,
    "sea-lion-pile": read_sea_lion_pile,
    "jsonl": read_jsonl,
    "parquet": read_parquet,
    "cc-index": read_cc_index,
}

__all__ = ["READERS", "SourceConfig", "list_input_files", "load_sources", "read_documents"]


def read_documents(source: SourceConfig, path: str, errors: ErrorLog, batch_size: int = 1000) -> Iterator[pa.RecordBatch]:
    """Stream one input file of ``source`` as batches with exactly INGEST_SCHEMA. Bad input is
    recorded in ``errors`` (naming file and location) instead of raised; memory stays flat."""
    return READERS[source.kind](source, path, errors, batch_size)
