"""Source registry and readers on small generated inputs: WARC/WET/ARC/WAT, FineWeb2, SEA-LION Pile, JSONL, Parquet."""

from __future__ import annotations

import gzip
import http.server
import json
import random
import re
import threading
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from pipelines import storage
from pipelines.ingest.config import SourceConfig, load_sources
from pipelines.ingest.files import list_input_files
from pipelines.ingest.readers import read_documents
from pipelines.runtime.problems import ErrorLog
from pipelines.schema import INGEST_SCHEMA

HTML = b"<html><head><title>t</title></head><body><p>Hello world.</p></body></html>"


# ---------------------------------------------------------------- helpers


def warc_record(n: int, body: bytes = HTML, content_type: str | None = "text/html; charset=utf-8",
                warc_type: str = "response") -> bytes:
    """One WARC/1.0 record with an HTTP response (or a WET conversion block when warc_type='conversion')."""
    if warc_type == "conversion":
        block = body
    else:
        head = "HTTP/1.1 200 OK\r\n" + (f"Content-Type: {content_type}\r\n" if content_type else "")
        block = head.encode() + f"Content-Length: {len(body)}\r\n\r\n".encode() + body
    header = (
        f"WARC/1.0\r\nWARC-Type: {warc_type}\r\nWARC-Record-ID: <urn:uuid:{uuid.UUID(int=n)}>\r\n"
        f"WARC-Date: 2024-03-0{n % 9 + 1}T00:00:00Z\r\nWARC-Target-URI: http://example.com/{n}\r\n"
        f"Content-Type: {'text/plain' if warc_type == 'conversion' else 'application/http; msgtype=response'}\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    )
    return header.encode() + block + b"\r\n\r\n"


def write_warc_gz(path: Path, records: list[bytes]) -> list[int]:
    """Write one gzip member per record (as Common Crawl does); return member start offsets."""
    members = [gzip.compress(r) for r in records]
    path.write_bytes(b"".join(members))
    return [sum(len(m) for m in members[:i]) for i in range(len(members))]


def read_all(source: SourceConfig, path: str | Path, batch_size: int = 1000) -> tuple[pa.Table, ErrorLog]:
    errors = ErrorLog()
    batches = list(read_documents(source, str(path), errors, batch_size))
    for batch in batches:
        assert batch.schema == INGEST_SCHEMA
    return pa.Table.from_batches(batches, schema=INGEST_SCHEMA), errors


def error_samples(errors: ErrorLog, kind: str = "error") -> list:
    return [p for p in errors.samples if p.kind == kind]


# ---------------------------------------------------------------- config


def test_load_sources_resolves_paths_and_canonicalises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/ana")
    (tmp_path / "sources.yaml").write_text(
        "sources:\n"
        "  - {name: cc, kind: warc, paths: crawl/, crawl: CC-MAIN-2024-10, language: th}\n"
        "  - {name: pile, kind: jsonl, paths: [a.jsonl, /abs/b.jsonl, ~/c.jsonl], columns: {text: content, id: doc_id}, mix_source: PILE}\n"
    )
    cc, pile = load_sources(tmp_path / "sources.yaml")
    assert cc.paths == (str(tmp_path / "crawl/"),)
    assert (cc.language, cc.mix_source, cc.crawl, cc.columns) == ("tha_Thai", "cc", "CC-MAIN-2024-10", {})
    assert pile.paths == (str(tmp_path / "a.jsonl"), "/abs/b.jsonl", "/home/ana/c.jsonl")
    assert pile.columns == {"text": "content", "id": "doc_id"}
    assert (pile.language, pile.mix_source) == (None, "PILE")


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ("{name: bad, kind: html, paths: x}", "kind"),
        ("{name: bad, kind: warc}", "paths"),
        ("{name: bad, kind: warc, paths: x, language: klingon}", "language"),
        ("{name: ok, kind: warc, paths: x}", "name"),
        ("{name: bad, kind: warc, paths: x, colums: {}}", "colums"),
    ],
)
def test_load_sources_bad_entry_names_file_entry_and_field(tmp_path: Path, entry: str, field: str) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text(f"sources:\n  - {{name: ok, kind: warc, paths: x}}\n  - {entry}\n")
    with pytest.raises(ValueError) as info:
        load_sources(config)
    message = str(info.value)
    assert str(config) in message and "sources[1]" in message and field in message


