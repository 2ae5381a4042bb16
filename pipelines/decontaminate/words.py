"""Matching words: the same normalisation and segmentation for eval items and documents.

Steps: the language-ID normalisation (invisible characters out, Zawgyi Burmese to Unicode, NFC:
:func:`pipelines.langid.normalize.normalize_text`), case folding, every punctuation or symbol
character (Unicode categories P* and S*) to a space, then the words of
:func:`pipelines.quality.segment.words` for the language (whitespace for spaced languages; ICU or the
project's segmenters for Thai, Khmer, Lao, Burmese syllables and Chinese). A changed punctuation
mark, doubled whitespace or changed case therefore gives the same words. Documents are cut per line,
so that every word knows its paragraph (the unit the ``cut`` action removes)."""

from __future__ import annotations

import sys
import unicodedata
from functools import lru_cache

from pipelines.langid.languages import OTHER, is_spaced, lookup
from pipelines.langid.normalize import normalize_text
from pipelines.quality.segment import words as segment_words


@lru_cache(maxsize=1)
def _punctuation_to_space() -> dict[int, str]:
    return {cp: " " for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp))[0] in "PS"}


def normalize_for_matching(text: str) -> str:
    """``text`` normalised for matching (see module docstring), before segmentation."""
    text = normalize_text(text)[0].casefold().translate(_punctuation_to_space())
    return unicodedata.normalize("NFC", text)


def matching_words(text: str, language: str | None) -> list[str]:
    """The matching words of ``text`` in ``language`` (any alias; None or unknown: spaced)."""
    return _words(normalize_for_matching(text), lookup(language or "") or OTHER)


def paragraph_words(text: str, language: str | None) -> tuple[list[str], list[int]]:
    """``(words, paragraph of each word)``: the matching words of every line of ``text`` in order
    (the text is normalised once; line breaks survive normalisation, so line numbers are the text's)."""
    code = lookup(language or "") or OTHER
    words: list[str] = []
    paragraphs: list[int] = []
    for number, line in enumerate(normalize_for_matching(text).split("\n")):
        line_words = _words(line, code)
        words += line_words
        paragraphs += [number] * len(line_words)
    return words, paragraphs


def _words(normalised: str, code: str) -> list[str]:
    """segment.words of normalised text; for spaced languages that is a whitespace split (no
    punctuation is left for it to strip), done directly."""
    return normalised.split() if is_spaced(code) else segment_words(normalised, code)
