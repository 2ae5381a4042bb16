"""`seamix validate FILE...`: each file's kind is detected and checked on its own, OK or the errors, exit 0/2."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.cli import main

PROJECT = Path(__file__).resolve().parents[2]
SHIPPED = ["sources/demo.yaml", "mixes/demo.yaml", "mixes/gemma-sea-lion-v4.yaml", "mixes/qwen-sea-lion-v4.yaml",
           "pipelines/quality/defaults.yaml", "sources/posttrain-demo.yaml", "mixes/posttrain-demo.yaml",
           "mixes/apertus-sea-lion-v4-sft.yaml", "mixes/gemma-sea-lion-v4.5-sft.yaml", "evalsets/sea-helm.yaml"]


def test_shipped_configs_are_ok(capsys):
    assert main(["validate", *(str(PROJECT / name) for name in SHIPPED)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["OK"] * len(SHIPPED)
    assert "mix spec 'gemma-sea-lion-v4', 22 rows" in lines[2]
    assert "post-training mix spec 'posttrain-demo', 3 rows, 120 conversations" in lines[6]
    assert "eval-set registry" in lines[9]


def test_the_published_gemma_table_without_its_resolution_fails_on_the_zh_gap(tmp_path, capsys):
    text = (PROJECT / "mixes" / "gemma-sea-lion-v4.yaml").read_text()
    published = text[: text.index("resolution:")] + text[text.index("rows:"):]
    (tmp_path / "published.yaml").write_text(published)
    assert main(["validate", str(tmp_path / "published.yaml"), str(PROJECT / "mixes" / "demo.yaml")]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"ERROR  {tmp_path / 'published.yaml'}: groups.ZH: group 'ZH': rows add up to "
                             "31,500,000,000 tokens (6.30% of 500,000,000,000) but the group total says 45,000,000,000")
    assert out[1].startswith("OK  ")


@pytest.mark.parametrize(("text", "expected"), [
    ("kind: slurm\nslurm: {partiton: cpu}\n", "executor.yaml: slurm: field 'partiton': unknown field"),
    ("quality:\n  default: {min_words: 5}\n", "executor.yaml: quality.default: missing field(s)"),
    ("sources:\n  - {name: '.', kind: warc, paths: x}\n", "executor.yaml: sources[0] (name '.'): field 'name'"),
    ("colour: red\n", "executor.yaml: cannot tell what kind of config this is"),
    ("name: p\ntokenizer: qwen3\nunit: turns\ntotal: 5\nseed: 1\nmax_epochs: 1\nrows: []\n", "field 'unit'"),
    ("evalsets:\n  - {name: e}\n", "executor.yaml: evalsets[0]"),
    ("[1, 2\n", "executor.yaml: not valid YAML"),
])
def test_each_kind_reports_file_entry_and_field(tmp_path, capsys, text, expected):
    (tmp_path / "executor.yaml").write_text(text)
    assert main(["validate", str(tmp_path / "executor.yaml")]) == 2
    assert expected in capsys.readouterr().out


def test_kinds_are_told_apart():
    from pipelines.config_check import detect_kind

    assert detect_kind({"sources": []}, "x") == "sources"
    assert detect_kind({"name": "m", "rows": []}, "x") == "mix"
    assert detect_kind({"name": "m", "rows": [], "unit": "conversations", "total": 5}, "x") == "posttrain"
    assert detect_kind({"name": "m", "rows": [], "total_tokens": 5, "total": 5}, "x") == "mix"
    assert detect_kind({"evalsets": []}, "x") == "evalsets"
    assert detect_kind({"quality": {}}, "x") == "quality"
    assert detect_kind({"kind": "ray", "workers": 4}, "x") == "executor"
