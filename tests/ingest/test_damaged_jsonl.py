"""Cut gzip / zstd JSON-lines files keep every complete line the decompressor delivers and name the cut line."""

from __future__ import annotations

import gzip
import json
import random
import zlib
from pathlib import Path

import pytest
import zstandard

from pipelines.ingest.config import SourceConfig
from pipelines.ingest.readers import read_documents
from pipelines.runtime.problems import ErrorLog


def _lines(n: int = 300) -> bytes:
    """``n`` JSON lines of random words (incompressible enough for gzip to emit output all along)."""
    rng = random.Random(0)
    words = lambda: " ".join("".join(rng.choice("abcdefghij") for _ in range(6)) for _ in range(200))
    return b"".join(json.dumps({"text": f"{i} {words()}"}).encode() + b"\n" for i in range(n))


def _delivered(data: bytes, suffix: str) -> bytes:
    """What a streaming decompressor can deliver from a (possibly cut) compressed prefix."""
    if suffix == ".gz":
        return zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(data)
    return zstandard.ZstdDecompressor().decompressobj().decompress(data)


def _cut_inside_line(packed: bytes, raw: bytes, suffix: str, line: int) -> tuple[bytes, int]:
    """The shortest prefix of ``packed`` whose delivered bytes reach into line ``line`` (1-based)
    or later and end inside a line; and the number of complete lines it delivers."""
    start = sum(len(x) + 1 for x in raw.split(b"\n")[: line - 1]) + 10
    lo, hi = 0, len(packed)
    while lo < hi:
        mid = (lo + hi) // 2
        if len(_delivered(packed[:mid], suffix)) >= start:
            hi = mid
        else:
            lo = mid + 1
    for cut in range(lo, len(packed)):
        delivered = _delivered(packed[:cut], suffix)
        if not delivered.endswith(b"\n"):
            return packed[:cut], delivered.count(b"\n")
    raise AssertionError("no cut inside a line")


def _read(path: Path) -> tuple[list[str], ErrorLog]:
    errors = ErrorLog()
    source = SourceConfig(name="j", kind="jsonl", paths=(str(path),))
    texts = [t for b in read_documents(source, str(path), errors) for t in b.column("text").to_pylist()]
    return texts, errors


def test_gzip_cut_inside_line_127_keeps_126_lines_and_names_line_127(tmp_path: Path) -> None:
    raw = _lines()
    cut, complete = _cut_inside_line(gzip.compress(raw), raw, ".gz", 127)
    assert complete == 126  # gzip delivers up to the cut: the test file really is cut inside line 127
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(cut)
    texts, errors = _read(path)
    assert len(texts) == 126 and texts[-1].startswith("125 ")
    [problem] = errors.samples
    assert problem.file == str(path) and problem.where == "line 127"
    assert "inside line 127" in problem.message and "cut off" in problem.message


def test_zstd_cut_keeps_every_complete_line_the_decoder_delivers(tmp_path: Path) -> None:
    raw = _lines()
    cut, complete = _cut_inside_line(zstandard.ZstdCompressor().compress(raw), raw, ".zst", 127)
    path = tmp_path / "cut.jsonl.zst"
    path.write_bytes(cut)
    texts, errors = _read(path)
    assert len(texts) == complete > 0
    [problem] = errors.samples
    assert problem.where == f"line {complete + 1}" and "zstd frame" in problem.message


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_concatenated_members_then_junk(tmp_path: Path, suffix: str) -> None:
    compress = gzip.compress if suffix == ".gz" else zstandard.ZstdCompressor().compress
    first, second = _lines(3), b'{"text": "last"}\n'
    path = tmp_path / f"two.jsonl{suffix}"
    path.write_bytes(compress(first) + compress(second) + b"junk after the data")
    texts, errors = _read(path)
    assert len(texts) == 4 and texts[-1] == "last"
    [problem] = errors.samples
    assert problem.where == "line 5" and "not gzip/zstd data" in problem.message


def test_sea_lion_pile_shares_the_streaming_reader(tmp_path: Path) -> None:
    raw = _lines()
    cut, complete = _cut_inside_line(gzip.compress(raw), raw, ".gz", 50)
    path = tmp_path / "sea-pile-mc4" / "th" / "cut.jsonl.gz"
    path.parent.mkdir(parents=True)
    path.write_bytes(cut)
    errors = ErrorLog()
    source = SourceConfig(name="p", kind="sea-lion-pile", paths=(str(path),))
    rows = sum(b.num_rows for b in read_documents(source, str(path), errors))
    assert rows == complete == 49 and errors.samples[0].where == "line 50"


def test_a_byte_order_mark_before_the_first_line_is_no_error(tmp_path: Path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"text": "first"}\n{"text": "second \xef\xbb\xbf kept as text"}\n')
    texts, errors = _read(path)
    assert texts == ["first", "second \ufeff kept as text"] and errors.errors == 0


def test_a_lone_surrogate_escape_is_replaced_and_logged_not_a_crash(tmp_path: Path):
    path = tmp_path / "surrogate.jsonl"
    path.write_text('{"text": "one \\ud800 lone"}\n{"text": "a pair \\ud83d\\ude00 is an emoji"}\n{"text": "last"}\n')
    texts, errors = _read(path)
    assert texts == ["one \ufffd lone", "a pair \U0001F600 is an emoji", "last"]
    [problem] = errors.samples
    assert (problem.where, problem.kind) == ("line 1", "invalid_unicode") and "1 lone UTF-16 surrogate" in problem.message


def test_json_nested_past_the_parser_limit_is_one_bad_line(tmp_path: Path):
    path = tmp_path / "deep.jsonl"
    path.write_text('{"text": "before"}\n{"a": ' + "[" * 100_000 + "]" * 100_000 + '}\n{"text": "after"}\n')
    texts, errors = _read(path)
    assert texts == ["before", "after"]
    [problem] = errors.samples
    assert problem.where == "line 2" and "nested deeper" in problem.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_utf16_and_utf32_files_are_transcoded_and_logged_once(tmp_path: Path, encoding: str, suffix: str) -> None:
    texts = [f"ข้อความ {i} 中文 😀 tiếng Việt " * 50 for i in range(400)]  # more than one 64 KiB read
    raw = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts).encode(encoding)
    path = tmp_path / f"wide{suffix}"
    path.write_bytes(gzip.compress(raw) if suffix.endswith(".gz") else raw)
    read, errors = _read(path)
    assert read == texts
    assert errors.errors == 0 and errors.counts["encoding"] == 1
    assert errors.samples[0].where == "file" and "not UTF-8" in errors.samples[0].message


def test_a_lone_surrogate_in_a_utf16_file_is_replaced_and_the_rest_kept(tmp_path: Path) -> None:
    good = "".join(json.dumps({"text": f"line {i}"}) + "\n" for i in range(3)).encode("utf-16-le")
    broken = '{"text": "a'.encode("utf-16-le") + b"\x00\xd8" + '"}\n'.encode("utf-16-le")
    path = tmp_path / "surrogate.jsonl"
    path.write_bytes(b"\xff\xfe" + good + broken + good)
    read, errors = _read(path)
    assert read == ["line 0", "line 1", "line 2", "a\ufffd", "line 0", "line 1", "line 2"]
    assert errors.errors == 0 and errors.counts["encoding"] == 1
