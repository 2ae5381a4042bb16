"""MDS for LLM Foundry: samples ``{"tokens": ndarray:int32}`` written by mosaicml-streaming's ``MDSWriter``
(zstd), as LLM Foundry's ``convert_dataset_hf --concat_tokens`` writes them; one MDS folder per
mix shard and a merged ``index.json`` above them, so ``StreamingDataset(local=<mds folder>)``
reads the whole export.

mosaicml-streaming is installed without its pins (numpy < 2.2, transformers < 5, torchvision):
see :func:`import_streaming` and docs/export.md."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType

import numpy as np

from pipelines.export.config import ExportSettings
from pipelines.export.pack import SequencePacker, document_chunks
from pipelines.export.tokenize import TokenizedBatch

#: LLM Foundry's column for pre-tokenized text (``ConcatTokensDataset``; read by ``StreamingTextDataset``).
COLUMNS = {"tokens": "ndarray:int32"}
COMPRESSION = "zstd"
INDEX_NAME = "index.json"


def import_streaming() -> ModuleType:
    """``import streaming``, also where torchvision is missing or broken (PyPI's build beside a CPU torch).

    The package's ``__init__`` imports its image datasets, ``streaming.vision``, which subclass
    torchvision's ``VisionDataset``; nothing of MDS writing or reading (``MDSWriter``,
    ``StreamingDataset``, ``merge_index``) uses them. Without a working torchvision an empty module
    stands in for ``streaming.vision`` (decision 34)."""
    try:
        import torchvision  # noqa: F401
    except (ImportError, RuntimeError, OSError):  # RuntimeError: "operator torchvision::nms does not exist"
        sys.modules.setdefault("streaming.vision", ModuleType("streaming.vision"))
    return importlib.import_module("streaming")


streaming = import_streaming()


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
    with streaming.MDSWriter(out=local_dir, columns=COLUMNS, compression=COMPRESSION, size_limit=settings.mds_shard_bytes) as writer:
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
    importlib.import_module("streaming.base.util").merge_index(part_indexes, local_out, keep_local=True)
    return str(Path(local_out) / INDEX_NAME)
