"""The numpy MinHash path: datasketch's values, shingles as the normalisation defines them."""

from __future__ import annotations

import random
import unicodedata

import numpy as np
import pytest
from datasketch import MinHash

from pipelines.dedup.minhash import MinHasher, band_hashes, shingle_hashes
from pipelines.dedup.shingles import normalised_points


def test_signature_equals_datasketch_update_batch_on_the_same_hashes() -> None:
    hashes = np.random.default_rng(0).integers(0, 2**32, 20_000, dtype=np.uint64).astype(np.uint32)
    for num_perm, seed in ((120, 1), (64, 7)):
        reference = MinHash(num_perm=num_perm, seed=seed, hashfunc=int)
        reference.update_batch(hashes.tolist())
        assert np.array_equal(MinHasher(num_perm, seed).signature(hashes), reference.hashvalues)


def _shingles(text: str, n: int, spaced: bool) -> list[str]:
    """The shingles by their definition: words of the lowercased text, punctuation, symbols and
    whitespace as separators; word n-grams joined by a space, or character n-grams without spaces."""
    words = "".join(" " if _separator(c) else c for c in text.lower()).split()
    if not words:
        return []
    if spaced:
        return [" ".join(words)] if len(words) <= n else [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]
    chars = "".join(words)
    return [chars] if len(chars) <= n else [chars[i:i + n] for i in range(len(chars) - n + 1)]


def _separator(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"


TEXTS = ["Hello, World!  This is -- a test\tof the   shingles; here.", "สวัสดีครับ ทดสอบ ระบบ", "a b", "ab", "",
         "!!! ???", "😀 𝄞 x y z w v u", "İstanbul’da ǅemal, straße", "x\u2028y\u3000z\x1cw\u00a0v", "中文，测试。再来"]


@pytest.mark.parametrize("spaced", [True, False])
def test_normalised_points_join_the_words_of_the_definition(spaced: bool) -> None:
    rng = random.Random(1)
    alphabet = "abc XYZ,.;!?-_ \t\n\u00a0\u3000ไทย中文😀’“”"
    texts = TEXTS + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(300)]
    for text in texts:
        words = "".join(" " if _separator(c) else c for c in text.lower()).split()
        expected = (" " if spaced else "").join(words)
        assert normalised_points(text, spaced).tobytes() == expected.encode("utf-32-le"), repr(text)


@pytest.mark.parametrize("spaced", [True, False])
def test_each_shingle_hashes_as_its_own_text(spaced: bool) -> None:
    # a shingle's hash depends on its characters only, not on where it stands in the document
    for text in TEXTS:
        shingles = _shingles(text, 5, spaced)
        hashes = shingle_hashes(text, 5, spaced)
        assert len(hashes) == len(shingles)
        assert hashes.tolist() == [int(shingle_hashes(s, 10**6, spaced)[0]) for s in shingles]
    assert len(set(shingle_hashes(" ".join(f"w{i}" for i in range(5000)), 5, True).tolist())) == 4996


def test_band_hashes_are_equal_exactly_when_the_band_values_are() -> None:
    signatures = np.random.default_rng(2).integers(0, 2**32, (50, 120), dtype=np.uint64).astype(np.uint32)
    signatures[1, :6] = signatures[0, :6]  # band 0 shared by documents 0 and 1
    bands = band_hashes(signatures, 20, 6)
    assert bands.shape == (50, 20) and bands[0, 0] == bands[1, 0]
    assert len({(band, value) for band in range(20) for value in bands[:, band].tolist()}) == 50 * 20 - 1
