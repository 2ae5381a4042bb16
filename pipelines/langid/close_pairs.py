"""Second-stage language ID for Malay vs Indonesian, the close pair fastText lid.176 confuses.

lid.176 calls most Standard Malay text Indonesian. When the first stage says Malay or Indonesian,
this naive-Bayes classifier over word unigrams decides between the two from the sum of per-word
log-likelihood ratios ``log P(word | Malay) / P(word | Indonesian)``. When the sum clears a confidence
margin the words decide; below it, the model's own Malay/Indonesian log-odds are added at MODEL_WEIGHT
(lid.176 leans Indonesian: it calls 82% of NTREX-128 Malay documents Indonesian, so its odds count
half), and the sign of the total decides.

Each distinct word counts once: a word a text repeats (*undang-undang*, a name, the topic) says no more
about the standard than one occurrence, and repeated words of a long paragraph in one register outvoted
the few that tell the two apart.

Data: the Malay (``ms``) and Indonesian (``id``) word-frequency lists of the ``wordfreq`` package
(https://github.com/rspeer/wordfreq, code Apache-2.0, data CC BY-SA 4.0), built from Wikipedia,
OpenSubtitles and OSCAR web text; word counts of Malaysian and Indonesian news and Indonesian treebank
sentences (``data/ms_id_news_words.json``, pipelines/langid/build_ms_id_words.py, data/NOTICE.md),
which balance the lists' register (subtitles against formal text): a word seen at least
MIN_CORPUS_COUNT times there weighs the mean of its list ratio and its news ratio; and the project's
curated lexicon of Malaysian/Indonesian spelling and word pairs (pipelines/langid/ms_id_lexicon.py),
whose weight replaces the measured one (0 for words both standards use, only in other proportions).
Words whose ratio stays below MIN_WORD_WEIGHT (function words both standards use: *dan*, *ini*,
*tidak*) carry no evidence: their small ratios reflect the corpora, not the language. No evaluation
text (NTREX-128, lingua, NusaX, the held-out Malaysian texts of eval/malay_heldout.py) was used to
build it. Scoring a text is two regex splits and one dict lookup per distinct word.
"""

from __future__ import annotations

import importlib.resources
import json
import math
import re
from collections.abc import Mapping
from functools import lru_cache
from itertools import repeat

from pipelines.langid.ms_id_lexicon import lexicon

MALAY = "zsm_Latn"
INDONESIAN = "ind_Latn"
PAIR = frozenset({MALAY, INDONESIAN})

#: A word found in only one list is scored as if the other list had it at this fraction of its
#: rarest entry (the lists stop at a frequency of about 1e-6).
FLOOR_FRACTION = 0.5
#: Largest evidence one word can carry (nats): a name or a rare spelling cannot decide alone.
WORD_CAP = 2.5
#: Minimum |sum of log-likelihood ratios| (nats) for a decision: posterior odds of about 20:1.
MARGIN = 3.0
#: Weight of the backend's log P(Malay) / P(Indonesian) added to the words' sum below MARGIN; chosen on
#: the development sets (Malaya's news sentences of eval/malay_heldout.py, NusaX valid, lingua's
#: Indonesian), never on the held-out ones.
MODEL_WEIGHT = 0.5
#: Words of the frequency lists whose |log ratio| is below this carry no evidence (nats).
MIN_WORD_WEIGHT = 1.0
#: Characters of a text that are scored.
MAX_CHARS = 2000
#: Occurrences (both sides together) a word needs in the news counts before they weigh in.
MIN_CORPUS_COUNT = 5
#: Add-alpha smoothing of the news counts.
CORPUS_ALPHA = 0.5

_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=2)
def words(text: str) -> tuple[str, ...]:
    """Lowercased letter runs of the first MAX_CHARS characters of ``text`` (cached for the last
    texts: the regional check reads the same words, pipelines/langid/regional.py)."""
    return tuple(_WORD.findall(text[:MAX_CHARS].lower()))


def distinct_words(text: str) -> tuple[str, ...]:
    """The distinct words of ``words(text)``, in order of first occurrence."""
    return tuple(dict.fromkeys(words(text)))


