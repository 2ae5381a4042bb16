"""MinHash signatures and LSH band hashes of a batch of documents, in numpy: no Python object per shingle.

* **Shingle hashes.** A document's shingles (pipelines.dedup.shingles: word n-grams, or character
  n-grams of unspaced languages) are substrings of one normalised string, so each is hashed from
  that string's prefix sums: a polynomial hash over its code points modulo 2**64 (``BASE``), the
  shingle's length added, then the MurmurHash3 64-bit finalizer; its top 32 bits are the shingle's
  hash. The old path joined, encoded and CRC-32'd every shingle in Python (about 0.6 us each under
  cProfile on the sample's documents).
* **MinHash.** datasketch's own ``affine32`` scheme: its permutations for ``num_perm`` and ``seed``
  (``MinHash(...).permutations``), its 32-bit MurmurHash3 pre-mix of every input hash, then
  ``a * h + b`` wrapping at 2**32 and the minimum per permutation, as ``MinHash.update_batch``
  computes it (a test compares the two), over many shingles at once.
* **Bands.** Band ``i`` hashes MinHash values ``i*rows .. (i+1)*rows - 1`` into 64 bits (each value
  xor-ed in and mixed by the 64-bit finalizer); only equality within a band column matters.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from datasketch import MinHash

from pipelines.dedup.shingles import normalised_points

#: Odd multiplier of the polynomial shingle hash (odd: invertible modulo 2**64).
BASE = 0x100000001B3
#: Shingles whose permuted hashes are held at once (columns of a num_perm x shingles matrix).
SHINGLE_BLOCK = 8192
_EMPTY = np.zeros(0, dtype=np.uint32)
_SPACE = ord(" ")


def shingle_hashes(text: str, n: int, spaced: bool) -> np.ndarray:
    """uint32 hashes of the word ``n``-grams (``spaced``) or character ``n``-grams of ``text``'s
    normalised form; one shingle when the text is shorter than ``n``, none when it has no word."""
    points = normalised_points(text, spaced)
    length = len(points)
    if not length:
        return _EMPTY
    if spaced:
        spaces = np.flatnonzero(points == _SPACE)
        if len(spaces) + 1 <= n:
            starts, ends = np.zeros(1, np.int64), np.full(1, length, np.int64)
        else:
            starts = np.concatenate(([0], spaces[:len(spaces) + 1 - n] + 1))
            ends = np.concatenate((spaces[n - 1:], [length]))
    elif length <= n:
        starts, ends = np.zeros(1, np.int64), np.full(1, length, np.int64)
    else:
        starts = np.arange(length - n + 1)
        ends = starts + n
    power, inverse = _powers(length)
    prefix = np.zeros(length + 1, dtype=np.uint64)
    np.cumsum(points * power[:length], out=prefix[1:])
    hashes = (prefix[ends] - prefix[starts]) * inverse[starts] + (ends - starts).astype(np.uint64)
    return (_fmix(hashes, 64) >> np.uint64(32)).astype(np.uint32)


class MinHasher:
    """datasketch's affine32 MinHash for ``num_perm`` and ``seed``, applied to many hash values at once."""

    def __init__(self, num_perm: int, seed: int) -> None:
        a, b = MinHash(num_perm=num_perm, seed=seed).permutations
        self.a, self.b = a.astype(np.uint32), b.astype(np.uint32)

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        """The MinHash values (uint32, one per permutation) of a non-empty set of uint32 ``hashes``."""
        mixed = _fmix(hashes.astype(np.uint32, copy=False), 32)
        minimum = np.full(len(self.a), np.iinfo(np.uint32).max, dtype=np.uint32)
        for start in range(0, len(mixed), SHINGLE_BLOCK):
            block = self.a[:, None] * mixed[start:start + SHINGLE_BLOCK]  # permutations x shingles: each
            block += self.b[:, None]  # row's minimum is a contiguous reduction (4x the shingles-first layout)
            np.minimum(minimum, block.min(axis=1), out=minimum)
        return minimum


def band_hashes(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(documents, bands) uint64: a 64-bit hash of each band's ``rows`` MinHash values."""
    values = signatures.reshape(len(signatures), bands, rows).astype(np.uint64)
    hashed = np.full((len(signatures), bands), BASE, dtype=np.uint64)
    for row in range(rows):
        hashed = _fmix(hashed ^ values[:, :, row], 64)
    return hashed


@lru_cache(maxsize=8)
def _power_table(size: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE**-i modulo 2**64 for i < size."""
    inverse_base = BASE
    for _ in range(6):  # Newton's iteration doubles the correct low bits: 3 -> 96 >= 64
        inverse_base = inverse_base * (2 - BASE * inverse_base) % 2**64
    power = np.empty(size, dtype=np.uint64)
    inverse = np.empty(size, dtype=np.uint64)
    power[0] = inverse[0] = 1
    power[1:] = BASE
    inverse[1:] = inverse_base
    return np.cumprod(power, out=power), np.cumprod(inverse, out=inverse)


def _powers(length: int) -> tuple[np.ndarray, np.ndarray]:
    """Power tables covering ``length + 1`` positions: the cached table of the next power of two
    (at least 65,536 positions, 1 MiB)."""
    return _power_table(max(1 << 16, 1 << (length + 1).bit_length()))


#: MurmurHash3's finalizer constants per width: (shift, multiplier, shift, multiplier, shift).
_FMIX = {64: (33, 0xFF51AFD7ED558CCD, 33, 0xC4CEB9FE1A85EC53, 33), 32: (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)}


def _fmix(values: np.ndarray, width: int) -> np.ndarray:
    """MurmurHash3's finalizer for ``width``-bit unsigned ``values``, element-wise (multiplication
    wraps modulo 2**width); width 32 is datasketch's pre-mix of every input hash of scheme affine32."""
    kind = np.uint64 if width == 64 else np.uint32
    s1, m1, s2, m2, s3 = (kind(c) for c in _FMIX[width])
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)
