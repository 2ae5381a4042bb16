"""HTML -> main-content text: paragraphs, legacy charsets, and the extract stage's keep/drop split."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pipelines.extract import extract_batch, html_to_text
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
