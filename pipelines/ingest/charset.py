"""Character sets of web pages: find them (HTTP header, <meta>, detection) and decode with them."""

from __future__ import annotations

from resiliparse.parse.encoding import (
    bytes_to_str,
    detect_encoding,
    map_encoding_to_html5,
)

#: Bytes fed to the detector; <meta charset> must appear in the first 1024 bytes anyway.
DETECT_BYTES = 64 << 10

#: Decoders that accept everything the declared one does and more (WHATWG decodes GBK as GB18030).
_SUPERSETS = {"gbk": "gb18030", "iso8859-11": "cp874", "euc_kr": "cp949"}


def normalize_charset(name: str | None) -> str | None:
    """WHATWG-canonical Python codec name for a charset label (``gb2312`` -> ``gbk``,
    ``windows-1251`` -> ``cp1251``, ``TIS-620`` -> ``iso8859-11``); None when unknown."""
    if not name:
        return None
    return map_encoding_to_html5(name.strip().strip("\"'"), fallback_utf8=False)


def html_charset(html: bytes, declared: str | None = None) -> str:
    """Charset of an HTML page: the declared (HTTP) one if known, else <meta charset> /
    http-equiv in the first bytes, else statistical detection."""
    return normalize_charset(declared) or detect_encoding(html, max_len=DETECT_BYTES, from_html_meta=True) or "utf-8"


def decode_html(html: bytes, charset: str | None = None) -> str:
    """Decode page bytes with ``charset`` (detected when None), falling back to a superset
    codec, UTF-8 and cp1252; never raises on bad bytes (they are replaced)."""
    encoding = html_charset(html, charset)
    fallbacks = tuple(dict.fromkeys(c for c in (_SUPERSETS.get(encoding), "utf-8", "cp1252") if c))
    return bytes_to_str(html, encoding, errors="replace", fallback_encodings=fallbacks)