class MalayIndonesianClassifier:
    """Naive Bayes over word unigrams: ``weights[word]`` is log P(word | Malay) / P(word | Indonesian)."""

    def __init__(
        self,
        weights: Mapping[str, float],
        margin: float = MARGIN,
        prior: float = 0.0,
        compounds: Mapping[str, float] | None = None,
    ) -> None:
        self.weights = dict(weights)
        self.compounds = dict(compounds or {})  # hyphenated words (*mana-mana*), counted as substrings
        self.margin = margin
        self.prior = prior

    def log_likelihood_ratio(self, text: str) -> float:
        """Prior plus the summed weights of the distinct words (and hyphenated words) of ``text`` (first
        MAX_CHARS characters, lowercased); positive means Malay, negative Indonesian, 0 when no word is known."""
        llr = self.prior + sum(map(self.weights.get, distinct_words(text), repeat(0.0)))
        if "-" in text:
            lowered = text[:MAX_CHARS].lower()
            llr += sum(weight for compound, weight in self.compounds.items() if compound in lowered)
        return llr

    def decide(self, text: str, model_log_odds: float = 0.0) -> str | None:
        """``MALAY`` or ``INDONESIAN``: by the words when their evidence clears the margin, else by the
        words plus MODEL_WEIGHT times ``model_log_odds`` (the backend's log P(Malay) / P(Indonesian));
        None when that total is 0 (no evidence either way)."""
        llr = self.log_likelihood_ratio(text)
        if abs(llr) < self.margin:
            llr += MODEL_WEIGHT * model_log_odds
        if llr > 0:
            return MALAY
        if llr < 0:
            return INDONESIAN
        return None


def weights_from_frequencies(
    malay: Mapping[str, float], indonesian: Mapping[str, float], cap: float = WORD_CAP
) -> dict[str, float]:
    """Per-word log-likelihood ratios from two frequency lists, missing words smoothed to
    FLOOR_FRACTION of the list's rarest frequency, each ratio clipped to ``[-cap, cap]``; words whose
    ratio is 0 are left out."""
    if not malay or not indonesian:
        raise ValueError("both word-frequency lists must be non-empty")
    floor_ms = FLOOR_FRACTION * min(malay.values())
    floor_id = FLOOR_FRACTION * min(indonesian.values())
    weights = {}
    for word in malay.keys() | indonesian.keys():
        ratio = math.log(malay.get(word, floor_ms) / indonesian.get(word, floor_id))
        if ratio:
            weights[word] = max(-cap, min(cap, ratio))
    return weights


def with_corpus(weights: Mapping[str, float], counts: Mapping[str, Mapping[str, int]]) -> dict[str, float]:
    """``weights`` with each word seen at least MIN_CORPUS_COUNT times in ``counts`` (``{MALAY: {word:
    n}, INDONESIAN: {...}}``) set to the mean of its weight and its add-CORPUS_ALPHA smoothed log ratio
    between the two sides, clipped to ``[-WORD_CAP, WORD_CAP]``."""
    malay, indonesian = counts[MALAY], counts[INDONESIAN]
    vocabulary = len(malay.keys() | indonesian.keys())
    size_ms = sum(malay.values()) + CORPUS_ALPHA * vocabulary
    size_id = sum(indonesian.values()) + CORPUS_ALPHA * vocabulary
    combined = dict(weights)
    for word, weight in weights.items():
        n_ms, n_id = malay.get(word, 0), indonesian.get(word, 0)
        if n_ms + n_id >= MIN_CORPUS_COUNT:
            ratio = math.log((n_ms + CORPUS_ALPHA) / size_ms) - math.log((n_id + CORPUS_ALPHA) / size_id)
            combined[word] = (weight + max(-WORD_CAP, min(WORD_CAP, ratio))) / 2
    return combined


@lru_cache(maxsize=1)
def malay_indonesian() -> MalayIndonesianClassifier:
    """The default classifier, built once per process from wordfreq's ``ms`` and ``id`` lists, the
    shipped news counts and the curated lexicon."""
    try:
        from wordfreq import get_frequency_dict
    except ImportError as error:
        raise ImportError("the Malay/Indonesian second stage needs the `wordfreq` package (pip install wordfreq)") from error
    weights = weights_from_frequencies(get_frequency_dict("ms"), get_frequency_dict("id"))
    # wordfreq keeps words with a letter, digits or apostrophes; only purely alphabetic ones can match _WORD
    weights = {word: w for word, w in weights.items() if _WORD.fullmatch(word)}
    path = importlib.resources.files("pipelines.langid").joinpath("data/ms_id_news_words.json")
    weights = with_corpus(weights, json.loads(path.read_text("utf-8")))
    weights = {word: w for word, w in weights.items() if abs(w) >= MIN_WORD_WEIGHT}
    compounds = {}
    for word, curated in lexicon().items():
        if not _WORD.fullmatch(word):
            compounds[word] = curated
        elif curated:
            weights[word] = curated
        else:
            weights.pop(word, None)  # both standards use it: no evidence
    return MalayIndonesianClassifier(weights, compounds=compounds)