def test_source_config_is_hashable_picklable_and_keeps_its_fingerprint_repr() -> None:
    """It travels to datatrove workers, and the ingest stage fingerprints its repr."""
    import pickle

    source = SourceConfig(name="pq", kind="parquet", paths="a.parquet", columns={"id": "key"}, language="th")
    assert pickle.loads(pickle.dumps(source)) == source and hash(source) == hash(pickle.loads(pickle.dumps(source)))
    assert repr(source) == ("SourceConfig(name='pq', kind='parquet', paths=('a.parquet',), language='tha_Thai', "
                            "mix_source='pq', columns={'text': 'text', 'id': 'key'}, crawl=None, options={})")


@pytest.mark.parametrize("name", ["../x", "/tmp/x", "..", "."])
def test_source_names_that_are_paths_are_rejected_at_load(tmp_path: Path, name: str) -> None:
    """A source named '..' used to delete <root>/curate and '.' a whole stage folder."""
    config = tmp_path / "sources.yaml"
    config.write_text(f"sources:\n  - {{name: ok, kind: warc, paths: x}}\n  - {{name: '{name}', kind: warc, paths: x}}\n")
    with pytest.raises(ValueError, match=rf"sources.yaml: sources\[1\] \(name '{re.escape(name)}'\): field 'name': "
                                          rf"'{re.escape(name)}' is not a valid name"):
        load_sources(config)


