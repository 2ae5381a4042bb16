"""HTML -> main-content text: paragraphs, legacy charsets, and the extract stage's keep/drop split."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pipelines.extract.html import ExtractOptions, extract_batch, html_to_text
from pipelines.runtime.problems import ErrorLog
from pipelines.schema import DROP_SCHEMA, INGEST_SCHEMA

ARTICLE = """<html><head><title>Title</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>{heading}</h1>
<p>{first}</p>
<p>{second}</p></article>
<footer>Copyright 2024 Example Ltd.</footer></body></html>"""


def page(heading: str, first: str, second: str, meta: str = "") -> str:
    return ARTICLE.replace("<head>", f"<head>{meta}").format(heading=heading, first=first, second=second)


def test_paragraphs_are_separated_by_a_blank_line_and_boilerplate_removed() -> None:
    html = page("Big news", "The first paragraph tells the story in some detail.", "The second one ends it.").encode()
    text = html_to_text(html, "utf-8")
    assert text == "Big news\n\nThe first paragraph tells the story in some detail.\n\nThe second one ends it."
    assert "Copyright" not in text and "Home" not in text


CASES = [
    ("gbk", "gb2312", "新闻标题", "这是第一段中文内容，用于测试编码。", "第二段内容在这里。"),
    ("cp1251", "windows-1251", "Новости", "Это первый абзац русского текста для проверки.", "Второй абзац."),
    ("euc_jp", "EUC-JP", "ニュース", "これは日本語の最初の段落です。文字コードの確認。", "二番目の段落。"),
    ("tis-620", "TIS-620", "ข่าวสาร", "นี่คือย่อหน้าแรกของข้อความภาษาไทยสำหรับทดสอบ", "ย่อหน้าที่สอง"),
]


@pytest.mark.parametrize(("codec", "label", "heading", "first", "second"), CASES)
def test_legacy_charsets_decode_from_header_label(codec: str, label: str, heading: str, first: str, second: str) -> None:
    html = page(heading, first, second).encode(codec)
    assert html_to_text(html, label) == f"{heading}\n\n{first}\n\n{second}"


@pytest.mark.parametrize(("codec", "label", "heading", "first", "second"), CASES)
def test_legacy_charsets_decode_from_meta_tag(codec: str, label: str, heading: str, first: str, second: str) -> None:
    html = page(heading, first, second, meta=f'<meta http-equiv="Content-Type" content="text/html; charset={label}">').encode(codec)
    assert html_to_text(html) == f"{heading}\n\n{first}\n\n{second}"


def test_unknown_charset_label_falls_back_to_detection() -> None:
    html = page("Заголовок", "Первый абзац текста на русском языке достаточно длинный.", "Второй.").encode("utf-8")
    assert "Первый абзац" in html_to_text(html, "x-no-such-charset")


def ingest_table(rows: list[dict]) -> pa.Table:
    full = [{name: row.get(name) for name in INGEST_SCHEMA.names} for row in rows]
    return pa.Table.from_pylist(full, schema=INGEST_SCHEMA)


def test_extract_batch_fills_text_drops_empty_and_passes_text_rows() -> None:
    table = ingest_table([
        {"id": "s/1", "source": "s", "url": "http://a", "html": page("Hello", "A first paragraph of real text.", "Bye.").encode("cp1251"),
         "content_charset": "cp1251"},
        {"id": "s/2", "source": "s", "url": "http://b", "html": b"<html><body><script>var x = 1;</script></body></html>",
         "content_charset": "utf-8", "declared_language": "tha_Thai"},
        {"id": "s/3", "source": "s", "url": "http://c", "text": "already text"},
    ])
    kept, dropped = extract_batch(table)
    assert kept.column_names == [n for n in INGEST_SCHEMA.names if n not in ("html", "content_charset")]
    assert kept.schema.field("text").type == pa.large_string()
    assert kept.column("id").to_pylist() == ["s/1", "s/3"]
    assert kept.column("text").to_pylist() == ["Hello\n\nA first paragraph of real text.\n\nBye.", "already text"]
    assert dropped.schema == DROP_SCHEMA
    assert dropped.to_pylist() == [
        {"id": "s/2", "source": "s", "language": "tha_Thai", "stage": "extract", "reason": "extract_empty", "n_chars": 0, "url": "http://b"}
    ]


def test_extract_batch_without_html_column_passes_everything() -> None:
    table = ingest_table([{"id": "s/1", "source": "s", "text": "t"}]).drop_columns(["html", "content_charset"])
    kept, dropped = extract_batch(table)
    assert kept.equals(table) and dropped.num_rows == 0


# ------------------------------------------------------------- extractor choice and per-document guards

LONG_PAGE = page("Big news", "The first paragraph tells the story in some detail, with enough words to be content.",
                 "The second paragraph ends the story, again with enough words to count as content.")


def test_trafilatura_keeps_paragraphs_and_drops_boilerplate() -> None:
    html = LONG_PAGE.replace("</article>", "<ul><li>one point</li><li>another point</li></ul></article>").encode("cp1251")
    text = html_to_text(html, "cp1251", extractor="trafilatura")
    assert text.startswith("Big news\n\nThe first paragraph tells the story")
    assert "content.\n\nThe second paragraph ends the story" in text
    assert text.endswith("\n\n- one point\n- another point")
    assert "Copyright" not in text and "Home" not in text


def test_unknown_extractor_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown 'lynx'"):
        html_to_text(b"<p>x</p>", extractor="lynx")
    with pytest.raises(ValueError, match="extractor: unknown 'lynx'"):
        ExtractOptions(extractor="lynx")
    with pytest.raises(ValueError, match="oversize"):
        ExtractOptions(oversize="crop")


def html_rows(*pages: bytes) -> pa.Table:
    return ingest_table([{"id": f"s/{i}", "source": "s", "source_file": "crawl.warc.gz", "url": f"http://x/{i}",
                          "html": p, "content_charset": "utf-8"} for i, p in enumerate(pages)])


def test_extract_batch_with_trafilatura() -> None:
    kept, dropped = extract_batch(html_rows(LONG_PAGE.encode()), options=ExtractOptions(extractor="trafilatura"))
    assert dropped.num_rows == 0
    assert kept.column("text").to_pylist()[0].count("\n\n") == 2


def test_oversized_html_is_skipped_with_a_reason() -> None:
    small, big = page("A", "short page text here.", "end.").encode(), LONG_PAGE.encode() + b" " * 5000
    kept, dropped = extract_batch(html_rows(small, big), options=ExtractOptions(max_html_bytes=len(small), oversize="skip"))
    assert kept.column("id").to_pylist() == ["s/0"]
    assert dropped.column("reason").to_pylist() == ["extract_too_large"]


def test_oversized_html_is_truncated_and_counted() -> None:
    html = LONG_PAGE.encode()
    cut = html.index(b"The second")
    errors = ErrorLog()
    kept, dropped = extract_batch(html_rows(html), options=ExtractOptions(max_html_bytes=cut), errors=errors)
    assert dropped.num_rows == 0
    text = kept.column("text").to_pylist()[0]
    assert "The first paragraph" in text and "second" not in text
    assert errors.counts["html_truncated"] == 1
    assert errors.samples[0].file == "crawl.warc.gz" and errors.samples[0].where == "document s/0"


def test_documents_over_the_time_budget_are_dropped_as_slow() -> None:
    kept, dropped = extract_batch(html_rows(LONG_PAGE.encode()), options=ExtractOptions(max_ms=1e-9))
    assert kept.num_rows == 0
    assert dropped.column("reason").to_pylist() == ["extract_slow"]
    kept, dropped = extract_batch(html_rows(LONG_PAGE.encode()), options=ExtractOptions(max_ms=None))
    assert kept.num_rows == 1 and dropped.num_rows == 0
