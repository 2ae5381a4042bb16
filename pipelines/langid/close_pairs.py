"""Second-stage language ID for Malay vs Indonesian, the close pair fastText lid.176 confuses.

lid.176 calls most Standard Malay text Indonesian. When the first stage says Malay or Indonesian,
this naive-Bayes classifier over word unigrams decides between the two from the sum of per-word
log-likelihood ratios ``log P(word | Malay) / P(word | Indonesian)``. When the sum clears a confidence
margin the words decide; below it, the model's own Malay/Indonesian log-odds are added at MODEL_WEIGHT
(lid.176 leans Indonesian: it calls 82% of NTREX-128 Malay documents Indonesian, so its odds count
half), and the sign of the total decides.

Data: the Malay (``ms``) and Indonesian (``id``) word-frequency lists of the ``wordfreq`` package
(https://github.com/rspeer/wordfreq, code Apache-2.0, data CC BY-SA 4.0), built from Wikipedia,
OpenSubtitles and OSCAR web text, and the project's curated lexicon of Malaysian/Indonesian spelling
and word pairs (pipelines/langid/ms_id_lexicon.py), which sets a floor on the evidence of the words it
lists and corrects the lists where they disagree with it. Words whose frequencies differ by less than
MIN_WORD_WEIGHT (function words both standards use: *dan*, *ini*, *tidak*) carry no evidence: their
small ratios reflect the corpora, not the language, and in a long paragraph they outvoted the few
words that do tell the two apart. No evaluation text (NTREX-128, lingua, NusaX) was used to build it.
Scoring a text is two regex splits and one dict lookup per word.
"""

from __future__ import annotations

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

_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=2)
def words(text: str) -> tuple[str, ...]:
    """Lowercased letter runs of the first MAX_CHARS characters of ``text`` (cached for the last
    texts: the regional check reads the same words, pipelines/langid/regional.py)."""
    return tuple(_WORD.findall(text[:MAX_CHARS].lower()))


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
        """Prior plus the summed word (and hyphenated-word) weights of ``text`` (first MAX_CHARS
        characters, lowercased); positive means Malay, negative Indonesian, 0 when no word is known."""
        llr = self.prior + sum(map(self.weights.get, words(text), repeat(0.0)))
        if "-" in text:
            lowered = text[:MAX_CHARS].lower()
            llr += sum(weight * lowered.count(compound) for compound, weight in self.compounds.items())
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


@lru_cache(maxsize=1)
def malay_indonesian() -> MalayIndonesianClassifier:
    """The default classifier, built once per process from wordfreq's ``ms`` and ``id`` lists."""
    try:
        from wordfreq import get_frequency_dict
    except ImportError as error:
        raise ImportError("the Malay/Indonesian second stage needs the `wordfreq` package (pip install wordfreq)") from error
    weights = weights_from_frequencies(get_frequency_dict("ms"), get_frequency_dict("id"))
    # wordfreq keeps words with a letter, digits or apostrophes; only purely alphabetic ones can match _WORD
    weights = {word: w for word, w in weights.items() if _WORD.fullmatch(word) and abs(w) >= MIN_WORD_WEIGHT}
    compounds = {}
    for word, curated in lexicon().items():
        if _WORD.fullmatch(word):
            weights[word] = with_lexicon(weights.get(word, 0.0), curated)
        else:
            compounds[word] = curated
    return MalayIndonesianClassifier(weights, compounds=compounds)


def with_lexicon(measured: float, curated: float) -> float:
    """The curated weight, or the measured one when it points the same way and is stronger."""
    return measured if measured * curated > 0 and abs(measured) > abs(curated) else curated
