"""The seamix command line: help, and `run` on the bundled sample printing shards path and report."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from pipelines.cli import main
from pipelines.outputs.tables import format_report

PROJECT = Path(__file__).resolve().parents[2]


def test_help_lists_the_steps(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("curate", "pool", "plan", "mix", "report", "run", "sql", "fetch-models"):
        assert command in out


def test_format_report_totals_and_flags_misses():
    report = pa.table(
        {
            "row_id": ["a", "b"],
            "language": ["tha_Thai", "lao_Laoo"],
            "mix_source": ["Fineweb2", "Fineweb2"],
            "target_tokens": [1000, 500],
            "achieved_tokens": [1001, 400],
            "deviation": [0.001, -0.2],
            "within_tolerance": [True, False],
        }
    )
    lines = format_report(report).splitlines()
    assert lines[-1].split() == ["TOTAL", "1,500", "1,401", "-6.600%", "NO"]
    assert lines[3].split()[-1] == "NO"


@pytest.mark.integration
def test_run_on_the_sample_prints_shards_and_summary(tmp_path, capsys):
    rc = main(["run", "--sources", str(PROJECT / "sources/demo.yaml"), "--mix", str(PROJECT / "mixes/demo.yaml"),
               "--data-root", str(tmp_path)])
    out = capsys.readouterr().out
    assert rc == 0
    assert f"Mix shards: {tmp_path}/mixes/demo/seed-1234" in out
    assert list((tmp_path / "mixes" / "demo" / "seed-1234").glob("shard-*.parquet"))
    total = next(line for line in out.splitlines() if line.startswith("TOTAL")).split()
    capsys.readouterr()
    assert main(["sql", "--data-root", str(tmp_path), "SELECT sum(achieved_tokens) AS t FROM mix_report"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].strip() == total[2]
