"""Common Crawl path listings (``warc.paths.gz``, ``wet.paths.gz``) as a source's input files.

A ``warc``/``wet`` source whose ``paths`` names a listing reads the files it lists, resolved
against a base URL, narrowed by ``options: {listing: {...}}``:

* ``segments``: a segment index range, ``"0-9"`` or ``[0, 9]`` (inclusive), or one index; segments are the
  crawl's ``segments/<id>/`` folders in sorted order (a crawl has about 100);
* ``first``: only the first N files (after the segment range);
* ``shard``: ``"i/n"`` or ``[i, n]``, the i-th of n interleaved shards (after ``first``), so
  that n workers with the same listing read disjoint files;
* ``base_url``: where the listed relative paths live (default ``https://data.commoncrawl.org/``;
  ``s3://commoncrawl/`` reads the same files through S3).

The crawl id (``CC-MAIN-2024-22``) comes from the listing's path; a source ``crawl`` that
differs is an error. Readers put it in the ``dump`` column (see :func:`crawl_id`).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from pipelines.storage import open_input

LISTING_SUFFIXES = (".paths.gz", ".paths")
DEFAULT_BASE_URL = "https://data.commoncrawl.org/"
SELECTION_KEYS = ("segments", "first", "shard", "base_url")

_CRAWL_ID = re.compile(r"(?:^|/)(CC-MAIN-\d{4}-\d{2})(?:/|$)")
_SEGMENT = re.compile(r"/segments/([^/]+)/")


class ListingError(ValueError):
    """A listing or its selection is invalid; the message names the listing, line or option."""


@dataclass(frozen=True)
class ListingSelection:
    """Which listed files to read: segment index range (inclusive), first N, shard i of n."""

    segments: tuple[int, int] | None = None
    first: int | None = None
    shard: tuple[int, int] | None = None
    base_url: str = DEFAULT_BASE_URL

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> ListingSelection:
        """Parse ``options['listing']`` of a source; errors name the option."""
        raw = options.get("listing") or {}
        if not isinstance(raw, dict):
            raise ListingError(f"options.listing must be a mapping, got {raw!r}")
        unknown = sorted(set(raw) - set(SELECTION_KEYS))
        if unknown:
            raise ListingError(f"options.listing: unknown key(s) {', '.join(map(str, unknown))}; known: {', '.join(SELECTION_KEYS)}")
        base_url = raw.get("base_url", DEFAULT_BASE_URL)
        if not isinstance(base_url, str) or not base_url:
            raise ListingError(f"options.listing.base_url must be a non-empty string, got {base_url!r}")
        return cls(
            segments=_pair(raw.get("segments"), "segments", "-", single=True),
            first=_positive(raw.get("first"), "first"),
            shard=_shard(raw.get("shard")),
            base_url=base_url,
        )


def is_listing(path: str) -> bool:
    """True when ``path`` names a Common Crawl path listing (``*.paths.gz`` / ``*.paths``)."""
    return path.lower().endswith(LISTING_SUFFIXES)


def crawl_id(path: str) -> str | None:
    """The Common Crawl crawl id in a path or URL (``.../crawl-data/CC-MAIN-2024-22/...``), or None."""
    match = _CRAWL_ID.search(path)
    return match.group(1) if match else None


def read_listing(listing: str) -> list[str]:
    """The relative paths (or URLs) listed one per line in ``listing`` (gzip or plain, local or URL)."""
    entries: list[str] = []
    with open_input(listing, compression="infer") as raw:
        for line_no, line in enumerate(io.TextIOWrapper(raw, encoding="utf-8", errors="strict"), start=1):
            entry = line.strip()
            if not entry:
                continue
            if entry.startswith("/") or any(ch.isspace() for ch in entry):
                raise ListingError(f"{listing}: line {line_no}: expected a relative path or URL, got {entry!r}")
            entries.append(entry)
    if not entries:
        raise ListingError(f"{listing}: the listing names no files")
    return entries


def select(entries: list[str], selection: ListingSelection) -> list[str]:
    """Apply the segment range, then ``first``, then the shard to listed entries (order kept)."""
    if selection.segments is not None:
        segments = sorted({s for s in map(_segment_of, entries) if s is not None})
        low, high = selection.segments
        if high >= len(segments):
            raise ListingError(f"options.listing.segments: range {low}-{high} but the listing has {len(segments)} segments (0-{len(segments) - 1})")
        chosen = set(segments[low: high + 1])
        entries = [e for e in entries if _segment_of(e) in chosen]
    if selection.first is not None:
        entries = entries[: selection.first]
    if selection.shard is not None:
        index, count = selection.shard
        entries = entries[index::count]
    return entries


def expand_listing(listing: str, selection: ListingSelection, crawl: str | None = None) -> list[str]:
    """Full URLs of the selected files of ``listing``. ``crawl`` (the source's crawl id), when
    given, must match the crawl id in the listing's path."""
    listed_crawl = crawl_id(listing)
    if crawl and listed_crawl and crawl != listed_crawl:
        raise ListingError(f"{listing}: listing is for crawl {listed_crawl} but the source says crawl: {crawl}")
    base = selection.base_url.rstrip("/") + "/"
    return [e if "://" in e else base + e for e in select(read_listing(listing), selection)]


def _segment_of(entry: str) -> str | None:
    match = _SEGMENT.search(entry)
    return match.group(1) if match else None


def _positive(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ListingError(f"options.listing.{name} must be a positive integer, got {value!r}")
    return value


def _pair(value: Any, name: str, sep: str, single: bool = False) -> tuple[int, int] | None:
    """``"a-b"``, ``[a, b]`` (or one int when ``single``) as a pair of non-negative ints."""
    if value is None:
        return None
    if single and (isinstance(value, int) and not isinstance(value, bool) or isinstance(value, str) and sep not in value):
        value = [value, value]
    parts = value.split(sep) if isinstance(value, str) else value
    try:
        low, high = (int(p) for p in parts)
    except (TypeError, ValueError):
        raise ListingError(f"options.listing.{name} must look like 'a{sep}b' or [a, b], got {value!r}") from None
    if low < 0 or high < low:
        raise ListingError(f"options.listing.{name}: need 0 <= a <= b, got {value!r}")
    return low, high


def _shard(value: Any) -> tuple[int, int] | None:
    pair = _pair(value, "shard", "/")
    if pair is None:
        return None
    index, count = pair
    if index >= count:
        raise ListingError(f"options.listing.shard: index must be below the shard count, got {value!r}")
    return index, count
