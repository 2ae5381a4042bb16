"""Text normalisation, the exact-duplicate hash and what the shingles MinHash is computed over are made of.

* exact hash: 64-bit BLAKE2b of the text lowercased with whitespace runs collapsed to one
  space, so documents differing only in case or spacing are exact duplicates;
* shingles: the same normalised text with punctuation and symbols (Unicode categories
  P* and S*) replaced by spaces, then word n-grams (words joined by one space) for spaced
  languages, or character n-grams with all whitespace removed for unspaced ones (Thai,
  Burmese, Khmer, Lao, Chinese). A text shorter than one n-gram is a single shingle; a text
  with no word or character left has no shingles (and takes part in exact dedup only).
  The normalised string is made in numpy (normalised_points) and its shingles are hashed where
  they lie in it (pipelines.dedup.minhash).
"""

from __future__ import annotations

import hashlib
import sys
import unicodedata
from functools import cache

import numpy as np


def fold_case_and_spaces(text: str) -> str:
    """Lowercase ``text`` and collapse every whitespace run to one space."""
    return " ".join(text.lower().split())


def exact_hash(text: str) -> int:
    """Unsigned 64-bit hash of the normalised text: equal for exact duplicates."""
    digest = hashlib.blake2b(fold_case_and_spaces(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


@cache
def _separators() -> np.ndarray:
    """One bool per code point: punctuation and symbols (Unicode categories P* and S*) and whitespace
    (``str.isspace``, what ``str.split`` splits on); built once per process (0.2 s)."""
    category = unicodedata.category
    return np.fromiter(((category(char := chr(point))[0] in "PS") or char.isspace() for point in range(sys.maxunicode + 1)),
                       dtype=bool, count=sys.maxunicode + 1)


def normalised_points(text: str, spaced: bool) -> np.ndarray:
    """The uint32 code points shingles are cut from: ``text`` lowercased, punctuation, symbols and
    whitespace read as separators, the words joined by one space (``spaced``) or by nothing; as
    ``" ".join(words)`` of ``text.lower()`` with every separator a space, in numpy."""
    points = np.frombuffer(text.lower().encode("utf-32-le"), dtype=np.uint32)
    separator = _separators()[points]
    if not spaced:
        return points[~separator]
    word = ~separator
    words_at = np.flatnonzero(word)
    if not len(words_at):
        return np.zeros(0, dtype=np.uint32)
    keep = word.copy()
    keep[1:] |= separator[1:] & word[:-1]  # the first separator after each word ...
    keep[words_at[-1] + 1:] = False  # ... but the last word's
    joined = points[keep]
    joined[separator[keep]] = ord(" ")
    return joined
