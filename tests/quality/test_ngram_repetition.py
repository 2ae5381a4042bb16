"""The numpy n-gram repetition measures equal Gopher's definitions computed the plain way."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from pipelines.quality.ngram_repetition import NgramRepetition


def plain_top(words: list[str], n: int) -> int:
    grams = Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    if not grams:
        return 0
    gram, count = grams.most_common(1)[0]
    return sum(len(w) for w in gram) * count


def plain_duplicates(words: list[str], n: int) -> int:
    seen: set[tuple[str, ...]] = set()
    total = idx = 0
    while idx < len(words) - n + 1:
        gram = tuple(words[idx : idx + n])
        if gram in seen:
            total += sum(len(w) for w in gram)
            idx += n
        else:
            seen.add(gram)
            idx += 1
    return total


@pytest.mark.parametrize("seed", range(5))
def test_measures_equal_the_plain_definitions(seed: int):
    rng = random.Random(seed)
    for _ in range(200):
        vocabulary = ["".join(rng.choice("abcdef") for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(1, 30))]
        words = [rng.choice(vocabulary) for _ in range(rng.randint(0, 120))]
        if rng.random() < 0.3:  # a repeated block, as on boilerplate-heavy pages
            words += words[: rng.randint(0, len(words))]
        repetition = NgramRepetition(words)
        for n in rng.sample(range(1, 11), 10):  # any order: ids of longer n-grams reuse shorter ones
            assert repetition.top_ngram_chars(n) == plain_top(words, n)
            assert repetition.duplicate_ngram_chars(n) == plain_duplicates(words, n)


def test_a_sentence_repeated_twice():
    words = "the river runs past the old town every spring".split() * 2
    repetition = NgramRepetition(words)
    # the walk meets the first repeated 5-gram at word 9, counts it, jumps to word 14: no 5-gram left
    assert repetition.duplicate_ngram_chars(5) == len("theriverrunspastthe")
    # every bigram occurs twice; the first one seen wins the tie
    assert repetition.top_ngram_chars(2) == len("theriver") * 2
    assert NgramRepetition(words[:9]).duplicate_ngram_chars(5) == 0
