"""Pages whose HTTP header or <meta> names the wrong charset are decoded with the right one, and the lie is reported."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pyarrow as pa
import pytest
from ingest.test_sources import read_all, warc_record, write_warc_gz

from pipelines.extract.html import extract_batch, html_to_text
from pipelines.ingest.charset import choose_charset
from pipelines.ingest.config import SourceConfig
from pipelines.runtime.problems import ErrorLog

TEXTS = {
    "cp874": "ประเทศไทยมีประชากรประมาณหกสิบหกล้านคน กรุงเทพมหานครเป็นเมืองหลวงและเมืองที่ใหญ่ที่สุดของประเทศ "
             "อาหารไทยมีชื่อเสียงไปทั่วโลกเพราะรสชาติที่กลมกล่อมและการใช้สมุนไพรสดหลายชนิด",
    "gbk": "中国是世界上人口最多的国家之一，拥有悠久的历史和灿烂的文化。北京是中国的首都，也是政治和文化中心。"
           "近年来，中国的经济发展非常迅速，许多城市建设了现代化的交通网络和高楼大厦。",
    "cp1258": "Việt Nam là một quốc gia nằm ở phía đông bán đảo Đông Dương thuộc khu vực Đông Nam Á. "
              "Thủ đô của Việt Nam là Hà Nội, còn thành phố lớn nhất là Thành phố Hồ Chí Minh. "
              "Người dân ở đây rất thân thiện và ẩm thực thì vô cùng phong phú với phở, bún chả và bánh mì.",
    "cp1251": "Россия является самой большой страной в мире по площади территории. Столица России — Москва, "
              "крупнейший город страны и один из крупнейших городов Европы.",
}
#: What a correct decoding may be called (WHATWG names; TIS-620 is ISO-8859-11, GBK decodes as GB18030).
ACCEPTED = {"cp874": {"cp874", "iso8859-11"}, "gbk": {"gbk", "gb18030"}, "cp1258": {"cp1258"}, "cp1251": {"cp1251"}}
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def encode(text: str, charset: str) -> bytes:
    """``text`` in ``charset``; windows-1258 keeps Vietnamese tone marks as combining characters, as it must."""
    if charset != "cp1258":
        return text.encode(charset)
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES)) + "".join(c for c in parts if c in _TONES))
    return "".join(out).encode("cp1258")


def page(charset: str, meta: str | None = None) -> bytes:
    head = f'<meta charset="{meta}">' if meta else ""
    return (f"<html><head>{head}<title>t</title></head><body><p>").encode() + encode(TEXTS[charset], charset) + b"</p></body></html>"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.mark.parametrize("charset", list(TEXTS))
@pytest.mark.parametrize(("header", "meta"), [("utf-8", None), (None, "utf-8"), ("utf-8", "utf-8"), (None, "windows-1252"), ("ISO-8859-1", None)])
def test_lying_charset_is_detected_and_the_page_decoded_right(charset: str, header: str | None, meta: str | None) -> None:
    html = page(charset, meta)
    choice = choose_charset(html, header)
    assert choice.charset in ACCEPTED[charset]
    origin = "HTTP header" if header else "<meta>"
    assert choice.problem.startswith(f"declared charset {'utf-8' if (header or meta) == 'utf-8' else 'cp1252'} ({origin}) does not fit the page")
    assert f"decoded as {choice.charset} (detected)" in choice.problem
    assert nfc(html_to_text(html, header)) == nfc(TEXTS[charset])


@pytest.mark.parametrize(("text", "charset", "header"), [
    ("Le château médiéval, situé près de la rivière, a été rénové récemment; créée en 1999, l'association œuvre.", "cp1252", "windows-1252"),
    ("A informação não estava disponível. As crianças brincavam na praça enquanto os avós conversavam sobre a eleição.", "cp1252", "iso-8859-1"),
    ("Россия является самой большой страной в мире.", "cp1251", "windows-1251"),
    (TEXTS["gbk"], "gbk", "gb2312"),
    (TEXTS["cp874"], "utf-8", "utf-8"),
    ("plain ASCII page", "utf-8", "utf-8"),
])
def test_honest_charsets_are_kept_without_a_problem(text: str, charset: str, header: str) -> None:
    html = b"<html><body><p>" + text.encode(charset) + b"</p></body></html>"
    assert choose_charset(html, header).problem is None
    assert html_to_text(html, header) == text


def test_utf8_page_declared_latin1_is_read_as_utf8() -> None:
    text = "Le château médiéval, situé près de la rivière, a été rénové récemment."
    html = b"<html><body><p>" + text.encode() + b"</p></body></html>"
    choice = choose_charset(html, "iso-8859-1")
    assert choice.charset == "utf-8" and "the bytes are valid UTF-8" in choice.problem
    assert html_to_text(html, "iso-8859-1") == text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32-le"])
@pytest.mark.parametrize("label", [None, "utf-8"])
def test_utf16_and_utf32_pages_are_read_as_such_with_or_without_a_byte_order_mark(encoding: str, label: str | None) -> None:
    html = ("<html><head><title>t</title></head><body><p>" + TEXTS["cp1258"] + "</p></body></html>").encode(encoding)
    choice = choose_charset(html, label)
    assert choice.charset.replace("-", "").startswith(encoding.replace("-", "")[:5])
    assert (choice.problem is not None) == (label is not None)  # a declared utf-8 is a lie, and said so
    assert html_to_text(html, label) == TEXTS["cp1258"]


def test_a_few_bad_bytes_do_not_make_utf8_a_lie() -> None:
    html = b"<html><body><p>" + TEXTS["cp874"].encode()[:-1] + b"</p></body></html>"  # cut inside the last character
    assert choose_charset(html, "utf-8") == choose_charset(html, "utf-8").__class__("utf-8")


def test_warc_thai_page_served_as_utf8_reaches_extract_as_thai(tmp_path: Path) -> None:
    path = tmp_path / "thai.warc.gz"
    write_warc_gz(path, [warc_record(1, page("cp874"), content_type="text/html; charset=utf-8")])
    table, errors = read_all(SourceConfig(name="w", kind="warc", paths=(str(path),), language="th"), path)
    assert table.column("content_charset").to_pylist()[0] in ACCEPTED["cp874"]
    [problem] = [p for p in errors.samples if p.kind == "charset"]
    assert problem.where == "offset 0" and "declared charset utf-8 (HTTP header)" in problem.message
    kept, _ = extract_batch(table)
    assert kept.column("text").to_pylist() == [TEXTS["cp874"]]


def test_extract_reports_a_lying_charset_it_meets() -> None:
    table = pa.table({"id": ["d"], "source_file": ["f.parquet"], "text": [""], "html": [page("cp1251")], "content_charset": ["utf-8"]})
    errors = ErrorLog()
    kept, _ = extract_batch(table, errors=errors)
    assert kept.column("text").to_pylist() == [TEXTS["cp1251"]]
    assert errors.counts == {"charset": 1} and errors.samples[0].where == "document d"
