"""MDS for LLM Foundry: samples ``{"tokens": ndarray:int32}`` written by mosaicml-streaming's ``MDSWriter``
(zstd), as LLM Foundry's ``convert_dataset_hf --concat_tokens`` writes them; one MDS folder per
mix shard and a merged ``index.json`` above them, so ``StreamingDataset(local=<mds folder>)``
reads the whole export."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
from streaming import MDSWriter
from streaming.base.util import merge_index

from pipelines.export.config import ExportSettings
from pipelines.export.pack import SequencePacker, document_chunks
from pipelines.export.tokenize import TokenizedBatch

#: LLM Foundry's column for pre-tokenized text (``ConcatTokensDataset``; read by ``StreamingTextDataset``).
COLUMNS = {"tokens": "ndarray:int32"}
COMPRESSION = "zstd"
INDEX_NAME = "index.json"


def samples(batches: Iterable[TokenizedBatch], settings: ExportSettings) -> Iterator[np.ndarray]:
    """The training samples of one mix shard in order: packed ``seq_len`` sequences (the rest of the
    shard as one shorter last sequence) or, unpacked, each document in ``seq_len`` chunks."""
    packer = SequencePacker(settings.seq_len) if settings.pack else None
    for batch in batches:
        for tokens in batch.tokens:
            yield from packer.add(tokens) if packer else document_chunks(tokens, settings.seq_len)
    if packer:
        yield from packer.flush()


def write_part(batches: Iterable[TokenizedBatch], settings: ExportSettings, local_dir: str) -> list[dict]:
    """Write one mix shard's samples into the empty local folder ``local_dir``; return per file its
    name (relative to ``local_dir``), samples and tokens."""
    lengths: list[int] = []
    with MDSWriter(out=local_dir, columns=COLUMNS, compression=COMPRESSION, size_limit=settings.mds_shard_bytes) as writer:
        for sample in samples(batches, settings):
            writer.write({"tokens": sample})
            lengths.append(len(sample))
    index = json.loads((Path(local_dir) / INDEX_NAME).read_text())
    files, first = [], 0
    for shard in index["shards"]:
        count = shard["samples"]
        data = shard["zip_data"] or shard["raw_data"]
        files.append({"file": data["basename"], "samples": count, "tokens": int(sum(lengths[first:first + count]))})
        first += count
    files.append({"file": INDEX_NAME, "samples": 0, "tokens": 0})
    return files


def merge_indexes(part_indexes: list[str], local_out: str) -> str:
    """Merge the local copies ``<local_out>/<part>/index.json`` into ``<local_out>/index.json`` with
    streaming's ``merge_index`` (shard paths become ``<part>/<file>``); return its path."""
    merge_index(part_indexes, local_out, keep_local=True)
    return str(Path(local_out) / INDEX_NAME)
