"""Junk between WARC gzip members (or plain records) is skipped and reported; the records after it are kept."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pytest
from test_sources import read_all, warc_record, write_warc_gz

from pipelines.ingest.config import SourceConfig

REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata" / "warc"


def _source(path: Path, kind: str = "warc") -> SourceConfig:
    return SourceConfig(name="w", kind=kind, paths=(str(path),))


def test_junk_between_gzip_members_keeps_the_records_after_it(tmp_path: Path) -> None:
    members = [gzip.compress(warc_record(n)) for n in range(3)]
    junk = os.urandom(4096).replace(b"\x1f\x8b", b"xx")
    path = tmp_path / "junk.warc.gz"
    path.write_bytes(members[0] + junk + members[1] + members[2])
    table, errors = read_all(_source(path), path)
    assert table.column("url").to_pylist() == [f"http://example.com/{n}" for n in range(3)]
    [problem] = errors.samples
    assert problem.where == f"byte offset {len(members[0])}"
    assert f"{len(junk)} junk bytes at byte offset {len(members[0])}" in problem.message
    assert f"next gzip member (byte offset {len(members[0]) + len(junk)})" in problem.message


def test_two_junk_runs_and_a_cut_tail_are_each_reported(tmp_path: Path) -> None:
    members = [gzip.compress(warc_record(n)) for n in range(4)]
    path = tmp_path / "junk2.warc.gz"
    path.write_bytes(members[0] + b"J" * 100 + members[1] + b"K" * 7 + members[2] + members[3][:-20])
    table, errors = read_all(_source(path), path)
    assert table.num_rows == 3
    messages = [p.message for p in errors.samples]
    assert len(messages) == 3 and "100 junk bytes" in messages[0] and "7 junk bytes" in messages[1]
    assert "cut off by the end of the file" in messages[2]


def test_trailing_junk_after_the_last_member_is_reported_as_such(tmp_path: Path) -> None:
    path = tmp_path / "tail.warc.gz"
    offsets = write_warc_gz(path, [warc_record(n) for n in range(2)])
    size = path.stat().st_size
    path.write_bytes(path.read_bytes() + b"\0" * 300)
    table, errors = read_all(_source(path), path)
    assert table.num_rows == 2 and offsets[1] < size
    [problem] = errors.samples
    assert problem.where == f"byte offset {size}" and "the last 300 bytes" in problem.message


def test_junk_before_a_plain_record_at_the_end_is_skipped_and_reported(tmp_path: Path) -> None:
    records = [warc_record(n) for n in range(2)]
    path = tmp_path / "plain.warc"
    path.write_bytes(records[0] + b"garbage " * 64 + records[1] + b"tail junk")
    table, errors = read_all(_source(path), path)
    assert table.num_rows == 2  # FastWARC itself resynchronises uncompressed files
    [problem] = errors.samples
    assert "has no complete header" in problem.message


@pytest.mark.skipif(not (REALDATA / "resiliparse__clipped.warc.gz").exists(), reason="realdata absent")
def test_real_clipped_warc_gives_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "clipped.warc.gz"
    shutil.copy(REALDATA / "resiliparse__clipped.warc.gz", path)
    table, errors = read_all(_source(path), path)
    assert table.num_rows == 0  # one gzip member holding one record, cut inside that record
    [problem] = [p for p in errors.samples if p.kind == "error"]
    assert problem.where == "byte offset 0"
    assert "member starting at byte offset 0 is cut off by the end of the file (byte 18184)" in problem.message
