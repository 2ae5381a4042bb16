"""Extract stage: main-content plain text from the HTML of WARC responses.

Two extractors, chosen per run: Resiliparse (default, fast) and Trafilatura (optional
dependency, slower, often more precise). Both keep paragraphs: blocks are separated by a blank
line, line breaks inside a block by one newline. Two per-document guards bound the work:

* size: HTML above ``max_html_bytes`` is truncated to it (counted in the error log as
  ``html_truncated``) or, with ``oversize="skip"``, dropped with reason ``extract_too_large``;
* time: a document whose extraction took longer than ``max_ms`` is dropped with reason
  ``extract_slow``. Extraction is not interrupted (no threads or signals are killed); the size
  guard is what bounds the cost of one page, the time guard removes the pathological pages
  (deeply nested or giant-table markup) whose text is rarely worth keeping.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyarrow as pa
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

from pipelines.ingest.charset import choose_charset, decode_html
from pipelines.runtime.drops import split_by_reason
from pipelines.runtime.problems import ErrorLog

HTML_COLUMNS = ("html", "content_charset")
EXTRACTORS = ("resiliparse", "trafilatura")
OVERSIZE_POLICIES = ("truncate", "skip")


@dataclass(frozen=True)
class ExtractOptions:
    """Extractor choice and per-document guards (None disables a guard)."""

    extractor: str = "resiliparse"
    max_html_bytes: int | None = 4 << 20
    oversize: str = "truncate"
    max_ms: float | None = 2000.0

    def __post_init__(self) -> None:
        if self.extractor not in EXTRACTORS:
            raise ValueError(f"extractor: unknown {self.extractor!r}; known: {', '.join(EXTRACTORS)}")
        if self.oversize not in OVERSIZE_POLICIES:
            raise ValueError(f"oversize: unknown {self.oversize!r}; known: {', '.join(OVERSIZE_POLICIES)}")
        if self.max_html_bytes is not None and self.max_html_bytes < 1:
            raise ValueError(f"max_html_bytes must be positive or None, got {self.max_html_bytes}")
        if self.max_ms is not None and self.max_ms <= 0:
            raise ValueError(f"max_ms must be positive or None, got {self.max_ms}")
        if self.extractor == "trafilatura":
            _trafilatura()  # fail at configuration time when it is not installed

    def fingerprint(self) -> str:
        """Stable text of the settings, for stage fingerprints."""
        return f"{self.extractor}|{self.max_html_bytes}|{self.oversize}|{self.max_ms}"


def html_to_text(html: bytes, charset: str | None = None, *, extractor: str = "resiliparse") -> str:
    """Main-content text of an HTML page, decoded with ``charset`` (detected when None or
    unknown); block elements are separated by a blank line; stray byte-order marks and surrounding
    whitespace are removed. ``extractor`` is ``resiliparse`` or ``trafilatura``."""
    page = decode_html(html, charset)
    if extractor == "resiliparse":
        text = extract_plain_text(HTMLTree.parse(page), main_content=True)
    elif extractor == "trafilatura":
        text = _trafilatura_text(page)
    else:
        raise ValueError(f"extractor: unknown {extractor!r}; known: {', '.join(EXTRACTORS)}")
    return text.replace("\ufeff", "").strip()


def extract_batch(table: pa.Table, *, options: ExtractOptions | None = None,
                  errors: ErrorLog | None = None) -> tuple[pa.Table, pa.Table]:
    """Return ``(kept, dropped)``. Rows with ``html`` get ``text = html_to_text(html,
    content_charset)`` under the guards of ``options``; rows whose text comes out empty are dropped
    with reason ``extract_empty``, oversized ones (``oversize="skip"``) with ``extract_too_large``,
    slow ones with ``extract_slow``; truncations are counted in ``errors``. Rows without html pass
    unchanged. ``html`` and ``content_charset`` are removed."""
    options = options or ExtractOptions()
    if "html" not in table.column_names:
        return split_by_reason(table, [None] * table.num_rows, stage="extract")
    html = table.column("html").to_pylist()
    charsets = _column_or_none(table, "content_charset")
    ids, files = _column_or_none(table, "id"), _column_or_none(table, "source_file")
    texts = table.column("text").to_pylist()
    reasons: list[str | None] = []
    for i, (page, charset) in enumerate(zip(html, charsets)):
        if page is None:
            reasons.append(None)
            continue
        limit = options.max_html_bytes
        if limit is not None and len(page) > limit:
            if options.oversize == "skip":
                reasons.append("extract_too_large")
                continue
            if errors is not None:
                errors.add(files[i] or "?", f"document {ids[i]}", f"HTML of {len(page)} bytes truncated to {limit}", kind="html_truncated")
            page = page[:limit]
        started = time.perf_counter()
        chosen = choose_charset(page, charset)
        if chosen.problem and errors is not None:
            errors.add(files[i] or "?", f"document {ids[i]}", chosen.problem, kind="charset")
        texts[i] = html_to_text(page, chosen.charset, extractor=options.extractor)
        elapsed_ms = (time.perf_counter() - started) * 1000
        if options.max_ms is not None and elapsed_ms > options.max_ms:
            reasons.append("extract_slow")
        else:
            reasons.append(None if texts[i].strip() else "extract_empty")
    out = table.drop_columns([c for c in HTML_COLUMNS if c in table.column_names])
    text_index = out.column_names.index("text")
    out = out.set_column(text_index, out.schema.field("text"), pa.array(texts, out.schema.field("text").type))
    return split_by_reason(out, reasons, stage="extract")


def _column_or_none(table: pa.Table, name: str) -> list:
    return table.column(name).to_pylist() if name in table.column_names else [None] * table.num_rows


def _trafilatura():
    """The trafilatura module, or an ImportError saying how to get it."""
    try:
        import trafilatura
    except ImportError:
        raise ImportError("extractor 'trafilatura' needs the trafilatura package: pip install trafilatura") from None
    return trafilatura


def _trafilatura_text(page: str) -> str:
    """Trafilatura's main content, one text block per top-level element, blank-line separated."""
    from trafilatura.xml import xmltotxt

    document = _trafilatura().bare_extraction(page, include_comments=False, include_tables=True, deduplicate=False)
    if document is None or document.body is None:
        return ""
    blocks = (xmltotxt(element, False).strip() for element in document.body)
    return "\n\n".join(block for block in blocks if block)
