"""Integration: every real web-archive file in ../shared/realdata/warc is read without exceptions, the
number of HTML documents matches an independent count, damage is reported once, legacy charsets decode."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pyarrow as pa
import pytest
from test_sources import LoopbackFileServer

from eval.realdata import REALDATA as SHARED_REALDATA
from pipelines.extract.html import extract_batch
from pipelines.ingest.config import SourceConfig
from pipelines.ingest.readers import read_documents
from pipelines.runtime.problems import ErrorLog
from pipelines.schema import INGEST_SCHEMA

WARC_DIR = SHARED_REALDATA / "warc"

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not WARC_DIR.is_dir(), reason=f"real WARC data not found at {WARC_DIR} (a fresh clone has no ../shared)"),
]

ARCHIVES = sorted(p.name for p in WARC_DIR.glob("*") if ".warc" in p.name or ".arc" in p.name) if WARC_DIR.is_dir() else []
WARCS = [name for name in ARCHIVES if re.search(r"\.warc(\.gz)?$", name)]
CLIPPED = "resiliparse__clipped.warc.gz"


def kind_of(name: str) -> str:
    return "wet" if ".wet" in name else "warc"


def read(name: str, kind: str | None = None) -> tuple[pa.Table, ErrorLog]:
    path = str(WARC_DIR / name)
    source = SourceConfig(name="real", kind=kind or kind_of(name), paths=(path,))
    errors = ErrorLog()
    batches = list(read_documents(source, path, errors, batch_size=7))
    return pa.Table.from_batches(batches, schema=INGEST_SCHEMA), errors


# ------------------------------------------------------- independent reference counter (no FastWARC, no warcio)


def inflate(data: bytes) -> bytes:
    """Plain bytes, or every gzip member concatenated; a cut-off last member gives what it holds."""
    if data[:2] != b"\x1f\x8b":
        return data
    out, rest = [], data
    while rest[:2] == b"\x1f\x8b":
        member = zlib.decompressobj(zlib.MAX_WBITS | 16)
        out.append(member.decompress(rest))
        if not member.eof:
            break
        rest = member.unused_data
    return b"".join(out)


def headers(block: bytes) -> dict[str, str]:
    lines = block.replace(b"\r\n", b"\n").split(b"\n")
    pairs = (line.decode("latin-1").split(":", 1) for line in lines[1:] if b":" in line)
    return {key.strip().lower(): value.strip() for key, value in pairs}


def complete_records(data: bytes) -> list[tuple[dict[str, str], bytes]]:
    """(WARC headers, block) of every record whose block is complete."""
    records, pos = [], 0
    while (start := data.find(b"WARC/", pos)) >= 0:
        end = data.find(b"\r\n\r\n", start)
        if end < 0:
            break
        head = headers(data[start:end])
        length = int(head["content-length"])
        block = data[end + 4 : end + 4 + length]
        if len(block) < length:
            break
        records.append((head, block))
        pos = end + 4 + length
    return records


def count_html_responses(path: Path) -> int:
    count = 0
    for head, block in complete_records(inflate(path.read_bytes())):
        if head.get("warc-type") != "response":
            continue
        split = re.search(rb"\r?\n\r?\n", block)
        http_head, body = (block[: split.start()], block[split.end():]) if split else (block, b"")
        content_type = headers(http_head).get("content-type", "").split(";")[0].strip().lower()
        sniff = body[:1024].lower()
        if content_type in ("text/html", "application/xhtml+xml") or (not content_type and (b"<html" in sniff or b"<!doctype html" in sniff)):
            count += 1
    return count


# ------------------------------------------------------- tests


@pytest.mark.parametrize("name", ARCHIVES)
def test_every_archive_is_handled_without_exception(name: str) -> None:
    table, errors = read(name)
    assert table.schema == INGEST_SCHEMA
    problems = [p for p in errors.samples if p.kind == "error"]
    if ".arc" in name and ".warc" not in name:
        assert len(problems) == 1 and "ARC" in problems[0].message and table.num_rows == 0
    elif ".wat" in name:
        assert len(problems) == 1 and "WAT" in problems[0].message and table.num_rows == 0
    elif ".wet" in name:
        assert not problems and table.num_rows == 1 and table.column("text")[0].as_py()
    elif name != CLIPPED:
        assert not problems, [str(p) for p in problems]


@pytest.mark.parametrize("name", WARCS)
def test_html_document_count_matches_independent_count(name: str) -> None:
    table, _ = read(name)
    assert table.num_rows == count_html_responses(WARC_DIR / name)
    assert len(table.column("id").unique()) == table.num_rows


def test_known_html_counts() -> None:
    assert read("aut__example.warc.gz")[0].num_rows == 140  # README: 299 responses, 140 HTML
    assert read("resiliparse__warcfile.warc.gz")[0].num_rows == 16


def test_clipped_gzip_gives_readable_records_and_one_error() -> None:
    table, errors = read(CLIPPED)
    assert table.num_rows == count_html_responses(WARC_DIR / CLIPPED)
    [problem] = [p for p in errors.samples if p.kind == "error"]
    assert problem.file == str(WARC_DIR / CLIPPED)
    assert re.fullmatch(r"byte offset \d+", problem.where)
    assert "truncated/corrupt" in problem.message


def extracted_text(name: str, url_part: str) -> tuple[str, str]:
    table, _ = read(name)
    rows = [r for r in table.to_pylist() if url_part in r["url"]]
    assert len(rows) == 1, url_part
    kept, _ = extract_batch(pa.Table.from_pylist(rows, schema=INGEST_SCHEMA))
    return rows[0]["content_charset"], kept.column("text")[0].as_py()


@pytest.mark.parametrize(
    ("name", "url_part", "charset", "phrase"),
    [
        ("resiliparse__warcfile.warc.gz", "041696.com", "gbk", "耐磨板特价销售"),  # GBK via <meta>
        ("resiliparse__warcfile.warc.gz", "0760.jxtdw.com", "gbk", "中山英才网热线"),  # gb2312 in HTTP header
        ("resiliparse__warcfile.warc.gz", "01spb.ru", "cp1251", "Стратегия пожарной безопасности"),
        ("resiliparse__clueweb-quirk.warc.gz", "001005000005/019/000", "euc_jp", "吉田カバン"),
    ],
)
def test_legacy_charsets_decode_to_correct_text(name: str, url_part: str, charset: str, phrase: str) -> None:
    found_charset, text = extracted_text(name, url_part)
    assert found_charset == charset
    assert phrase in text
    assert "\ufffd" not in text


def test_every_archive_reads_the_same_over_http_as_locally() -> None:
    with LoopbackFileServer({f"/{name}": (WARC_DIR / name).read_bytes() for name in ARCHIVES}) as server:
        for name in ARCHIVES:
            local, local_errors = read(name)
            url = f"{server.url}/{name}"
            source = SourceConfig(name="real", kind=kind_of(name), paths=(url,))
            errors = ErrorLog()
            remote = pa.Table.from_batches(list(read_documents(source, url, errors, batch_size=7)), schema=INGEST_SCHEMA)
            assert remote.drop_columns(["source_file"]).equals(local.drop_columns(["source_file"])), name
            assert [(p.where, p.kind) for p in errors.samples] == [(p.where, p.kind) for p in local_errors.samples], name
