"""Word n-gram hashes as signed 64-bit integers (DuckDB BIGINT), stable across processes and runs.

Each word is hashed with xxh3-64; a window of ``length`` words is folded by Horner's rule
(``h = h * P + word``, modulo 2**64, seeded with the length, so windows of different lengths never
collide by construction) and finished with the murmur3 64-bit mixer. All windows of one length are
computed at once with numpy over the document's word-hash array. Two different windows share a hash
with probability about 2**-64: over 10**7 indexed n-grams and 10**12 document windows that is an
expected 5e-7 false matches."""

from __future__ import annotations

import numpy as np
import xxhash

_P = np.uint64(0x9E3779B97F4A7C15)
_SEED = np.uint64(0xC2B2AE3D27D4EB4F)
_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)


def word_hashes(words: list[str]) -> np.ndarray:
    """xxh3-64 of every word, as uint64."""
    return np.fromiter((xxhash.xxh3_64_intdigest(w.encode()) for w in words), dtype=np.uint64, count=len(words))


def batch_word_hashes(texts_words: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """``(word hashes of all texts concatenated, words per text)``; each distinct word is hashed once."""
    distinct: dict[str, int] = {}
    codes = np.fromiter((distinct.setdefault(w, len(distinct)) for words in texts_words for w in words),
                        dtype=np.int64, count=sum(map(len, texts_words)))
    return word_hashes(list(distinct))[codes], np.array([len(w) for w in texts_words], dtype=np.int64)


def batch_window_hashes(hashes: np.ndarray, sizes: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(text, start, hash)`` of every window of ``length`` words inside each text of a batch, from
    :func:`batch_word_hashes`' output, computed at once (windows across two texts are left out)."""
    if not len(sizes) or sizes.max(initial=0) < length:
        empty = np.empty(0, dtype=np.int64)
        return empty.astype(np.int32), empty.astype(np.int32), empty
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    hashes = window_hashes(hashes, length)
    text = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)[: len(hashes)]
    start = np.arange(len(hashes), dtype=np.int64) - offsets[text]
    inside = start + length <= sizes[text]
    return text[inside], start[inside].astype(np.int32), hashes[inside]


def window_hashes(hashes: np.ndarray, length: int) -> np.ndarray:
    """The int64 hash of every window of ``length`` consecutive words (``len - length + 1`` of them)."""
    count = len(hashes) - length + 1
    if count <= 0:
        return np.empty(0, dtype=np.int64)
    with np.errstate(over="ignore"):
        acc = np.full(count, _SEED * np.uint64(length), dtype=np.uint64)
        for offset in range(length):
            acc = acc * _P + hashes[offset : offset + count]
        acc ^= acc >> np.uint64(33)
        acc *= _M1
        acc ^= acc >> np.uint64(33)
        acc *= _M2
        acc ^= acc >> np.uint64(33)
    return acc.view(np.int64)