def test_list_input_files_walks_folders_and_expands_globs(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl"
    (crawl / "sub").mkdir(parents=True)
    for name in ("b.warc.gz", "sub/a.warc", "notes.txt", "x.wat.gz"):
        (crawl / name).write_bytes(b"")
    source = SourceConfig(name="cc", kind="warc", paths=(str(crawl),))
    assert list_input_files(source) == [str(crawl / "b.warc.gz"), str(crawl / "sub/a.warc")]
    globbed = SourceConfig(name="cc", kind="warc", paths=(str(crawl / "*.gz"),))
    assert list_input_files(globbed) == [str(crawl / "b.warc.gz"), str(crawl / "x.wat.gz")]
    with pytest.raises(FileNotFoundError, match="does not exist"):
        list_input_files(SourceConfig(name="cc", kind="warc", paths=(str(tmp_path / "missing"),)))


def test_a_file_whose_name_holds_glob_characters_is_taken_as_written(tmp_path: Path) -> None:
    (tmp_path / "data[1].jsonl").write_text('{"text": "x"}\n')
    (tmp_path / "data1.jsonl").write_text('{"text": "y"}\n')
    source = SourceConfig(name="s", kind="jsonl", paths=(str(tmp_path / "data[1].jsonl"),))
    assert list_input_files(source) == [str(tmp_path / "data[1].jsonl")]
    globbed = SourceConfig(name="s", kind="jsonl", paths=(str(tmp_path / "data[0-9].jsonl"),))
    assert list_input_files(globbed) == [str(tmp_path / "data1.jsonl")]  # no such file: a pattern


# ---------------------------------------------------------------- WARC / WET


def test_warc_reads_html_responses_with_charsets_and_logs_non_html(tmp_path: Path) -> None:
    gbk_page = "<html><head><meta charset='gb2312'></head><body><p>中文网页</p></body></html>".encode("gbk")
    records = [
        warc_record(1, "<html><body><p>Привет</p></body></html>".encode("cp1251"), "text/html; charset=windows-1251"),
        warc_record(2, gbk_page, "text/html"),
        warc_record(3, b"\x89PNG\r\n", "image/png"),
        warc_record(4, HTML, None),
        warc_record(5, b"plain words", None),
    ]
    path = tmp_path / "crawl.warc.gz"
    offsets = write_warc_gz(path, records)
    source = SourceConfig(name="cc", kind="warc", paths=(str(path),), crawl="CC-MAIN-2024-10", language="vi")
    table, errors = read_all(source, path, batch_size=2)
    rows = table.to_pylist()
    assert [r["id"] for r in rows] == [f"cc/{uuid.UUID(int=n)}" for n in (1, 2, 4)]
    assert [r["content_charset"] for r in rows][:2] == ["cp1251", "gbk"]  # header, then <meta> (gb2312 -> gbk)
    assert rows[1]["html"] == gbk_page  # raw bytes kept
    assert rows[0]["url"] == "http://example.com/1" and rows[0]["date"] == "2024-03-02T00:00:00Z"
    assert {r["dump"] for r in rows} == {"CC-MAIN-2024-10"}
    assert {r["declared_language"] for r in rows} == {"vie_Latn"}
    assert {r["source_file"] for r in rows} == {str(path)}
    assert all(r["text"] is None for r in rows)
    non_html = error_samples(errors, "non_html")
    assert [p.where for p in non_html] == [f"offset {offsets[2]}", f"offset {offsets[4]}"]
    assert "image/png" in non_html[0].message
    assert errors.errors == 0


def test_truncated_warc_gzip_keeps_records_before_damage(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc.gz"
    offsets = write_warc_gz(path, [warc_record(n) for n in range(4)])
    data = path.read_bytes()
    path.write_bytes(data[: offsets[3] + (len(data) - offsets[3]) // 2])
    table, errors = read_all(SourceConfig(name="cc", kind="warc", paths=(str(path),)), path)
    assert table.column("url").to_pylist() == [f"http://example.com/{n}" for n in range(3)]
    [problem] = error_samples(errors)
    assert (problem.file, problem.where) == (str(path), f"byte offset {offsets[3]}")
    assert "truncated/corrupt" in problem.message


def test_corrupt_gzip_member_in_the_middle_loses_its_record_only(tmp_path: Path) -> None:
    path = tmp_path / "bad.warc.gz"
    offsets = write_warc_gz(path, [warc_record(n) for n in range(4)])
    data = bytearray(path.read_bytes())
    data[offsets[2] + 15 : offsets[2] + 40] = b"\xff" * 25
    path.write_bytes(bytes(data))
    table, errors = read_all(SourceConfig(name="cc", kind="warc", paths=(str(path),)), path)
    assert table.column("url").to_pylist() == [f"http://example.com/{n}" for n in (0, 1, 3)]
    [problem] = error_samples(errors)
    assert problem.where == f"byte offset {offsets[2]}"
    assert f"member starting at byte offset {offsets[2]} is corrupt" in problem.message
    assert f"next gzip member (byte offset {offsets[3]})" in problem.message


def test_truncated_uncompressed_warc_reports_the_cut_record(tmp_path: Path) -> None:
    records = [warc_record(n) for n in range(3)]
    path = tmp_path / "cut.warc"
    path.write_bytes(b"".join(records)[:-30])
    table, errors = read_all(SourceConfig(name="cc", kind="warc", paths=(str(path),)), path)
    assert table.num_rows == 2
    assert [p.where for p in error_samples(errors)] == [f"byte offset {len(records[0]) + len(records[1])}"]


@pytest.mark.parametrize(("content", "expected"), [(b"", "the file is empty"), (b"<html>not a warc</html>", "no record header at byte offset 0")])
def test_empty_or_foreign_file_is_one_error_not_silence(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "x.warc"
    path.write_bytes(content)
    table, errors = read_all(SourceConfig(name="cc", kind="warc", paths=(str(path),)), path)
    assert table.num_rows == 0
    assert errors.errors == 1 and expected in errors.samples[0].message


def test_wet_conversion_records_give_text_directly(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.wet.gz"
    write_warc_gz(path, [warc_record(7, "Xin chào thế giới".encode(), warc_type="conversion")])
    table, errors = read_all(SourceConfig(name="wet", kind="wet", paths=(str(path),)), path)
    assert table.to_pylist()[0] | {"source_file": None} == {
        "id": f"wet/{uuid.UUID(int=7)}", "source": "wet", "url": "http://example.com/7", "date": "2024-03-08T00:00:00Z",
        "dump": None, "source_file": None, "declared_language": None, "html": None, "content_charset": None,
        "text": "Xin chào thế giới",
    }
    assert errors.errors == 0


@pytest.mark.parametrize(("name", "expected"), [("old.arc.gz", "ARC"), ("meta.warc.wat.gz", "WAT"), ("renamed.warc.gz", "ARC")])
def test_arc_and_wat_files_are_reported_not_raised(tmp_path: Path, name: str, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(gzip.compress(b"filedesc://old.arc 0.0.0.0 20080101000000 text/plain 70\n1 0 Heritrix\n\n"))
    table, errors = read_all(SourceConfig(name="cc", kind="warc", paths=(str(path),)), path)
    assert table.num_rows == 0
    [problem] = error_samples(errors)
    assert problem.file == str(path) and expected in problem.message and "not supported" in problem.message


# ---------------------------------------------------------------- FineWeb2 and Parquet


def write_fineweb2(root: Path, folder: str, rows: int, row_group_size: int = 2) -> Path:
    path = root / "data" / folder / "train" / "000_00000.parquet"
    path.parent.mkdir(parents=True)
    table = pa.table({
        "text": [f"document {i}" for i in range(rows)],
        "id": [f"<urn:uuid:{i}>" for i in range(rows)],
        "dump": ["CC-MAIN-2024-10"] * rows,
        "url": [f"https://x.th/{i}" for i in range(rows)],
        "date": ["2024-02-20T10:00:00Z"] * rows,
        "language_score": [0.9] * rows,
    })
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


def test_fineweb2_layout_streams_batches_with_folder_language(tmp_path: Path) -> None:
    thai = write_fineweb2(tmp_path, "tha_Thai", rows=5)
    japanese = write_fineweb2(tmp_path, "jpn_Jpan", rows=1)
    source = SourceConfig(name="fw2", kind="fineweb2", paths=(str(tmp_path / "data"),))
    assert list_input_files(source) == sorted([str(japanese), str(thai)])
    errors = ErrorLog()
    batches = list(read_documents(source, str(thai), errors, batch_size=2))
    assert [b.num_rows for b in batches] == [2, 2, 1]
    rows = pa.Table.from_batches(batches).to_pylist()
    assert rows[0] == {
        "id": "fw2/<urn:uuid:0>", "source": "fw2", "url": "https://x.th/0", "date": "2024-02-20T10:00:00Z",
        "dump": "CC-MAIN-2024-10", "source_file": str(thai), "declared_language": "tha_Thai", "html": None,
        "content_charset": None, "text": "document 0",
    }
    table, _ = read_all(source, japanese)
    assert table.column("declared_language").to_pylist() == ["jpn_Jpan"]
    assert errors.errors == 0


def test_parquet_without_text_column_is_a_schema_error(tmp_path: Path) -> None:
    path = tmp_path / "data" / "ind_Latn" / "train" / "x.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(pa.table({"content": ["a"], "id": ["1"]}), path)
    table, errors = read_all(SourceConfig(name="fw2", kind="fineweb2", paths=(str(path),)), path)
    assert table.num_rows == 0
    [problem] = error_samples(errors)
    assert (problem.file, problem.where) == (str(path), "schema")
    assert problem.message.startswith("missing column 'text'")


def test_parquet_unreadable_row_group_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "docs.parquet"
    pq.write_table(pa.table({"body": [f"doc {i}" for i in range(6)]}), path, row_group_size=2, compression="none")
    chunk = pq.ParquetFile(path).metadata.row_group(1).column(0)
    start = chunk.dictionary_page_offset or chunk.data_page_offset
    data = bytearray(path.read_bytes())
    data[start : start + chunk.total_compressed_size] = b"\xff" * chunk.total_compressed_size
    path.write_bytes(bytes(data))
    source = SourceConfig(name="pq", kind="parquet", paths=(str(path),), columns={"text": "body"}, language="ms")
    table, errors = read_all(source, path)
    assert table.column("text").to_pylist() == ["doc 0", "doc 1", "doc 4", "doc 5"]
    assert table.column("id").to_pylist() == ["pq/docs:0", "pq/docs:1", "pq/docs:4", "pq/docs:5"]
    assert set(table.column("declared_language").to_pylist()) == {"zsm_Latn"}
    assert [p.where for p in error_samples(errors)] == ["row group 1"]


def test_parquet_language_column_is_canonicalised(tmp_path: Path) -> None:
    path = tmp_path / "docs.parquet"
    pq.write_table(pa.table({"t": ["a", "b", "c"], "lang": ["th", "xx", None], "key": ["k1", None, "k3"]}), path)
    source = SourceConfig(name="pq", kind="parquet", paths=(str(path),), columns={"text": "t", "language": "lang", "id": "key"})
    table, _ = read_all(source, path)
    assert table.column("declared_language").to_pylist() == ["tha_Thai", "xx", None]
    assert table.column("id").to_pylist() == ["pq/k1", "pq/docs:1", "pq/k3"]


def test_parquet_binary_columns_are_read_as_utf8_and_bad_bytes_logged_by_row(tmp_path: Path) -> None:
    # Parquet written without the UTF8 annotation (older Hive, Impala) holds text as binary
    path = tmp_path / "hive.parquet"
    texts = [t.encode() for t in ("ข้อความ", "tiếng Việt", "plain")] + [b"caf\xe9"]
    pq.write_table(pa.table({"t": pa.array(texts, pa.binary()), "key": pa.array([b"k0", b"k1", None, b"k\xff"]),
                             "lang": pa.array([b"th", b"vi", b"en", b"fr"]).dictionary_encode()}), path)
    source = SourceConfig(name="pq", kind="parquet", paths=(str(path),), columns={"text": "t", "id": "key", "language": "lang"})
    table, errors = read_all(source, path)
    assert table.column("text").to_pylist() == ["ข้อความ", "tiếng Việt", "plain", "caf\ufffd"]
    assert table.column("id").to_pylist() == ["pq/k0", "pq/k1", "pq/hive:2", "pq/k\ufffd"]
    assert table.column("declared_language").to_pylist() == ["tha_Thai", "vie_Latn", "eng_Latn", "fr"]
    assert errors.errors == 0 and errors.counts["invalid_utf8"] == 2
    assert sorted((p.where, p.message.split(":")[0]) for p in errors.samples) == [("row 3", "column 'key'"), ("row 3", "column 't'")]


# ---------------------------------------------------------------- JSONL and SEA-LION Pile


def jsonl_bytes() -> bytes:
    return b"\n".join([
        json.dumps({"content": "first", "doc_id": "a", "link": "http://a"}).encode(),
        b'{"content": "broken',
        json.dumps({"other": "no text"}).encode(),
        json.dumps({"content": 42}).encode(),
        b'{"content": "bad \xff byte"}',
        b"",
        json.dumps({"content": "last"}).encode(),
    ]) + b"\n"


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst"])
def test_jsonl_reports_bad_lines_and_reads_the_others(tmp_path: Path, suffix: str) -> None:
    raw = jsonl_bytes()
    packed = {".jsonl": raw, ".jsonl.gz": gzip.compress(raw), ".jsonl.zst": zstandard.ZstdCompressor().compress(raw)}[suffix]
    path = tmp_path / f"part-0{suffix}"
    path.write_bytes(packed)
    source = SourceConfig(name="j", kind="jsonl", paths=(str(path),), columns={"text": "content", "id": "doc_id", "url": "link"})
    table, errors = read_all(source, path)
    assert table.column("text").to_pylist() == ["first", "bad \ufffd byte", "last"]
    assert table.column("id").to_pylist() == ["j/a", "j/part-0:5", "j/part-0:7"]
    assert table.column("url").to_pylist() == ["http://a", None, None]
    problems = {p.where: p.message for p in errors.samples}
    assert set(problems) == {"line 2", "line 3", "line 4", "line 5"}
    assert "malformed JSON" in problems["line 2"]
    assert "missing text field 'content'" in problems["line 3"]
    assert "not a string" in problems["line 4"]
    assert "invalid UTF-8" in problems["line 5"]
    assert errors.counts == {"error": 3, "invalid_utf8": 1}


def test_truncated_gzip_jsonl_keeps_earlier_lines(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl.gz"
    data = gzip.compress(b"".join(json.dumps({"text": f"line {i} " * 50}).encode() + b"\n" for i in range(2000)))
    path.write_bytes(data[: len(data) // 2])
    table, errors = read_all(SourceConfig(name="j", kind="jsonl", paths=(str(path),)), path)
    assert 0 < table.num_rows < 2000
    [problem] = error_samples(errors)
    assert problem.file == str(path) and "truncated/corrupt" in problem.message


def test_sea_lion_pile_language_from_folder_and_unique_ids(tmp_path: Path) -> None:
    for lang in ("th", "ms"):
        folder = tmp_path / "sea-pile-mc4" / lang
        folder.mkdir(parents=True)
        line = {"text": f"text in {lang}", "timestamp": "2020-02-19T10:12:34Z", "url": f"http://{lang}.example"}
        (folder / "part-0.jsonl").write_text(json.dumps(line) + "\n")
    source = SourceConfig(name="pile", kind="sea-lion-pile", paths=(str(tmp_path / "sea-pile-mc4"),))
    files = list_input_files(source)
    rows = [row for path in files for row in read_all(source, path)[0].to_pylist()]
    assert [(r["declared_language"], r["date"], r["id"]) for r in rows] == [
        ("zsm_Latn", "2020-02-19T10:12:34Z", "pile/ms/part-0:1"),
        ("tha_Thai", "2020-02-19T10:12:34Z", "pile/th/part-0:1"),
    ]
    fixed = SourceConfig(name="pile", kind="sea-lion-pile", paths=(str(tmp_path),), language="vi")
    assert read_all(fixed, files[0])[0].column("declared_language").to_pylist() == ["vie_Latn"]


# ---------------------------------------------------------------- remote inputs (fsspec URLs), streamed


class LoopbackFileServer:
    """HTTP server on 127.0.0.1 serving in-memory files with HEAD and single Range GETs; records
    every GET as (path, Range header or None, bytes sent). Use as a context manager."""

    def __init__(self, files: dict[str, bytes]):
        self.files, self.gets = files, []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_HEAD(self) -> None:
                self._reply(head_only=True)

            def do_GET(self) -> None:
                self._reply(head_only=False)

            def _reply(self, head_only: bool) -> None:
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                start, end, status = 0, len(body), 200
                wanted = self.headers.get("Range")
                if wanted and not head_only:
                    first, _, last = wanted.removeprefix("bytes=").partition("-")
                    start, end, status = int(first), min(int(last) + 1 if last else len(body), len(body)), 206
                self.send_response(status)
                self.send_header("Accept-Ranges", "bytes")
                self.send_header("Content-Length", str(end - start))
                if status == 206:
                    self.send_header("Content-Range", f"bytes {start}-{end - 1}/{len(body)}")
                self.end_headers()
                if not head_only:
                    server.gets.append((self.path, wanted, end - start))
                    self.wfile.write(body[start:end])

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> "LoopbackFileServer":
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_remote_warc_is_streamed_in_ranged_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    block = 64 << 10
    monkeypatch.setattr(storage, "STREAM_BLOCK_BYTES", block)
    rng = random.Random(7)
    pages = [f"<html><body><p>{' '.join(f'{rng.getrandbits(64):x}' for _ in range(2000))}</p></body></html>".encode() for _ in range(40)]
    local = tmp_path / "big.warc.gz"
    write_warc_gz(local, [warc_record(n, page) for n, page in enumerate(pages)])
    size = local.stat().st_size
    assert size > 10 * block
    with LoopbackFileServer({"/crawl-data/CC-MAIN-2024-22/big.warc.gz": local.read_bytes()}) as server:
        url = f"{server.url}/crawl-data/CC-MAIN-2024-22/big.warc.gz"
        source = SourceConfig(name="web", kind="warc", paths=(url,))
        assert list_input_files(source) == [url]
        table, errors = read_all(source, url, batch_size=16)
    assert errors.errors == 0
    assert table.column("html").to_pylist() == pages
    assert set(table.column("source_file").to_pylist()) == {url}
    assert set(table.column("dump").to_pylist()) == {"CC-MAIN-2024-22"}  # crawl id from the URL
    assert server.gets and all(wanted is not None for _, wanted, _ in server.gets)  # never one whole-file GET
    assert max(sent for _, _, sent in server.gets) <= 2 * block  # one read plus one block of read-ahead
    assert sum(sent for _, _, sent in server.gets) < 1.2 * size  # read about once, not downloaded again


def test_remote_jsonl_and_parquet_read_like_local_files(tmp_path: Path) -> None:
    docs = [{"text": f"document {i}", "id": f"d{i}"} for i in range(50)]
    jsonl = gzip.compress("".join(json.dumps(d) + "\n" for d in docs).encode())
    parquet = tmp_path / "x.parquet"
    pq.write_table(pa.Table.from_pylist(docs), parquet, row_group_size=20)
    with LoopbackFileServer({"/pile/th/a.jsonl.gz": jsonl, "/data/x.parquet": parquet.read_bytes()}) as server:
        for kind, path in (("jsonl", "/pile/th/a.jsonl.gz"), ("parquet", "/data/x.parquet")):
            url = server.url + path
            source = SourceConfig(name="r", kind=kind, paths=(url,), columns={"id": "id"})
            table, errors = read_all(source, url)
            assert errors.errors == 0
            assert table.column("text").to_pylist() == [d["text"] for d in docs]
            assert table.column("id").to_pylist() == [f"r/{d['id']}" for d in docs]


def test_missing_remote_file_is_reported_not_raised() -> None:
    with LoopbackFileServer({}) as server:
        url = f"{server.url}/gone.warc.gz"
        with pytest.raises(FileNotFoundError, match="does not exist"):
            list_input_files(SourceConfig(name="web", kind="warc", paths=(url,)))
        table, errors = read_all(SourceConfig(name="web", kind="warc", paths=(url,)), url)
    assert table.num_rows == 0
    assert errors.errors == 1 and "could not read the file" in errors.samples[0].message


def test_hub_and_s3_urls_reach_fsspec_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hub = "hf://datasets/HuggingFaceFW/fineweb-2/data/tha_Thai/train/000_00000.parquet"
    (tmp_path / "sources.yaml").write_text(f"sources:\n  - {{name: fw, kind: fineweb2, paths: [{hub}, 's3://b/x/*.parquet']}}\n")
    (source,) = load_sources(tmp_path / "sources.yaml")
    assert source.paths == (hub, "s3://b/x/*.parquet")
    resolved: list[str] = []
    monkeypatch.setattr(storage.fsspec.core, "url_to_fs", lambda url: resolved.append(url) or (_NoFS(), url))
    storage.open_input(hub)
    assert resolved == [hub]


class _NoFS:
    def open(self, *args: object, **kwargs: object) -> None:
        return None
