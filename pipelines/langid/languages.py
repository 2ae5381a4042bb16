"""Language registry: one canonical code per language and every alias users meet.

Canonical codes follow FineWeb2: ISO 639-3 + ISO 15924 script (``tha_Thai``).
Aliases cover ISO 639-1 (``th``), ISO 639-3 without script (``tha``), FineWeb2
folder codes, the mix-table groups (``TH``) and fastText lid.176 labels
(``__label__th``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Language:
    """One target language."""

    code: str  # canonical, e.g. tha_Thai
    name: str
    group: str  # mix-table group, e.g. TH
    iso1: str
    spaced: bool  # words separated by spaces
    aliases: tuple[str, ...] = field(default=())


LANGUAGES: tuple[Language, ...] = (
    Language("eng_Latn", "English", "EN", "en", True, ("eng",)),
    Language("cmn_Hani", "Chinese", "ZH", "zh", False, ("zho", "cmn", "zho_Hans", "zho_Hant", "cmn_Hans", "cmn_Hant", "zh-cn", "zh-tw")),
    Language("ind_Latn", "Indonesian", "ID", "id", True, ("ind", "in")),
    Language("zsm_Latn", "Malay", "MS", "ms", True, ("msa", "zsm", "may", "msa_Latn")),
    Language("fil_Latn", "Tagalog/Filipino", "TL", "tl", True, ("fil", "tgl", "tgl_Latn")),
    Language("vie_Latn", "Vietnamese", "VI", "vi", True, ("vie",)),
    Language("tha_Thai", "Thai", "TH", "th", False, ("tha",)),
    Language("tam_Taml", "Tamil", "TA", "ta", True, ("tam",)),
    Language("mya_Mymr", "Burmese", "MY", "my", False, ("mya", "bur")),
    Language("khm_Khmr", "Khmer", "KM", "km", False, ("khm",)),
    Language("lao_Laoo", "Lao", "LO", "lo", False, ("lao",)),
)

BY_CODE: dict[str, Language] = {lang.code: lang for lang in LANGUAGES}
_ALIASES: dict[str, str] = {}
for _lang in LANGUAGES:
    for _alias in (_lang.code, _lang.group, _lang.iso1, *_lang.aliases):
        _ALIASES[_alias.lower()] = _lang.code

#: Pseudo-language for documents whose language is none of the eleven.
OTHER = "other"

#: Languages of the region that are not targets but that models and the langid stage name, so that a
#: drop reason can say which (``lang_jav_Latn``): FineWeb-2 codes and the labels of lid.176, heliport
#: and GlotLID that mean them.
REGIONAL: dict[str, tuple[str, ...]] = {
    "jav_Latn": ("jv", "jav"), "sun_Latn": ("su", "sun"), "min_Latn": ("min",), "ban_Latn": ("ban",),
    "ace_Latn": ("ace",), "bjn_Latn": ("bjn",), "bug_Latn": ("bug",), "mad_Latn": ("mad",),
    "nij_Latn": ("nij",), "bbc_Latn": ("bbc",), "ceb_Latn": ("ceb",), "hil_Latn": ("hil",),
    "war_Latn": ("war",), "ilo_Latn": ("ilo",), "bcl_Latn": ("bcl",), "pam_Latn": ("pam",),
    "pag_Latn": ("pag",), "tet_Latn": ("tet",), "shn_Mymr": ("shn",), "mnw_Mymr": ("mnw",),
    "ksw_Mymr": ("ksw",), "pwo_Mymr": ("pwo",), "kvq_Mymr": ("kvq",), "blt_Tavt": ("blt",),
    # Han-script varieties that FineWeb-2 keeps apart from cmn_Hani (the mix's Chinese): han_varieties.py
    "yue_Hani": ("yue",), "wuu_Hani": ("wuu",), "hak_Hani": ("hak",), "nan_Hani": ("nan",), "lzh_Hani": ("lzh",),
}
_REGIONAL_ALIASES = {alias: code for code, aliases in REGIONAL.items() for alias in (code.lower(), *aliases)}


class UnknownLanguageError(ValueError):
    """Raised when a language alias is not in the registry."""


def canonical(alias: str) -> str:
    """Return the canonical code for ``alias`` (``th``, ``TH``, ``tha``, ``tha_Thai``,
    ``__label__th``); raise UnknownLanguageError naming the alias otherwise."""
    code = lookup(alias)
    if code is None:
        known = ", ".join(sorted(BY_CODE))
        raise UnknownLanguageError(f"unknown language {alias!r}; known: {known} (or their ISO 639-1/639-3 aliases)")
    return code


def lookup(alias: str) -> str | None:
    """Like canonical() but returns None for languages outside the registry."""
    key = alias.strip().lower().removeprefix("__label__").replace("-", "_") if alias else ""
    return _ALIASES.get(key) or _ALIASES.get(key.replace("_", "-"))


def regional(alias: str) -> str | None:
    """FineWeb-2 code of a non-target language of the region (``jv`` -> ``jav_Latn``), else None."""
    return _REGIONAL_ALIASES.get(alias.strip().lower().removeprefix("__label__")) if alias else None


def is_spaced(code: str) -> bool:
    """True when words of ``code`` are separated by spaces (not Thai, Khmer, Lao, Burmese, Chinese)."""
    lang = BY_CODE.get(code)
    return lang.spaced if lang else True
