"""Gopher's n-gram repetition measures, computed on integer word ids with numpy.

Same definitions as Gopher (and datatrove's ``find_top_duplicate`` / ``find_all_duplicate``):

* top n-gram: characters of the most frequent n-gram times its count (ties: the first seen);
* duplicated n-grams: walking left to right, an n-gram seen before counts its characters and
  the walk jumps ``n`` words ahead, otherwise the walk moves one word.

Characters of an n-gram are the summed lengths of its words. n-grams are compared as word
sequences (datatrove compares the words joined without a separator, so ``ab c`` equals ``a bc``).
Each n-gram gets a dense id built from the (n-1)-gram id and the next word's id, so no string is
ever joined; the left-to-right walk only runs from the first repeated n-gram on."""

from __future__ import annotations

import numpy as np


class NgramRepetition:
    """Repetition measures of one document's words; n-gram ids are built once per n and reused."""

    def __init__(self, words: list[str]):
        vocabulary: dict[str, int] = {}
        self._word_ids = np.array([vocabulary.setdefault(w, len(vocabulary)) for w in words], dtype=np.int64)
        self._chars = np.concatenate(([0], np.cumsum([len(w) for w in words], dtype=np.int64)))
        self._ids: dict[int, np.ndarray] = {1: self._word_ids}

    def _ngram_ids(self, n: int) -> np.ndarray:
        """Dense id of the n-gram starting at each position (empty when there are fewer than n words)."""
        known = max(k for k in self._ids if k <= n)
        ids = self._ids[known]
        for k in range(known + 1, n + 1):
            pairs = ids[:-1] * len(self._word_ids) + self._word_ids[k - 1 :]
            ids = np.unique(pairs, return_inverse=True)[1].astype(np.int64)
            self._ids[k] = ids
        return ids

    def _gram_chars(self, n: int, starts: np.ndarray) -> np.ndarray:
        return self._chars[starts + n] - self._chars[starts]

    def top_ngram_chars(self, n: int) -> int:
        """Characters of the most frequent n-gram times its count; 0 without any n-gram."""
        ids = self._ngram_ids(n)
        if len(ids) == 0:
            return 0
        _, first, counts = np.unique(ids, return_index=True, return_counts=True)
        best = first[counts == counts.max()].min()
        return int(self._gram_chars(n, np.array([best]))[0]) * int(counts.max())

    def duplicate_ngram_chars(self, n: int) -> int:
        """Characters of the duplicated n-grams, counted left to right, skipping n words after each."""
        ids = self._ngram_ids(n)
        if len(ids) == 0:
            return 0
        _, first = np.unique(ids, return_index=True)
        repeats = np.flatnonzero(first[ids] != np.arange(len(ids)))
        if len(repeats) == 0:
            return 0
        start = int(repeats[0])
        seen = set(ids[:start].tolist())
        gram_ids = ids.tolist()
        gram_chars = self._gram_chars(n, np.arange(len(ids))).tolist()
        total, idx = 0, start
        while idx < len(gram_ids):
            gram = gram_ids[idx]
            if gram in seen:
                total += gram_chars[idx]
                idx += n
            else:
                seen.add(gram)
                idx += 1
        return total
