"""Source readers: list a source's files and stream each as INGEST_SCHEMA record batches."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pyarrow as pa

from pipelines.ingest.commoncrawl.index_reader import read_cc_index
from pipelines.ingest.config import SourceConfig, load_sources
from pipelines.ingest.files import list_input_files
from pipelines.ingest.fineweb2 import read_fineweb2
from pipelines.ingest.jsonl import read_jsonl
from pipelines.ingest.parquet import read_parquet
from pipelines.ingest.sea_lion_pile import read_sea_lion_pile
from pipelines.ingest.warc import read_warc
from pipelines.runtime.problems import ErrorLog

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
