"""Text normalisation, the exact-duplicate hash and what the shingles MinHash is computed over are made of.

* exact hash: 64-bit BLAKE2b of the text lowercased with whitespace runs collapsed to one
  space, so documents differing only in case or spacing are exact duplicates;
* shingles: the same normalised text with punctuation and symbols (Unicode categories
  P* and S*) replaced by spaces, then word n-grams (words joined by one space) for spaced
  languages, or character n-grams with all whitespace removed for unspaced ones (Thai,
  Burmese, Khmer, Lao, Chinese). A text shorter than one n-gram is a single shingle; a text
  with no word or character left has no shingles (and takes part in exact dedup only).
  They are hashed where they lie in the normalised string (pipelines.dedup.minhash).
"""

from __future__ import annotations

import hashlib
import sys
import unicodedata
from functools import cache


def fold_case_and_spaces(text: str) -> str:
    """Lowercase ``text`` and collapse every whitespace run to one space."""
    return " ".join(text.lower().split())


def exact_hash(text: str) -> int:
    """Unsigned 64-bit hash of the normalised text: equal for exact duplicates."""
    digest = hashlib.blake2b(fold_case_and_spaces(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


@cache
def _punctuation_to_space() -> dict[int, str]:
    """str.translate table mapping every punctuation and symbol code point to a space."""
    return {cp: " " for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp))[0] in "PS"}


def normalised_pieces(text: str) -> list[str]:
    """The words of ``text`` lowercased, with punctuation and symbols as spaces: what shingles are made of."""
    return text.lower().translate(_punctuation_to_space()).split()
