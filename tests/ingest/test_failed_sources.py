"""A source whose every file fails to read fails the ingest stage, naming the files, unless allowed."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from test_sources import warc_record

from pipelines.cli import main
from pipelines.curate.config import CurateConfig
from pipelines.curate.run import AllFilesFailed, run_curate_stage


def _sources(tmp_path: Path, entry: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  - {entry}\n")
    return path


def _warcs_read_as_parquet(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(2):
        (folder / f"crawl-{n}.parquet").write_bytes(gzip.compress(warc_record(n)))  # a .warc.gz under the wrong name/kind
    return _sources(tmp_path, "{name: p, kind: parquet, paths: [in/*.parquet]}")


def test_source_whose_every_file_fails_fails_the_stage_naming_them(tmp_path: Path) -> None:
    config = CurateConfig(sources_file=str(_warcs_read_as_parquet(tmp_path)), data_root=str(tmp_path / "data"))
    with pytest.raises(AllFilesFailed) as failure:
        run_curate_stage("ingest", config)
    message = str(failure.value)
    assert "source 'p' (kind parquet): all 2 input file(s) failed" in message
    assert str(tmp_path / "in" / "crawl-0.parquet") in message and str(tmp_path / "in" / "crawl-1.parquet") in message
    assert "--allow-failed-files" in message


def test_allowed_failures_give_zero_documents(tmp_path: Path) -> None:
    config = CurateConfig(sources_file=str(_warcs_read_as_parquet(tmp_path)), data_root=str(tmp_path / "data"),
                          allow_failed_files=True)
    outcome = run_curate_stage("ingest", config).outcome
    assert outcome.docs_out == 0 and outcome.errors.errors == 2


def test_schema_error_in_every_file_fails_and_one_good_file_does_not(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(2):
        (folder / f"{n}.jsonl").write_text(json.dumps({"body": "no text field"}) + "\n")
    sources = _sources(tmp_path, "{name: j, kind: jsonl, paths: [in/*.jsonl]}")
    with pytest.raises(AllFilesFailed, match="missing text field 'text'"):
        run_curate_stage("ingest", CurateConfig(sources_file=str(sources), data_root=str(tmp_path / "data")))
    (folder / "2.jsonl").write_text(json.dumps({"text": "a good line"}) + "\n")
    outcome = run_curate_stage("ingest", CurateConfig(sources_file=str(sources), data_root=str(tmp_path / "data"))).outcome
    assert outcome.docs_out == 1 and outcome.errors.errors == 2


def test_cli_flag_allows_failed_files(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    sources = _warcs_read_as_parquet(tmp_path)
    args = ["curate", "--stage", "ingest", "--sources", str(sources), "--data-root", str(tmp_path / "data")]
    assert main(args) == 2  # a user error: one message naming the files, no traceback
    err = capsys.readouterr().err
    assert "crawl-0.parquet" in err and "crawl-1.parquet" in err and "Traceback" not in err
    assert main([*args, "--allow-failed-files"]) == 0
