"""Regional languages as themselves: a word-level check that keeps Javanese, Sundanese, Minangkabau,
Balinese, Acehnese, Cebuano, Hiligaynon, ... out of Indonesian, Malay and Filipino.

When the first stages say Indonesian, Malay or Filipino, each regional language ``L`` of that group
gets a sum of per-word log-likelihood ratios against the target (naive Bayes over words), from

* Indonesian local languages: the word counts of the NusaX-MT *train* split (IndoNLP/nusax, CC BY-SA
  4.0; the same 500 sentences in Indonesian and in ten local languages), shipped as
  ``data/nusax_train_words.json`` and rebuilt by ``python -m pipelines.langid.build_regional_words``;
  the test split is never read. A word weighs ``log P_L(w) / P_ind(w)`` (add-ALPHA smoothing) between
  the local language's and Indonesian's side of the *same* sentences, so the topic (NusaX is
  restaurant and product reviews) cancels and only the language remains: *makan* weighs nothing,
  *indak* (Minangkabau) and *yang* (Indonesian) a lot. A word outside NusaX weighs nothing.
* Philippine languages: the curated word lists of pipelines/langid/regional_lexicon.py, modelled as
  Filipino with their own words mixed in, ``log((LAMBDA * P_L(w) + (1 - LAMBDA) * P_fil(w)) / P_fil(w))``
  with ``P_fil`` from ``wordfreq``: a word the language uses and Tagalog does not counts for it, a
  Tagalog word it lacks counts ``log(1 - LAMBDA)`` against it, a word neither knows is skipped.

Each distinct word of a text counts once (*undang-undang*, Indonesian law's "law", is no Ngaju text
for its Ngaju-looking *undang* twice). The best language wins when its sum clears MARGIN and
MIN_PER_WORD per distinct word, so that a long Indonesian article quoting a Javanese phrase stays
Indonesian. A second test catches languages no list covers: a text of at least COVERAGE_MIN_WORDS
distinct words of which fewer than COVERAGE_MIN are in the target's or English's ``wordfreq`` list is not that target (``other``).
"""

from __future__ import annotations

import importlib.resources
import json
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pipelines.langid.close_pairs import distinct_words
from pipelines.langid.regional_lexicon import PHILIPPINE

INDONESIAN, MALAY, FILIPINO, ENGLISH, VIETNAMESE = "ind_Latn", "zsm_Latn", "fil_Latn", "eng_Latn", "vie_Latn"
#: Targets checked (every Latin-script target), and the wordfreq lists that hold their words. English
#: and Vietnamese get the coverage test only: no regional language is modelled against them.
TARGET_LISTS = {
    INDONESIAN: ("id", "ms"), MALAY: ("id", "ms"), FILIPINO: ("fil",), ENGLISH: ("en",), VIETNAMESE: ("vi",),
}
#: Add-alpha smoothing of the NusaX word counts.
ALPHA = 0.5
#: Weight of a Philippine language's own words in its mixture with Filipino.
LAMBDA = 0.5
#: Largest evidence one word can carry (nats).
WORD_CAP = 2.5
#: Smallest summed evidence (nats) for a regional language to win, and smallest per word.
MARGIN = 3.0
MIN_PER_WORD = 0.1
#: Share of words known to the target's (or English's) list below which a text is not the target.
COVERAGE_MIN = 0.5
COVERAGE_MIN_WORDS = 20
#: Frequency given to a word a wordfreq list lacks: half the rarest frequency it keeps.
FLOOR_FRACTION = 0.5

#: Codes of words that are no row of a group: known to the target's lists only, or unknown.
_KNOWN_ONLY, _UNKNOWN = -1, -2


@dataclass(frozen=True)
class _Group:
    """Regional languages scored against one target: ``codes[word]`` is the word's row of ``table``
    (its evidence for each language, then 1.0 when the target's or English's lists know the word), or
    _KNOWN_ONLY for a word only the target's lists know."""

    languages: tuple[str, ...]
    codes: dict[str, int]
    table: np.ndarray  # (words, languages + 1): the evidence columns and the "known" column
    penalty: float  # evidence against every language of a target word none of them uses

    @classmethod
    def build(cls, languages: tuple[str, ...], vocabulary: list[str], matrix: np.ndarray, known: frozenset[str], penalty: float) -> _Group:
        codes = dict.fromkeys(known, _KNOWN_ONLY)
        codes.update((word, i) for i, word in enumerate(vocabulary))
        row_known = np.array([word in known for word in vocabulary], dtype=np.float64).reshape(-1, 1)
        return cls(languages, codes, np.hstack([matrix, row_known]), penalty)

    @property
    def matrix(self) -> np.ndarray:
        """The evidence of each row's word for each language (words, languages)."""
        return self.table[:, :-1]

    def evidence(self, words: tuple[str, ...]) -> tuple[np.ndarray, int]:
        """Summed evidence per language of ``words``, and how many of them the target's lists know
        (one ``take`` and one sum over the rows, the "known" column summed with the evidence)."""
        codes = [self.codes.get(word, _UNKNOWN) for word in words]
        rows = [code for code in codes if code >= 0]
        shared = codes.count(_KNOWN_ONLY)
        summed = self.table.take(rows, axis=0).sum(axis=0)
        return summed[:-1] + shared * self.penalty, shared + int(summed[-1])


