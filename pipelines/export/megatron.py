"""Megatron indexed datasets (``.bin`` + ``.idx``, one document per entry) and the blend file for ``--data-path``.

The writer streams: tokens go to the ``.bin`` as they come, sequence lengths to a side file, and
the ``.idx`` (header, counts, lengths, byte pointers, document indices) is assembled from that file
in fixed-size chunks, so memory does not grow with the number of documents. The layout is the one
megatron-core's ``IndexedDataset`` reads (tests read every export back with it); megatron-core
itself is not needed to write it (it would pull in torch).
"""

from __future__ import annotations

import os
import shutil
import struct
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import numpy as np

from pipelines import storage
from pipelines.export.tokenize import TokenizedBatch

INDEX_HEADER = b"MMIDIDX\x00\x00"
#: megatron-core's DType codes.
DTYPE_CODES = {np.dtype(np.uint16): 8, np.dtype(np.int32): 4}
#: Entries per chunk when the index is assembled.
CHUNK = 1 << 20


def token_dtype(vocab_size: int) -> type[np.integer]:
    """uint16 below 65,500 tokens, else int32: megatron-core's ``DType.optimal_dtype`` rule (Gemma 3's
    262,145 tokens need int32; uint16 would wrap ids above 65,535)."""
    if vocab_size >= 1 << 31:
        raise ValueError(f"vocabulary of {vocab_size:,} tokens does not fit Megatron's int32 tokens")
    return np.uint16 if vocab_size < 65500 else np.int32


class IndexedDatasetWriter:
    """Write ``<prefix>.bin`` and ``<prefix>.idx`` (local paths): :meth:`add_documents` per batch of
    documents or :meth:`add_dataset` to append a whole finished dataset, then :meth:`close`."""

    def __init__(self, prefix: str, dtype: type[np.integer]) -> None:
        self.prefix = prefix
        self.dtype = np.dtype(dtype)
        self.documents = 0
        self.tokens = 0
        self._bin = open(f"{prefix}.bin", "wb")  # noqa: SIM115 (open until close(): the writer streams)
        self._lengths = open(f"{prefix}.lengths.tmp", "wb")  # noqa: SIM115

    def add_documents(self, documents: list[np.ndarray]) -> None:
        """Append each document as one sequence (one write of tokens and one of lengths per call)."""
        if not documents:
            return
        tokens = np.concatenate(documents).astype(self.dtype, copy=False)
        self._bin.write(tokens.data)
        self._lengths.write(np.fromiter(map(len, documents), dtype="<i4", count=len(documents)).data)
        self.documents += len(documents)
        self.tokens += len(tokens)

    def add_dataset(self, bin_stream: IO[bytes], lengths: np.ndarray) -> None:
        """Append a finished dataset: its ``.bin`` bytes and its sequence lengths."""
        shutil.copyfileobj(bin_stream, self._bin, 1 << 22)
        self._lengths.write(lengths.astype("<i4").tobytes())
        self.documents += len(lengths)
        self.tokens += int(lengths.sum(dtype=np.int64))

    def close(self) -> None:
        """Finish the ``.bin`` and write the ``.idx``."""
        self._bin.close()
        self._lengths.close()
        if os.path.getsize(f"{self.prefix}.bin") != self.tokens * self.dtype.itemsize:
            raise RuntimeError(f"{self.prefix}.bin: size does not match {self.tokens:,} tokens")
        lengths = np.memmap(f"{self.prefix}.lengths.tmp", dtype="<i4", mode="r") if self.documents else np.empty(0, "<i4")
        with open(f"{self.prefix}.idx", "wb") as idx:
            idx.write(INDEX_HEADER)
            idx.write(struct.pack("<Q", 1))
            idx.write(struct.pack("<B", DTYPE_CODES[self.dtype]))
            idx.write(struct.pack("<Q", self.documents))
            idx.write(struct.pack("<Q", self.documents + 1))
            idx.writelines(np.ascontiguousarray(lengths[start:start + CHUNK]).tobytes() for start in range(0, self.documents, CHUNK))
            pointer = 0
            for start in range(0, self.documents, CHUNK):
                chunk = lengths[start:start + CHUNK].astype(np.int64) * self.dtype.itemsize
                idx.write((np.cumsum(chunk) - chunk + pointer).astype("<i8").tobytes())
                pointer += int(chunk.sum())
            for start in range(0, self.documents + 1, CHUNK):
                idx.write(np.arange(start, min(start + CHUNK, self.documents + 1), dtype="<i8").tobytes())
        del lengths
        Path(f"{self.prefix}.lengths.tmp").unlink()

    def discard(self) -> None:
        """Close and delete whatever was written."""
        self._bin.close()
        self._lengths.close()
        for suffix in (".bin", ".idx", ".lengths.tmp"):
            Path(f"{self.prefix}{suffix}").unlink(missing_ok=True)


