"""User errors on the command line: one or two lines naming file, row and field, exit 2, no traceback
(--debug shows it); config files are checked before the first stage; bugs still raise."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

from pipelines import cli
from pipelines.config_file import ConfigError
from pipelines.runtime.executors import load_executor_config

PROJECT = Path(__file__).resolve().parents[2]
SOURCES = str(PROJECT / "sources" / "demo.yaml")


def bad_mix(tmp_path: Path) -> str:
    spec = yaml.safe_load((PROJECT / "mixes" / "demo.yaml").read_text())
    spec["rows"][3]["tokens"] = "3k"
    path = tmp_path / "bad-mix.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return str(path)


def user_error(capsys, argv: list[str]) -> str:
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and len(captured.err.strip().splitlines()) <= 2
    return captured.err


def test_run_checks_the_mix_spec_before_the_first_stage(tmp_path, capsys):
    """The mix spec used to be read only after the whole curation (and then failed with a traceback)."""
    data = tmp_path / "data"
    err = user_error(capsys, ["run", "--sources", SOURCES, "--mix", bad_mix(tmp_path), "--data-root", str(data)])
    assert "bad-mix.yaml: rows[3] (id 'zh-pile-v2'): field 'tokens': must be a number (got '3k')" in err
    assert not (data / "curate").exists(), "a stage ran before the configs were checked"


@pytest.mark.parametrize("bad", ["quality", "executor", "sources"])
def test_curate_checks_every_config_before_the_first_stage(tmp_path, capsys, bad):
    data = tmp_path / "data"
    quality = tmp_path / "quality.yaml"
    quality.write_text("quality:\n  default: {min_words: 5}\n" if bad == "quality" else "")
    executor = tmp_path / "executor.yaml"
    executor.write_text("kind: local\nworkers: none\n" if bad == "executor" else "kind: local\n")
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - {name: ../escape, kind: warc, paths: x}\n")
    argv = ["curate", "--sources", str(sources) if bad == "sources" else SOURCES, "--data-root", str(data),
            "--executor-config", str(executor)] + (["--quality-config", str(quality)] if bad == "quality" else [])
    err = user_error(capsys, argv)
    expected = {
        "quality": "quality.yaml: quality.default: missing field(s)",
        "executor": "executor.yaml: field 'workers': Input should be a valid integer",
        "sources": "sources.yaml: sources[0] (name '../escape'): field 'name': '../escape' is not a valid name",
    }[bad]
    assert expected in err
    assert not (data / "curate").exists()


def test_missing_config_file_is_one_line(tmp_path, capsys):
    err = user_error(capsys, ["curate", "--sources", str(tmp_path / "nope.yaml"), "--data-root", str(tmp_path)])
    assert f"seamix curate: error: {tmp_path / 'nope.yaml'}: no such file" in err


def test_a_file_of_the_wrong_kind_says_what_it_is(tmp_path, capsys):
    err = user_error(capsys, ["run", "--sources", SOURCES, "--mix", SOURCES, "--data-root", str(tmp_path)])
    assert f"{SOURCES}: this is a source registry (top-level 'sources:'), not a mix spec" in err
    mix = str(PROJECT / "mixes" / "demo.yaml")
    err = user_error(capsys, ["curate", "--sources", mix, "--data-root", str(tmp_path), "--executor-config", mix])
    assert f"{mix}: this is a mix spec (top-level 'rows:'), not an executor settings file" in err
    posttrain = str(PROJECT / "mixes" / "posttrain-demo.yaml")
    err = user_error(capsys, ["run", "--sources", SOURCES, "--mix", posttrain, "--data-root", str(tmp_path)])
    assert f"{posttrain}: this is a post-training mix spec (top-level 'rows:' with 'unit:' or 'total:'), not a mix spec" in err
    assert not (tmp_path / "curate").exists()


def test_a_stage_run_out_of_order_is_a_user_error(tmp_path, capsys):
    err = user_error(capsys, ["curate", "--stage", "langid", "--sources", SOURCES, "--data-root", str(tmp_path)])
    assert "stage langid: extract has not run for source 'cc-warc-sample'" in err
    err = user_error(capsys, ["plan", "--mix", str(PROJECT / "mixes" / "demo.yaml"), "--data-root", str(tmp_path)])
    assert "pool.parquet does not exist yet; run the pool step first (seamix pool)" in err


def test_debug_shows_the_traceback(tmp_path):
    from pipelines.storage.layout import StageOrderError

    with pytest.raises(ConfigError, match="no such file"):
        cli.main(["curate", "--debug", "--sources", str(tmp_path / "nope.yaml"), "--data-root", str(tmp_path)])
    with pytest.raises(StageOrderError):
        cli.main(["--debug", "plan", "--mix", str(PROJECT / "mixes" / "demo.yaml"), "--data-root", str(tmp_path)])


def test_bugs_still_raise(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("a bug, not a user error")

    monkeypatch.setattr(cli, "run_curate_stage", broken)
    with pytest.raises(KeyError, match="a bug"):
        cli.main(["curate", "--sources", SOURCES, "--data-root", str(tmp_path)])


def test_sql_errors_are_one_message_naming_what_is_missing(tmp_path, capsys):
    err = user_error(capsys, ["sql", "--data-root", str(tmp_path / "none"), "SELECT 1"])
    assert "seamix sql: error:" in err and "seamix.duckdb" in err and "does not exist" in err
    duckdb.connect(str(tmp_path / "seamix.duckdb")).close()  # an empty catalog
    err = user_error(capsys, ["sql", "--data-root", str(tmp_path), "SELECT * FROM no_such_view"])
    assert "no_such_view does not exist" in err


def test_an_empty_config_file_says_so(tmp_path, capsys):
    empty = tmp_path / "sources.yaml"
    empty.write_text("# nothing yet\n")
    err = user_error(capsys, ["curate", "--sources", str(empty), "--data-root", str(tmp_path / "data")])
    assert f"{empty}: the file is empty (or only comments)" in err
    assert load_executor_config(empty).kind == "local"  # an empty executor settings file means the defaults


def test_an_unknown_tokenizer_fails_before_the_first_stage(tmp_path, capsys):
    data = tmp_path / "data"
    err = user_error(capsys, ["curate", "--sources", SOURCES, "--tokenizers", "no-such-tokenizer", "--data-root", str(data)])
    assert "tokenizer 'no-such-tokenizer' not found; tried: local path no-such-tokenizer" in err
    chat = str(PROJECT / "sources" / "posttrain-demo.yaml")
    err = user_error(capsys, ["posttrain", "curate", "--sources", chat, "--tokenizers", "no-such-tokenizer",
                              "--data-root", str(data)])
    assert "'no-such-tokenizer' not found" in err
    assert not (data / "curate").exists() and not (data / "posttrain").exists(), "a stage ran first"


def test_exporting_a_mix_that_was_not_sampled_is_one_message(tmp_path, capsys):
    err = user_error(capsys, ["export", "--mix", str(PROJECT / "mixes" / "demo.yaml"), "--format", "jsonl",
                              "--data-root", str(tmp_path)])
    assert "no complete mix sample here; run `seamix mix` first" in err
