"""Extract stage: main-content plain text from the HTML of WARC responses (Resiliparse)."""

from __future__ import annotations

import pyarrow as pa
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

from pipelines.drops import split_by_reason
from pipelines.sources.charset import decode_html

HTML_COLUMNS = ("html", "content_charset")


def html_to_text(html: bytes, charset: str | None = None) -> str:
    """Main-content text of an HTML page, decoded with ``charset`` (detected when None or
    unknown); block elements are separated by a blank line; stray byte-order marks and surrounding
    whitespace are removed."""
    tree = HTMLTree.parse(decode_html(html, charset))
    return extract_plain_text(tree, main_content=True).replace("\ufeff", "").strip()


def extract_batch(table: pa.Table) -> tuple[pa.Table, pa.Table]:
    """Return ``(kept, dropped)``. Rows with ``html`` get ``text = html_to_text(html,
    content_charset)``; rows whose text comes out empty are dropped with reason ``extract_empty``;
    rows without html pass unchanged. ``html`` and ``content_charset`` are removed."""
    if "html" not in table.column_names:
        return split_by_reason(table, [None] * table.num_rows, stage="extract")
    html = table.column("html").to_pylist()
    charsets = table.column("content_charset").to_pylist() if "content_charset" in table.column_names else [None] * len(html)
    texts = table.column("text").to_pylist()
    reasons: list[str | None] = []
    for i, (page, charset) in enumerate(zip(html, charsets)):
        if page is None:
            reasons.append(None)
            continue
        texts[i] = html_to_text(page, charset)
        reasons.append(None if texts[i].strip() else "extract_empty")
    out = table.drop_columns([c for c in HTML_COLUMNS if c in table.column_names])
    text_index = out.column_names.index("text")
    out = out.set_column(text_index, out.schema.field("text"), pa.array(texts, out.schema.field("text").type))
    return split_by_reason(out, reasons, stage="extract")