def read_index_lengths(data: bytes, where: str) -> tuple[np.dtype, np.ndarray]:
    """Token dtype and per-document lengths of an ``.idx`` written by this module (one sequence per
    document); ValueError naming ``where`` otherwise."""
    if data[:9] != INDEX_HEADER or struct.unpack("<Q", data[9:17])[0] != 1:
        raise ValueError(f"{where}: not a Megatron index (version 1)")
    code = data[17]
    dtype = next((d for d, c in DTYPE_CODES.items() if c == code), None)
    if dtype is None:
        raise ValueError(f"{where}: unexpected token dtype code {code}")
    sequences, documents = struct.unpack("<QQ", data[18:34])
    if documents != sequences + 1:
        raise ValueError(f"{where}: {sequences} sequences in {documents - 1} documents; expected one per document")
    return dtype, np.frombuffer(data, dtype="<i4", count=sequences, offset=34)


def blend_text(entries: Iterable[tuple[int, str]]) -> str:
    """``weight prefix weight prefix ...``: what Megatron's ``--data-path`` (or ``--data-args-path``) takes."""
    return " ".join(f"{weight} {prefix}" for weight, prefix in entries) + "\n"


def write_part(batches: Iterable[TokenizedBatch], dtype: type[np.integer], local_dir: str, stem: str) -> list[dict]:
    """Write one mix shard's documents as one dataset per mix row, ``<local_dir>/<row_id>/<stem>.bin/.idx``;
    return per file its name (relative to ``local_dir``), row, documents and tokens."""
    writers: dict[str, IndexedDatasetWriter] = {}
    try:
        for batch in batches:
            by_row: dict[str, list[np.ndarray]] = {}
            for row_id, tokens in zip(batch.row_ids, batch.tokens):
                by_row.setdefault(row_id, []).append(tokens)
            for row_id, documents in by_row.items():
                writer = writers.get(row_id)
                if writer is None:
                    os.makedirs(os.path.join(local_dir, row_id), exist_ok=True)
                    writer = writers[row_id] = IndexedDatasetWriter(os.path.join(local_dir, row_id, stem), dtype)
                writer.add_documents(documents)
    except BaseException:
        for writer in writers.values():
            writer.discard()
        raise
    files = []
    for row_id in sorted(writers):
        writer = writers[row_id]
        writer.close()
        files.append({"file": f"{row_id}/{stem}.bin", "row_id": row_id, "docs": writer.documents, "tokens": writer.tokens})
        files.append({"file": f"{row_id}/{stem}.idx", "row_id": row_id, "docs": 0, "tokens": 0})
    return files


def merge_datasets(part_prefixes: list[str], local_prefix: str, dtype: type[np.integer]) -> IndexedDatasetWriter:
    """Concatenate the datasets ``part_prefixes`` (on the data root, in order) into ``<local_prefix>.bin/.idx``."""
    writer = IndexedDatasetWriter(local_prefix, dtype)
    try:
        for prefix in part_prefixes:
            with storage.open_input(f"{prefix}.idx") as handle:
                part_dtype, lengths = read_index_lengths(handle.read(), f"{prefix}.idx")
            if part_dtype != writer.dtype:
                raise ValueError(f"{prefix}.idx: tokens are {part_dtype}, expected {writer.dtype}")
            with storage.open_input(f"{prefix}.bin") as stream:
                writer.add_dataset(stream, lengths)
        writer.close()
    except BaseException:
        writer.discard()
        raise
    return writer