class RegionalLanguages:
    """Decides whether a text labelled Indonesian, Malay or Filipino is a regional language instead."""

    def __init__(self, groups: dict[str, _Group]) -> None:
        self.groups = groups

    def scores(self, text: str, target: str) -> dict[str, float]:
        """Summed evidence (nats) for each regional language of ``target``'s group against ``target``."""
        group = self.groups[target]
        total, _ = group.evidence(distinct_words(text))
        return dict(zip(group.languages, total.tolist()))

    def decide(self, text: str, target: str) -> str | None:
        """The regional language ``text`` is written in instead of ``target``, ``"other"`` when too few
        of its words are ``target``'s (or English), or None when it reads as ``target``."""
        group = self.groups.get(target)
        words = distinct_words(text) if group is not None else ()
        if not words or (not group.languages and len(words) < COVERAGE_MIN_WORDS):
            return None  # nothing to decide: no coverage test and no regional language to score
        total, known = group.evidence(words)
        if len(words) >= COVERAGE_MIN_WORDS and known < COVERAGE_MIN * len(words):
            return "other"
        if not group.languages:
            return None
        best = int(total.argmax())
        if total[best] >= MARGIN and total[best] >= MIN_PER_WORD * len(words):
            return group.languages[best]
        return None


def _frequencies(lists: tuple[str, ...]) -> dict[str, float]:
    """Union of ``wordfreq`` lists, each word at its highest frequency."""
    from wordfreq import get_frequency_dict

    merged: dict[str, float] = {}
    for name in lists:
        frequencies = get_frequency_dict(name)
        highest = {word: max(frequencies[word], merged[word]) for word in frequencies.keys() & merged.keys()}
        merged.update(frequencies)
        merged.update(highest)
    return merged


def _known(lists: tuple[str, ...]) -> frozenset[str]:
    """Every word of the ``wordfreq`` lists and of English."""
    return frozenset().union(*(_words(name) for name in (*lists, "en")))


@lru_cache(maxsize=None)
def _words(name: str) -> frozenset[str]:
    """The words of one ``wordfreq`` list (English is part of every group: read once)."""
    from wordfreq import get_frequency_dict

    return frozenset(get_frequency_dict(name))


def parallel_group(counts: dict[str, dict[str, int]], reference: str, lists: tuple[str, ...]) -> _Group:
    """Evidence of each language of ``counts`` against ``counts[reference]``, counted on the same
    (parallel) sentences: ``log P_L(w) / P_ref(w)``, add-ALPHA smoothed, clipped to WORD_CAP."""
    languages = tuple(sorted(language for language in counts if language != reference))
    vocabulary = sorted(set().union(*(counts[language] for language in counts)))
    size = len(vocabulary)

    def smoothed(language: str) -> np.ndarray:
        row = counts[language]
        values = np.array([row.get(word, 0) for word in vocabulary], dtype=np.float64) + ALPHA
        return values / (sum(row.values()) + ALPHA * size)

    base = np.log(smoothed(reference))
    matrix = np.stack([np.log(smoothed(language)) - base for language in languages], axis=1)
    matrix = np.clip(matrix, -WORD_CAP, WORD_CAP)
    return _Group.build(languages, vocabulary, matrix, _known(lists), 0.0)


def mixture_group(models: dict[str, dict[str, float]], lists: tuple[str, ...]) -> _Group:
    """Evidence of each language of ``models`` (word -> probability) modelled as the ``wordfreq``
    target ``lists`` with its own words mixed in at LAMBDA."""
    target = _frequencies(lists)
    floor = FLOOR_FRACTION * min(target.values())
    languages = tuple(sorted(models))
    vocabulary = sorted(set().union(*models.values())) if models else []
    penalty = math.log(1.0 - LAMBDA)
    matrix = np.zeros((len(vocabulary), len(languages)), dtype=np.float64)
    for i, word in enumerate(vocabulary):
        p_target = target.get(word)
        for j, language in enumerate(languages):
            p_lang = models[language].get(word, 0.0)
            if p_lang:
                base = p_target or floor
                matrix[i, j] = min(WORD_CAP, math.log((LAMBDA * p_lang + (1 - LAMBDA) * base) / base))
            elif p_target:
                matrix[i, j] = penalty
    return _Group.build(languages, vocabulary, matrix, _known(lists), penalty)


def _probabilities(counts: dict[str, int]) -> dict[str, float]:
    total = sum(counts.values())
    return {word: n / total for word, n in counts.items()}


@lru_cache(maxsize=1)
def regional_languages() -> RegionalLanguages:
    """The default check, built once per process from the shipped NusaX-train counts and the curated lists."""
    path = importlib.resources.files("pipelines.langid").joinpath("data/nusax_train_words.json")
    nusax = json.loads(path.read_text("utf-8"))
    philippine = {language: _probabilities(dict.fromkeys(words.split(), 1)) for language, words in PHILIPPINE.items()}
    indonesian = parallel_group(nusax, INDONESIAN, TARGET_LISTS[INDONESIAN])
    groups = {INDONESIAN: indonesian, MALAY: indonesian, FILIPINO: mixture_group(philippine, TARGET_LISTS[FILIPINO])}
    for target in (ENGLISH, VIETNAMESE):
        groups[target] = mixture_group({}, TARGET_LISTS[target])
    return RegionalLanguages(groups)
