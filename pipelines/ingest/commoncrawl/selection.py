"""Which Common Crawl index rows to fetch: crawls, languages, URL filters, a deterministic sample.

The columnar index (``cc-index/table/cc-main/warc/``) tags each capture with CLD2's languages as
ISO 639-3 codes, most prominent first (``content_languages = 'tha,eng'``). CLD2 emits the
macrolanguage code ``msa`` for Malay, ``tgl`` for Tagalog and ``zho`` for both Chinese scripts;
``INDEX_CODES`` maps every registry language to the codes the index uses for it.

Crawl ids read ``CC-MAIN-YYYY-WW`` (ISO year and week of the crawl's start). A date range is
given in months (``"2020-10"`` .. ``"2024-04"``, inclusive) and keeps the crawls whose week
starts (its Monday) within it, e.g. ``CC-MAIN-2024-10`` starts 2024-03-04 and falls in 2024-03.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from pipelines.langid.languages import canonical

#: Registry language -> the ISO 639-3 codes CLD2 writes into ``content_languages`` for it.
INDEX_CODES: dict[str, tuple[str, ...]] = {
    "eng_Latn": ("eng",),
    "cmn_Hani": ("zho",),
    "ind_Latn": ("ind",),
    "zsm_Latn": ("msa",),
    "fil_Latn": ("tgl", "fil"),
    "vie_Latn": ("vie",),
    "tha_Thai": ("tha",),
    "tam_Taml": ("tam",),
    "mya_Mymr": ("mya",),
    "khm_Khmr": ("khm",),
    "lao_Laoo": ("lao",),
}

#: Media types counted as HTML (declared by the server or detected by Common Crawl).
HTML_MIME_TYPES = ("text/html", "application/xhtml+xml")

#: The macro call naming the index code a row was selected for (see :func:`matched_code_macro`).
MATCHED_CODE = "matched_code(content_languages)"

_CRAWL_ID = re.compile(r"^CC-MAIN-(\d{4})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class CcIndexSelection:
    """Rows of the columnar index to fetch.

    ``crawls``: explicit crawl ids; or ``date_range`` (first month, last month) applied to the
    crawl ids found in the index paths (``crawl=...`` folders). ``languages``: any registry
    alias (``th``, ``tha_Thai``, ``MS``); ``primary_only`` matches the first listed language
    only, otherwise any position. ``url_like`` / ``host_like`` are SQL LIKE patterns,
    ``url_regex`` a regular expression (RE2 syntax, as DuckDB's ``regexp_matches``).
    ``sample_fraction`` keeps a deterministic share of URLs: md5(seed + url) decides, so the
    same URL is kept or dropped in every crawl and every run. Only ``fetch_status = 200``
    captures with an HTML media type are selected."""

    languages: tuple[str, ...]
    crawls: tuple[str, ...] = ()
    date_range: tuple[str, str] | None = None
    primary_only: bool = True
    url_like: str | None = None
    host_like: str | None = None
    url_regex: str | None = None
    sample_fraction: float = 1.0
    sample_seed: str = ""
    index_codes: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        languages = (self.languages,) if isinstance(self.languages, str) else tuple(self.languages)
        if not languages:
            raise ValueError("'languages' must name at least one language")
        codes = tuple(dict.fromkeys(canonical(str(alias)) for alias in languages))
        object.__setattr__(self, "languages", codes)
        object.__setattr__(self, "index_codes", {c: lang for lang in codes for c in INDEX_CODES[lang]})
        crawls = (self.crawls,) if isinstance(self.crawls, str) else tuple(self.crawls)
        for crawl in crawls:
            crawl_date(crawl)
        object.__setattr__(self, "crawls", crawls)
        if crawls and self.date_range:
            raise ValueError("give either 'crawls' or 'date_range', not both")
        if self.date_range is not None:
            if len(self.date_range) != 2:
                raise ValueError(f"'date_range' must be [first month, last month], got {self.date_range!r}")
            first, last = (_month(str(m)) for m in self.date_range)
            if first > last:
                raise ValueError(f"'date_range' {self.date_range!r} ends before it starts")
            object.__setattr__(self, "date_range", (str(self.date_range[0]), str(self.date_range[1])))
        if not isinstance(self.sample_fraction, (int, float)) or not 0 < self.sample_fraction <= 1:
            raise ValueError(f"'sample_fraction' must be in (0, 1], got {self.sample_fraction!r}")
        object.__setattr__(self, "sample_fraction", float(self.sample_fraction))

    def crawl_ids(self, available: list[str]) -> list[str]:
        """The crawls to read: ``crawls`` as given, else those of ``available`` in ``date_range``,
        else all of ``available``."""
        if self.crawls:
            return list(self.crawls)
        if self.date_range is None:
            return sorted(available)
        first, last = (_month(m) for m in self.date_range)
        return sorted(c for c in available if first <= crawl_date(c).replace(day=1) <= last)


def crawl_date(crawl: str) -> date:
    """Monday of the ISO week a crawl id names (``CC-MAIN-2024-10`` -> 2024-03-04)."""
    match = _CRAWL_ID.match(crawl)
    if not match:
        raise ValueError(f"crawl id {crawl!r} is not of the form CC-MAIN-YYYY-WW")
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValueError(f"crawl id {crawl!r} names no ISO week") from None


def _month(text: str) -> date:
    match = _MONTH.match(text)
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"selection: month {text!r} is not of the form YYYY-MM")
    return date(int(match[1]), int(match[2]), 1)


def where_clause(selection: CcIndexSelection, crawls: list[str]) -> tuple[str, list[object]]:
    """SQL predicate over the index columns and its parameters (needs :func:`matched_code_macro`)."""
    conditions = [
        "fetch_status = 200",
        f"(content_mime_type IN {_sql_list(HTML_MIME_TYPES)} OR content_mime_detected IN {_sql_list(HTML_MIME_TYPES)})",
        f"crawl IN ({', '.join('?' for _ in crawls)})",
        f"{MATCHED_CODE} IS NOT NULL",
    ]
    params: list[object] = list(crawls)
    for column, pattern in (("url", selection.url_like), ("url_host_name", selection.host_like)):
        if pattern:
            conditions.append(f"{column} LIKE ?")
            params.append(pattern)
    if selection.url_regex:
        conditions.append("regexp_matches(url, ?)")
        params.append(selection.url_regex)
    if selection.sample_fraction < 1:
        conditions.append(f"{sample_key_sql()} < ?")
        params.extend([selection.sample_seed, int(selection.sample_fraction * 2**60)])
    return " AND ".join(conditions), params


def sample_key_sql() -> str:
    """SQL for the sample key of a row: the first 15 hex digits of md5(seed || url) as an integer
    in [0, 2**60); its one parameter is the seed. Python equivalent: :func:`sample_key`."""
    return "CAST('0x' || left(md5(? || url), 15) AS BIGINT)"


def sample_key(seed: str, url: str) -> int:
    """Python twin of :func:`sample_key_sql`: a URL is kept when its key < fraction * 2**60."""
    return int(hashlib.md5((seed + url).encode("utf-8")).hexdigest()[:15], 16)


def language_expression(selection: CcIndexSelection) -> str:
    """SQL for the registry code of a selected row: the language of the first index code in
    ``content_languages`` that the selection asks for (the first code only with ``primary_only``)."""
    cases = " ".join(f"WHEN '{code}' THEN '{lang}'" for code, lang in selection.index_codes.items())
    return f"CASE {MATCHED_CODE} {cases} END"


def matched_code_macro(selection: CcIndexSelection) -> str:
    """``CREATE MACRO`` statement defining ``matched_code(content_languages)`` for ``selection``."""
    wanted = _sql_list(tuple(selection.index_codes))
    codes = "string_split(coalesce(langs, ''), ',')"
    if selection.primary_only:
        body = f"CASE WHEN {codes}[1] IN {wanted} THEN {codes}[1] END"
    else:
        body = f"list_filter({codes}, lambda c: c IN {wanted})[1]"
    return f"CREATE OR REPLACE TEMP MACRO matched_code(langs) AS {body}"


def _sql_list(values: tuple[str, ...]) -> str:
    """A SQL list literal of trusted constants (registry codes, media types)."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"
