"""Character sets of web pages: find them (HTTP header, <meta>, detection), check that they fit the bytes, decode.

A declared charset (HTTP header, else <meta>) is checked before it is trusted, cheapest test first:

1. it decodes the bytes cleanly (UTF-8: one strict decode, the whole cost for an honest UTF-8 page);
   a handful of bad bytes (a page cut inside a character) is tolerated;
2. a non-UTF-8 label on bytes that are valid UTF-8 with some non-ASCII in them: the page is UTF-8
   (random legacy text is practically never valid UTF-8);
3. a Western label (windows-1252 / ISO-8859-1/15) whose decoded letters are mostly runs of accented
   Latin-1 letters (``»ÃÐà·È``, ``Ðîññèÿ``): mis-decoded Thai, Russian, Chinese or Vietnamese bytes
   (a heuristic: it counts only when the detector offers a charset that fits).

When the label fails, uchardet (Resiliparse's ``detect_encoding``) proposes a charset; it is used
when it fits, and the lie is reported as a ``charset`` problem. UTF-16 and UTF-32 are told before
uchardet, by a byte order mark or the zero bytes around the page's first (ASCII) characters
(pipelines.ingest.lines.wide_encoding): uchardet reads a BOM-less UTF-16 page as a legacy charset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from resiliparse.parse.encoding import (
    bytes_to_str,
    detect_encoding,
    map_encoding_to_html5,
)

from pipelines.ingest.lines import wide_encoding

#: Bytes fed to the detector; <meta charset> must appear in the first 1024 bytes anyway.
DETECT_BYTES = 64 << 10

#: Decoders that accept everything the declared one does and more (WHATWG decodes GBK as GB18030).
_SUPERSETS = {"gbk": "gb18030", "iso8859-11": "cp874", "euc_kr": "cp949"}

#: Labels whose mis-decoded text shows as accented Latin-1 letters.
_WESTERN = ("cp1252", "iso8859-1", "iso8859-15", "latin-1")

#: Bad bytes tolerated under a declared charset (a page cut inside a character, a stray byte).
_TOLERATED_ERRORS = 3

_META = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_LATIN1_LETTER = re.compile(r"[\u00c0-\u00ff]")
_LATIN1_RUN = re.compile(r"[\u00c0-\u00ff]{2,}")
_MIN_LATIN1_LETTERS = 20
_MOJIBAKE_RUN_SHARE = 0.5  # measured: genuine fr/de/es 0-0.12, pt 0.55 ("ção"), mis-decoded th/zh/vi/ru 0.68-0.98


@dataclass(frozen=True)
class CharsetChoice:
    """The charset to decode a page with, and why the declared one was not used (None: it was, or none was declared)."""

    charset: str
    problem: str | None = None


def normalize_charset(name: str | None) -> str | None:
    """WHATWG-canonical Python codec name for a charset label (``gb2312`` -> ``gbk``,
    ``windows-1251`` -> ``cp1251``, ``TIS-620`` -> ``iso8859-11``); None when unknown."""
    if not name:
        return None
    return map_encoding_to_html5(name.strip().strip("\"'"), fallback_utf8=False)


def choose_charset(html: bytes, declared: str | None = None) -> CharsetChoice:
    """The charset of an HTML page: the declared (HTTP) one, else <meta charset>, each only if it
    fits the bytes (see the module doc); else statistical detection."""
    label, origin = normalize_charset(declared), "HTTP header"
    if label is None:
        meta = _META.search(html[:1024])
        label, origin = (normalize_charset(meta.group(1).decode("ascii")) if meta else None), "<meta>"
    if label is None:
        return CharsetChoice(_detect(html))
    misfit = _misfit(html, label)
    if misfit is None:
        return CharsetChoice(label)
    reason, certain = misfit
    detected = "utf-8" if reason == _VALID_UTF8 else _detect(html)
    if detected != label and _misfit(html, detected) is None:
        return CharsetChoice(detected, f"declared charset {label} ({origin}) does not fit the page: {reason}; decoded as {detected} (detected)")
    if not certain:  # only the Latin-1 heuristic spoke, and the detector does not offer better: trust the label
        return CharsetChoice(label)
    return CharsetChoice(label, f"declared charset {label} ({origin}) does not fit the page: {reason}; no better charset "
                                "detected, decoded with it (bad bytes replaced)")


def decode_html(html: bytes, charset: str | None = None) -> str:
    """Decode page bytes with the charset :func:`choose_charset` picks given ``charset``, falling back
    to a superset codec, UTF-8 and cp1252; never raises on bad bytes (they are replaced)."""
    encoding = choose_charset(html, charset).charset
    fallbacks = tuple(dict.fromkeys(c for c in (_SUPERSETS.get(encoding), "utf-8", "cp1252") if c))
    return bytes_to_str(html, encoding, errors="replace", fallback_encodings=fallbacks)


_VALID_UTF8 = "the bytes are valid UTF-8 (with non-ASCII characters)"


def _misfit(html: bytes, label: str) -> tuple[str, bool] | None:
    """Why ``label`` does not fit ``html`` and whether that is certain (bad bytes, valid UTF-8) or
    a heuristic (runs of Latin-1 letters); None when it fits."""
    codec = _SUPERSETS.get(label, label)
    try:
        text = html.decode(codec)
    except UnicodeDecodeError:
        text = html.decode(codec, errors="replace")
        bad = text.count("\ufffd") - html.decode(codec, errors="ignore").count("\ufffd")
        if bad > _TOLERATED_ERRORS:
            return f"{bad:,} byte sequences are not valid {label}", True
    except LookupError:
        return f"Python has no codec {label}", True
    if codec == "utf-8":
        return None
    if not html.isascii() and _is_utf8(html):
        return _VALID_UTF8, True
    if label in _WESTERN:
        letters = len(_LATIN1_LETTER.findall(text))
        if letters >= _MIN_LATIN1_LETTERS:
            share = sum(len(run) for run in _LATIN1_RUN.findall(text)) / letters
            if share > _MOJIBAKE_RUN_SHARE:
                return f"{share:.0%} of its {letters:,} accented Latin-1 letters come in runs, as mis-decoded bytes do", False
    return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _detect(html: bytes) -> str:
    return wide_encoding(html[:4]) or detect_encoding(html, max_len=DETECT_BYTES, from_html_meta=False) or "utf-8"
