"""Done markers record each part's size and checksum: a damaged part is redone, a reader names it, and
fingerprints survive copying the data root."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_runner import DropOddTask, _inputs

from pipelines.curate.config import CurateConfig
from pipelines.curate.run import run_curate_stage
from pipelines.runtime.runner import run_file_stage, stats_path
from pipelines.storage.checksums import file_digest
from pipelines.storage.layout import CURATE_STAGES
from pipelines.storage.parquet_io import CorruptPartError, iter_tables, read_table

TEXT = ("The river that runs through the old town has been the subject of a long debate among residents. "
        "Some of them want to build a new footbridge, while others argue that the money should go to schools. ")


def _calls(log_dir: Path) -> list[str]:
    path = log_dir / "calls.txt"
    return path.read_text().split() if path.exists() else []


def test_done_marker_records_size_and_checksum_of_each_file(tmp_path: Path) -> None:
    items = _inputs(tmp_path, files=1)
    out = tmp_path / "out"
    run_file_stage(DropOddTask(str(tmp_path)), items, out)
    files = json.loads(Path(stats_path(str(out), "src/part-00000")).read_text())["files"]
    assert set(files) == {"src/part-00000.parquet", "_dropped/src/part-00000.parquet"}
    for name, recorded in files.items():
        assert recorded == file_digest(str(out / name))


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete"])
def test_damaged_part_is_redone_and_equals_an_untouched_run(tmp_path: Path, damage: str, caplog) -> None:
    items = _inputs(tmp_path)
    task = DropOddTask(str(tmp_path))
    untouched, damaged = tmp_path / "untouched", tmp_path / "damaged"
    run_file_stage(task, items, untouched)
    run_file_stage(task, items, damaged)
    part = damaged / "src" / "part-00001.parquet"
    data = part.read_bytes()
    if damage == "truncate":
        part.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        part.write_bytes(data[:100] + bytes([data[100] ^ 0xFF]) + data[101:])
    else:
        part.unlink()
    (tmp_path / "calls.txt").unlink()
    outcome = run_file_stage(task, items, damaged)
    assert _calls(tmp_path) == ["src/part-00001"]
    assert f"part src/part-00001 is damaged ({part}" in caplog.text
    for rel in ("src/part-00001.parquet", "_dropped/src/part-00001.parquet"):
        assert (damaged / rel).read_bytes() == (untouched / rel).read_bytes()
    assert outcome.docs_out == 18
    (tmp_path / "calls.txt").unlink()
    run_file_stage(task, items, damaged)
    assert _calls(tmp_path) == []  # intact now: nothing redone


def test_reader_that_meets_a_corrupt_part_names_it(tmp_path: Path) -> None:
    path = tmp_path / "part-00000.parquet"
    pq.write_table(pa.table({"id": [str(i) for i in range(5000)]}), path)
    path.write_bytes(path.read_bytes()[:3000])
    with pytest.raises(CorruptPartError, match=f"^{path}: damaged or truncated Parquet part"):
        list(iter_tables(str(path)))
    with pytest.raises(CorruptPartError, match=str(path)):
        read_table(str(path))


def _file_times(root: Path) -> dict[str, int]:
    """Modification time of every part and marker of the curation stages and dedup signatures."""
    folders = [root / "curate", root / "work" / "dedup" / "signatures"]
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for f in folders for p in f.rglob("*") if p.is_file()}


def test_copied_data_root_resumes_without_redoing_any_stage(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    for name in ("a", "b"):
        rows = [{"id": f"{name}{i}", "text": f"{name} {i}. {TEXT * 3}"} for i in range(3)]
        (corpus / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - {name: t, kind: jsonl, paths: [in/*.jsonl], language: en, columns: {id: id}}\n")
    original = tmp_path / "data"
    for stage in CURATE_STAGES:
        run_curate_stage(stage, CurateConfig(sources_file=str(sources), data_root=str(original)))
    copy = tmp_path / "elsewhere" / "copied-root"
    shutil.copytree(original, copy, copy_function=shutil.copy)  # new paths and new modification times
    shutil.rmtree(original)
    before = _file_times(copy)
    assert any(k.endswith(".parquet") for k in before)
    for stage in CURATE_STAGES:
        run_curate_stage(stage, CurateConfig(sources_file=str(sources), data_root=str(copy)))
    assert _file_times(copy) == before
