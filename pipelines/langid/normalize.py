"""Text normalisation before language ID: invisible characters, Zawgyi -> Unicode, NFC.

Order matters: invisible characters are removed first (they disturb the Zawgyi detector),
Zawgyi is converted on the raw code points (NFC could reorder Zawgyi's visual-order marks),
and NFC is applied last.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from math import exp

import numpy as np

#: Zero-width space, BOM / zero-width no-break space, word joiner, soft hyphen.
#: ZWNJ (U+200C) and ZWJ (U+200D) are kept: they change the rendering of Indic,
#: Arabic and emoji sequences.
_INVISIBLE = re.compile("[\u200b\ufeff\u2060\u00ad]")
_MYANMAR = re.compile("[\u1000-\u109f]")
ZAWGYI_THRESHOLD = 0.95
#: The Zawgyi detector reads this many characters from the first Myanmar letter on: a document's
#: encoding is one choice of its author, and the pure-Python detector over whole pages took most
#: of the langid stage's time (bench/e2e).
ZAWGYI_SAMPLE_CHARS = 2000


@lru_cache(maxsize=1)
def _zawgyi_detector():
    from myanmartools import ZawgyiDetector

    return ZawgyiDetector()


@lru_cache(maxsize=1)
def zawgyi_converter() -> tuple[str, Callable[[str], str]]:
    """``(backend name, convert)``: ICU's ``Zawgyi-my`` transliterator when PyICU is installed
    (most exact), else paraencoder's pure-Python rules (no system libraries needed)."""
    try:
        from icu import Transliterator
    except ImportError:
        from para import zg_to_unicode

        return "paraencoder", lambda text: zg_to_unicode(text, normalize=False, force=True)
    return "icu", Transliterator.createInstance("Zawgyi-my").transliterate


@lru_cache(maxsize=1)
def _zawgyi_tables() -> tuple[np.ndarray, np.ndarray, int]:
    """myanmartools' model as arrays: the state of every code point up to the model's last
    character (the detector's own ``_state``, so its lookup is kept exactly, quirks included) and
    its transition log-likelihood ratios (float32 values, widened exactly)."""
    detector = _zawgyi_detector()
    chars = detector._chars
    states = np.zeros(max(map(ord, chars)) + 2, dtype=np.int64)  # the last slot: every code point above
    for char in chars:
        states[ord(char)] = detector._state(char)
    return states, np.array(detector._params, dtype=np.float64), len(chars) + 1


def zawgyi_llr_probability(sample: str) -> float:
    """``ZawgyiDetector.get_zawgyi_probability`` with the per-character loop in numpy: the same
    log-likelihood ratios, summed by Python's ``sum`` in the same order, so the same float; 0.0
    where the detector gives -inf (no character the model knows)."""
    states, params, size = _zawgyi_tables()
    points = np.frombuffer(sample.encode("utf-32-le"), dtype=np.uint32)
    chain = np.zeros(len(points) + 2, dtype=np.int64)  # None (state 0) on both sides, as the detector pairs them
    chain[1:-1] = states[np.minimum(points, len(states) - 1)]
    ratios = params[chain[:-1] * size + chain[1:]]
    known = ratios[~np.isnan(ratios)].tolist()
    if not known:
        return 0.0
    total = sum(known)
    if total >= 0:
        z = exp(-total)
        return z / (z + 1)
    return 1 / (1 + exp(total))


def zawgyi_probability(text: str) -> float:
    """P(text is Zawgyi-encoded Burmese) from myanmartools' model (zawgyi_llr_probability), read on
    ZAWGYI_SAMPLE_CHARS characters from the first Myanmar letter on; 0.0 when the text holds no
    Myanmar letters."""
    first = _MYANMAR.search(text)
    if first is None:
        return 0.0
    return zawgyi_llr_probability(text[first.start() : first.start() + ZAWGYI_SAMPLE_CHARS])


def normalize_text(text: str) -> tuple[str, bool]:
    """Return ``(normalised text, zawgyi_converted)``: invisible characters removed,
    Zawgyi Burmese converted to Unicode when P(zawgyi) > 0.95 (see zawgyi_converter), then NFC."""
    text = _INVISIBLE.sub("", text)
    converted = zawgyi_probability(text) > ZAWGYI_THRESHOLD
    if converted:
        text = zawgyi_converter()[1](text)
    return unicodedata.normalize("NFC", text), converted
