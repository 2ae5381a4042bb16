"""Writing systems of a text: its dominant script (ISO 15924), and which Myanmar-script language
family its letters belong to (Burmese vs Shan, Mon, Karen and the other Myanmar-script languages).

Scripts come from the ``regex`` module's Unicode Script property, looked up once per distinct
character; a document's characters are counted with ``collections.Counter`` (C speed). Only letters
and marks count (digits, punctuation and symbols are Common). Han text with kana counts as Japanese
(``Jpan``), Han with Hangul as Korean (``Kore``), so neither passes for Chinese.

Myanmar signatures: letters, medials, vowel signs and tones that Unicode encodes for Shan, Mon, the
Karen languages and the other Myanmar-script languages and that Burmese never uses, read from the
character names of the Myanmar block (U+1000-U+109F; Shan U+1075-U+1081, Mon U+105A-U+105D, Sgaw
Karen U+1061-U+1064, ...), Myanmar Extended-A (U+AA60-U+AA7F), Extended-B (U+A9E0-U+A9FF) and
Extended-C (U+116D0-U+116FF). Zawgyi-encoded Burmese reuses many of these code points for glyph
variants, so the langid stage converts Zawgyi to Unicode (normalize.py) before looking.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import cache, lru_cache

import regex

#: Characters of a text that are looked at (the same window the model reads), and every how many of
#: them is counted for the dominant script (a sample: dominance does not need every character).
MAX_CHARS = 2000
SAMPLE_STEP = 2
#: Share of kana (Hangul) among Han + kana (Hangul) letters from which Han text is Japanese (Korean).
KANA_SHARE = 0.1
#: A Myanmar-script text is not Burmese when this share of its Myanmar letters (and at least
#: SIGNATURE_MIN of them) belong to another Myanmar-script language.
SIGNATURE_SHARE = 0.01
SIGNATURE_MIN = 2
#: Script of texts with no letter at all.
NO_SCRIPT = "Zyyy"

_ISO15924 = {
    "Latin": "Latn", "Han": "Hani", "Thai": "Thai", "Lao": "Laoo", "Khmer": "Khmr", "Myanmar": "Mymr",
    "Tamil": "Taml", "Hiragana": "Hira", "Katakana": "Kana", "Hangul": "Hang", "Cyrillic": "Cyrl",
    "Greek": "Grek", "Arabic": "Arab", "Hebrew": "Hebr", "Devanagari": "Deva", "Bengali": "Beng",
    "Tai_Viet": "Tavt", "Tai_Tham": "Lana", "Tai_Le": "Tale", "New_Tai_Lue": "Talu", "Javanese": "Java",
    "Balinese": "Bali", "Sundanese": "Sund", "Buginese": "Bugi", "Cham": "Cham", "Kayah_Li": "Kali",
    "Tagalog": "Tglg", "Batak": "Batk", "Georgian": "Geor", "Armenian": "Armn", "Ethiopic": "Ethi",
    "Sinhala": "Sinh", "Tibetan": "Tibt", "Telugu": "Telu", "Kannada": "Knda", "Malayalam": "Mlym",
    "Gujarati": "Gujr", "Gurmukhi": "Guru", "Oriya": "Orya", "Mongolian": "Mong",
}
_NOT_A_SCRIPT = {"Common", "Inherited", "Unknown"}
_SCRIPT_NAMES = tuple(_ISO15924)

#: Myanmar-script languages other than Burmese, by the word their characters' names carry.
_SIGNATURE_WORDS = {
    "SHAN": "shn_Mymr", "KHAMTI": "shn_Mymr", "AITON": "shn_Mymr", "PHAKE": "shn_Mymr", "TAI LAING": "shn_Mymr",
    "MON": "mnw_Mymr", "SGAW KAREN": "ksw_Mymr", "PWO KAREN": "pwo_Mymr", "GEBA KAREN": "kvq_Mymr",
    "KAYAH": "kvq_Mymr", "PALAUNG": "und_Mymr",
}
#: Characters of the Myanmar block without a language in their name that Burmese does not use either.
_UNNAMED_SIGNATURES = {0x1035: "und_Mymr"}  # VOWEL SIGN E ABOVE (Mon, Shan)
#: Myanmar Extended-C (Unicode 16: Pao and Eastern Pwo Karen digits), newer than this Python's tables.
_EXTENDED_C = range(0x116D0, 0x11700)
#: Language of a text that has signatures of none of the named languages in particular.
UNDETERMINED_MYANMAR = "und_Mymr"


_ASCII_LETTER = regex.compile(r"[A-Za-z]")
#: char -> script, filled as characters are met (a plain dict: the lookup is in the hot loop).
_SCRIPTS: dict[str, str | None] = {}


@cache
def char_script(char: str) -> str | None:
    """ISO 15924 code of a letter or mark (``Latn``, ``Hani``, ``Mymr``, ...; ``Zzzz`` for a script
    without a code here), None for digits, punctuation, symbols, spaces and Common/Inherited marks."""
    if unicodedata.category(char)[0] not in "LM":
        return None
    for name in _SCRIPT_NAMES:
        if regex.match(rf"\p{{Script={name}}}", char):
            return _ISO15924[name]
    if regex.match(r"\p{Script=Common}|\p{Script=Inherited}", char):
        return None
    return "Zzzz"


def script_counts(text: str, step: int = 1) -> Counter[str]:
    """Letters and marks per script in the first MAX_CHARS characters of ``text`` (every ``step``-th)."""
    counts: Counter[str] = Counter()
    scripts = _SCRIPTS
    for char, n in Counter(text[:MAX_CHARS:step]).items():
        script = scripts[char] if char in scripts else scripts.setdefault(char, char_script(char))
        if script is not None:
            counts[script] += n
    return counts


@lru_cache(maxsize=2)
def sampled_counts(text: str) -> Counter[str]:
    """``script_counts`` of the first MAX_CHARS characters of a non-ASCII ``text``, on every
    SAMPLE_STEP-th character of a long one (dominance and shares do not need every character); cached
    for the last texts, which the langid stage reads twice (identify.py). Do not modify the result."""
    window = text[:MAX_CHARS]
    return script_counts(window, SAMPLE_STEP if len(window) > MAX_CHARS // 2 else 1)


def dominant_script(text: str) -> str:
    """The script most letters of ``text`` are written in (ISO 15924), ``Jpan``/``Kore`` for Han
    mixed with kana/Hangul, ``NO_SCRIPT`` when the text has no letter (``sampled_counts``)."""
    window = text[:MAX_CHARS]
    if window.isascii():  # the common case, at C speed
        return "Latn" if _ASCII_LETTER.search(window) else NO_SCRIPT
    counts = sampled_counts(text)
    if not counts:
        return NO_SCRIPT
    kana = counts["Hira"] + counts["Kana"]
    ranked = Counter({script: n for script, n in counts.items() if script not in ("Hira", "Kana")})
    if kana:
        ranked["Jpan"] = kana
    script = ranked.most_common(1)[0][0]
    return _han_script(counts["Hani"], kana, counts["Hang"]) if script in ("Hani", "Jpan") else script


def _han_script(han: int, kana: int, hangul: int) -> str:
    """``Jpan`` when kana, ``Kore`` when Hangul, make up KANA_SHARE of them with the Han letters, else ``Hani``."""
    if kana >= KANA_SHARE * (han + kana):
        return "Jpan"
    if hangul >= KANA_SHARE * (han + hangul):
        return "Kore"
    return "Hani"


def script_share(text: str, script: str) -> float:
    """Share of the letters and marks of ``text`` (its first MAX_CHARS characters) written in ``script``;
    Han (``Hani``) counts as none when kana or Hangul make the text Japanese or Korean."""
    counts = script_counts(text[:MAX_CHARS])
    total = sum(counts.values())
    if not total:
        return 0.0
    if script == "Hani" and _han_script(counts["Hani"], counts["Hira"] + counts["Kana"], counts["Hang"]) != "Hani":
        return 0.0
    return counts[script] / total


@cache
def _myanmar_signature(char: str) -> str | None:
    point = ord(char)
    if point in _EXTENDED_C:
        return UNDETERMINED_MYANMAR
    if not (0x1000 <= point <= 0x109F or 0xAA60 <= point <= 0xAA7F or 0xA9E0 <= point <= 0xA9FF):
        return None
    if point in _UNNAMED_SIGNATURES:
        return _UNNAMED_SIGNATURES[point]
    name = unicodedata.name(char, "")
    for word, language in _SIGNATURE_WORDS.items():
        if word in name:
            return language
    if 0xAA60 <= point <= 0xAA7F or 0xA9E0 <= point <= 0xA9FF:
        return UNDETERMINED_MYANMAR  # every letter of the Extended blocks belongs to a language other than Burmese
    return None


def myanmar_language(text: str) -> str | None:
    """The Myanmar-script language other than Burmese whose signature characters ``text`` carries
    (``shn_Mymr``, ``mnw_Mymr``, ``ksw_Mymr``, ``pwo_Mymr``, ``kvq_Mymr``, ``und_Mymr``), or None
    when its Myanmar letters are Burmese ones (fewer than SIGNATURE_SHARE / SIGNATURE_MIN signatures)."""
    window = text[:MAX_CHARS]
    found = _signature_pattern().findall(window)
    if len(found) < SIGNATURE_MIN or len(found) < SIGNATURE_SHARE * len(_MYANMAR_LETTER.findall(window)):
        return None
    signatures = Counter(map(_myanmar_signature, found))
    named = [(n, language) for language, n in signatures.items() if language != UNDETERMINED_MYANMAR]
    return max(named)[1] if named else UNDETERMINED_MYANMAR


#: Letters and marks of the Myanmar blocks (what a signature's share is counted against).
_MYANMAR_LETTER = regex.compile(r"[\p{Script=Myanmar}&&[\p{L}\p{M}]]|[\U000116D0-\U000116FF]", regex.V1)


@lru_cache(maxsize=1)
def _signature_pattern() -> regex.Pattern:
    """One character class of every signature character (found at C speed; named afterwards)."""
    points = [*range(0x1000, 0x10A0), *range(0xAA60, 0xAA80), *range(0xA9E0, 0xAA00), *_EXTENDED_C]
    chars = [chr(p) for p in points if _myanmar_signature(chr(p)) is not None and (p in _EXTENDED_C or char_script(chr(p)))]
    return regex.compile("[" + "".join(regex.escape(c) for c in chars) + "]")
