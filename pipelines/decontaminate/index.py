"""The eval index: every indexed n-gram hash of every eval item, built once per eval-set version.

Each eval text is cut into matching words (:mod:`.words`). A text of at least ``ngram_size`` words
contributes the hashes of all its ``ngram_size``-grams; a shorter one of at least ``min_item_words``
words contributes one hash, of the whole text (its length is the window length); shorter texts are
counted as too short and not indexed. The index is two Parquet files under
``<data root>/work/decontam/index/<fingerprint>/``: ``ngrams.parquet`` (hash BIGINT, length SMALLINT,
item INTEGER) and ``items.parquet`` (item, benchmark, language, split, item_id, field, n_words), with
``summary.json`` written last (its presence marks the index complete). The fingerprint hashes the
settings, the segmenter backend, every registry entry and every eval file (SHA-256 of local files,
the filesystem's unique key — size, time, ETag — of remote ones): a changed file or setting gives a
new index; the same ones reuse the built one."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from pipelines import storage
from pipelines.decontaminate.config import DecontamConfig
from pipelines.decontaminate.evalsets import EvalSet, evalset_files, evalset_texts
from pipelines.decontaminate.hashing import window_hashes, word_hashes
from pipelines.decontaminate.words import matching_words
from pipelines.quality.segment import SEGMENTER_BACKEND
from pipelines.storage.checksums import file_sha256
from pipelines.storage.parquet_io import (
    AtomicParquetWriter,
    write_json_atomic,
    write_table_atomic,
)

INDEX_VERSION = "decontam-index-v1"
NGRAM_SCHEMA = pa.schema([("hash", pa.int64()), ("length", pa.int16()), ("item", pa.int32())])
ITEM_SCHEMA = pa.schema(
    [("item", pa.int32()), ("benchmark", pa.string()), ("language", pa.string()), ("split", pa.string()),
     ("item_id", pa.string()), ("field", pa.string()), ("n_words", pa.int32())]
)
_FLUSH_ROWS = 1_000_000


@dataclass(frozen=True)
class EvalIndex:
    """A built index: its folder and what ``summary.json`` says about it."""

    folder: str
    summary: dict

    @property
    def fingerprint(self) -> str:
        return self.summary["fingerprint"]

    @property
    def lengths(self) -> tuple[int, ...]:
        """The window lengths documents must be cut into (``ngram_size`` and the short items' lengths)."""
        return tuple(self.summary["lengths"])

    @property
    def ngrams_path(self) -> str:
        return storage.join(self.folder, "ngrams.parquet")

    @property
    def items_path(self) -> str:
        return storage.join(self.folder, "items.parquet")


def index_fingerprint(evalsets: list[EvalSet], config: DecontamConfig) -> str:
    """SHA-256 of everything the index depends on (see module docstring)."""
    digest = hashlib.sha256(f"{INDEX_VERSION}|{config.index_settings()}|segmenter={SEGMENTER_BACKEND}\n".encode())
    for evalset in evalsets:
        digest.update(evalset.model_dump_json().encode() + b"\n")
        for path in evalset_files(evalset):
            digest.update(f"{path}|{_file_key(path)}\n".encode())
    return digest.hexdigest()


def _file_key(path: str) -> str:
    if not storage.is_remote(path):
        return file_sha256(path)
    fs, target = storage.filesystem(path)
    return fs.ukey(target)


def ensure_index(evalsets: list[EvalSet], config: DecontamConfig, cache_dir: str) -> EvalIndex:
    """The index of ``evalsets`` under ``cache_dir/<fingerprint>/``, built when not there yet."""
    fingerprint = index_fingerprint(evalsets, config)
    folder = storage.join(cache_dir, fingerprint[:32])
    summary_path = storage.join(folder, "summary.json")
    if storage.isfile(summary_path):
        return EvalIndex(folder, json.loads(storage.read_text(summary_path)))
    summary = _build(evalsets, config, folder)
    summary["fingerprint"] = fingerprint
    write_json_atomic(summary, summary_path)
    return EvalIndex(folder, summary)


def _build(evalsets: list[EvalSet], config: DecontamConfig, folder: str) -> dict:
    """Write ngrams.parquet and items.parquet; return the summary (counts per benchmark, lengths)."""
    items: dict[str, list] = {name: [] for name in ITEM_SCHEMA.names}
    lengths: set[int] = set()
    per_benchmark: dict[str, dict[str, int]] = {}
    pending: list[tuple[np.ndarray, int, int]] = []
    pending_rows = 0
    with AtomicParquetWriter(storage.join(folder, "ngrams.parquet"), NGRAM_SCHEMA) as out:
        for evalset in evalsets:
            for text in evalset_texts(evalset):
                words = matching_words(text.text, text.language)
                counts = per_benchmark.setdefault(text.benchmark, {"texts": 0, "indexed": 0, "too_short": 0, "ngrams": 0})
                counts["texts"] += 1
                length = min(config.ngram_size, len(words))
                if length < config.min_item_words:
                    counts["too_short"] += 1
                    continue
                item = len(items["item"])
                for name, value in zip(ITEM_SCHEMA.names, (item, text.benchmark, text.language, text.split,
                                                           text.item_id, text.field, len(words))):
                    items[name].append(value)
                hashes = window_hashes(word_hashes(words), length)
                counts["indexed"] += 1
                counts["ngrams"] += len(hashes)
                lengths.add(length)
                pending.append((hashes, length, item))
                pending_rows += len(hashes)
                if pending_rows >= _FLUSH_ROWS:
                    out.write(_ngram_table(pending))
                    pending, pending_rows = [], 0
        out.write(_ngram_table(pending))
    write_table_atomic(pa.table(items, schema=ITEM_SCHEMA), storage.join(folder, "items.parquet"))
    return {
        "lengths": sorted(lengths),
        "items": len(items["item"]),
        "ngrams": sum(c["ngrams"] for c in per_benchmark.values()),
        "benchmarks": per_benchmark,
        "settings": config.index_settings(),
    }


def _ngram_table(pending: list[tuple[np.ndarray, int, int]]) -> pa.Table:
    if not pending:
        return NGRAM_SCHEMA.empty_table()
    hashes = np.concatenate([h for h, _, _ in pending])
    lengths = np.concatenate([np.full(len(h), n, dtype=np.int16) for h, n, _ in pending])
    items = np.concatenate([np.full(len(h), i, dtype=np.int32) for h, _, i in pending])
    return pa.table([hashes, lengths, items], schema=NGRAM_SCHEMA)
