"""Gopher's n-gram repetition measures, computed on integer word ids with numpy.

Same definitions as Gopher (and datatrove's ``find_top_duplicate`` / ``find_all_duplicate``):

* top n-gram: characters of the most frequent n-gram times its count (ties: the first seen);
* duplicated n-grams: walking left to right, an n-gram seen before counts its characters and
  the walk jumps ``n`` words ahead, otherwise the walk moves one word.

Characters of an n-gram are the summed lengths of its words. n-grams are compared as word
sequences (datatrove compares the words joined without a separator, so ``ab c`` equals ``a bc``).
Each n-gram gets a dense id built from the (n-1)-gram id and the next word's id, so no string is
ever joined; one ``np.unique`` per n gives the ids, each id's first position and its count. The
left-to-right walk visits only the positions whose n-gram occurred before (every other position
is a first occurrence: the walk records it and moves on, which one ``set.update`` does at once).
When no (n-1)-gram repeats, no n-gram does, and the n-grams get their ids without ``np.unique``."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class _Grams(NamedTuple):
    ids: np.ndarray  # the n-gram id at each position
    first: np.ndarray  # per id: the position of its first occurrence
    counts: np.ndarray  # per id: how often it occurs


class NgramRepetition:
    """Repetition measures of one document's words; n-gram ids are built once per n and reused."""

    def __init__(self, words: list[str]):
        first_position: dict[str, int] = {}
        # a word's id is the position of its first occurrence: below len(words), as the pairing needs
        self._word_ids = np.fromiter(map(first_position.setdefault, words, range(len(words))), np.int64, len(words))
        self._chars = np.concatenate(([0], np.cumsum(np.fromiter(map(len, words), np.int64, len(words)))))
        self._grams: dict[int, _Grams] = {}

    def _ngrams(self, n: int) -> _Grams:
        """Ids, first positions and counts of the n-grams (empty when there are fewer than n words)."""
        if n in self._grams:
            return self._grams[n]
        if n == 1:
            values = self._word_ids
        else:  # pair each (n-1)-gram id with the next word's id (both below the word count)
            previous = self._word_ids
            if n > 2:
                shorter = self._ngrams(n - 1)
                if shorter.counts.max(initial=0) <= 1:  # no (n-1)-gram repeats: no n-gram does
                    unique = np.arange(max(len(shorter.ids) - 1, 0))
                    self._grams[n] = _Grams(unique, unique, np.ones(len(unique), dtype=np.int64))
                    return self._grams[n]
                previous = shorter.ids
            values = previous[:-1] * len(self._word_ids) + self._word_ids[n - 1 :]
        _, first, ids, counts = np.unique(values, return_index=True, return_inverse=True, return_counts=True)
        self._grams[n] = _Grams(ids, first, counts)
        return self._grams[n]

    def _gram_chars(self, n: int, starts: np.ndarray) -> np.ndarray:
        return self._chars[starts + n] - self._chars[starts]

    def top_ngram_chars(self, n: int) -> int:
        """Characters of the most frequent n-gram times its count; 0 without any n-gram."""
        grams = self._ngrams(n)
        if len(grams.ids) == 0:
            return 0
        most = grams.counts.max()
        best = grams.first[grams.counts == most].min()
        return int(self._gram_chars(n, np.array([best]))[0]) * int(most)

    def duplicate_ngram_chars(self, n: int) -> int:
        """Characters of the duplicated n-grams, counted left to right, skipping n words after each."""
        grams = self._ngrams(n)
        repeats = np.flatnonzero(grams.first[grams.ids] != np.arange(len(grams.ids)))
        if len(repeats) == 0:
            return 0
        gram_ids = grams.ids.tolist()
        seen: set[int] = set()
        total = idx = 0
        for position, gram_chars in zip(repeats.tolist(), self._gram_chars(n, repeats).tolist()):
            if position < idx:  # jumped over
                continue
            seen.update(gram_ids[idx:position])  # first occurrences: recorded, one step each
            gram = gram_ids[position]
            if gram in seen:
                total += gram_chars
                idx = position + n
            else:
                seen.add(gram)
                idx = position + 1
        return total
