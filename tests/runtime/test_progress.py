"""Stage progress: parts, documents and bytes read from the stage folder, ETA, tqdm bars, curate hook."""

from __future__ import annotations

import io
import os

from scaleout_inputs import split_sample_pile

from pipelines.curate.config import CurateConfig
from pipelines.curate.run import run_curate_stage
from pipelines.runtime.executors import ExecutorConfig
from pipelines.runtime.progress import ProgressBars, StageProgress


def _progress(**overrides) -> StageProgress:
    values = dict(stage="quality", out_dir="/d/curate/quality/pile", parts_done=1, parts_total=4, docs_in=10,
                  docs_out=9, bytes_done=100, bytes_total=400, elapsed_s=30.0)
    return StageProgress(**{**values, **overrides})


def test_eta_extrapolates_from_bytes_then_parts():
    assert _progress().eta_s == 90.0  # 100 of 400 bytes in 30 s
    assert _progress(bytes_done=0, bytes_total=0, parts_done=2).eta_s == 30.0  # no sizes: parts
    assert _progress(parts_done=0, bytes_done=0).eta_s is None
    assert _progress(parts_done=4, bytes_done=400).eta_s == 0.0


def test_describe_names_stage_and_source_folder():
    line = _progress().describe()
    assert line.startswith("quality pile: 1/4 parts, 10 docs in, 9 out")
    assert "ETA 0:01:30" in line
    assert _progress(stage="dedup", out_dir="/d/curate/dedup").label == "dedup"


def test_curate_stage_reports_every_part(tmp_path):
    sources = split_sample_pile(tmp_path, lines_per_file=4, languages=("id", "th", "vi"))
    inputs = sorted(p for p in (tmp_path / "input").rglob("*.jsonl"))
    config = CurateConfig(sources_file=str(sources), data_root=str(tmp_path / "data"), executor=ExecutorConfig())
    reports: list[StageProgress] = []
    outcome = run_curate_stage("ingest", config, progress=reports.append).outcome

    final = reports[-1]
    assert (final.stage, final.parts_done, final.parts_total) == ("ingest", len(inputs), len(inputs))
    assert final.docs_in == final.docs_out == outcome.docs_in
    assert final.bytes_done == final.bytes_total == sum(os.path.getsize(p) for p in inputs)
    assert final.eta_s == 0.0
    done = [r.parts_done for r in reports]
    assert done == sorted(done) and done.count(len(inputs)) == 1  # the end is reported once

    again: list[StageProgress] = []
    run_curate_stage("ingest", config, progress=again.append)
    assert again == []  # nothing left to do: no executor ran, nothing to report


def test_progress_bars_draw_one_bar_per_stage_folder():
    out = io.StringIO()
    bars = ProgressBars(disable=False, file=out)
    bars(_progress())
    bars(_progress(parts_done=4, docs_in=40, bytes_done=400))
    bars(_progress(stage="tokens", parts_done=1))
    bars.close()
    text = out.getvalue()
    assert "quality pile" in text and "4/4" in text and "40 docs" in text
    assert "tokens pile" in text
