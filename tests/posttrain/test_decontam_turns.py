"""Decontamination of post-training conversations: eval items in user or assistant turns of the
bundled sample are found in the checks stage, dropped (or reported) with a decision row each."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from posttrain_sample import SOURCES

from pipelines.curate.config import CurateConfig
from pipelines.posttrain.curate import run_posttrain_stage
from pipelines.storage.layout import DataLayout


def _rows(folder: Path, pattern: str) -> list[dict]:
    return [r for path in sorted(folder.glob(pattern)) for r in pq.read_table(path).to_pylist()]


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """The sample through ingest and checks without eval sets: the conversations the checks keep."""
    root = tmp_path_factory.mktemp("clean")
    config = CurateConfig.from_settings(sources_file=str(SOURCES), data_root=str(root))
    for stage in ("ingest", "checks"):
        run_posttrain_stage(stage, config)
    return _rows(Path(DataLayout.at(root).posttrain_dir("checks")), "*/part-*.parquet")


def _evalsets(tmp_path: Path, items: dict[str, str]) -> Path:
    (tmp_path / "bench.jsonl").write_text(
        "".join(json.dumps({"id": k, "question": v}, ensure_ascii=False) + "\n" for k, v in items.items()), encoding="utf-8")
    (tmp_path / "evalsets.yaml").write_text(
        "evalsets:\n  - {name: sea-bench, paths: [bench.jsonl], fields: [question], language: en, id_field: id}\n", encoding="utf-8")
    return tmp_path / "evalsets.yaml"


def _turn(conversation: dict, role: str) -> str:
    return next(m["content"] for m in conversation["messages"] if m["role"] == role and len((m["content"] or "").split()) >= 12)


@pytest.mark.parametrize("action", ["drop", "report"])
def test_turns_holding_eval_items_are_found_and_decided(clean, tmp_path: Path, action: str):
    spaced = [c for c in clean if c["language"] in ("eng_Latn", "ind_Latn", "vie_Latn")]
    by_user = next(c for c in spaced if any(m["role"] == "user" and len((m["content"] or "").split()) >= 12 for m in c["messages"]))
    by_assistant = next(c for c in spaced if c["id"] != by_user["id"]
                        and any(m["role"] == "assistant" and len((m["content"] or "").split()) >= 12 for m in c["messages"]))
    items = {"u1": _turn(by_user, "user"), "a1": _turn(by_assistant, "assistant").upper()}  # case does not hide an item
    config = CurateConfig.from_settings(sources_file=str(SOURCES), data_root=str(tmp_path / "data"),
                                        evalsets_file=str(_evalsets(tmp_path, items)), decontam_action=action)
    for stage in ("ingest", "checks"):
        run_posttrain_stage(stage, config)
    checks = Path(DataLayout.at(tmp_path / "data").posttrain_dir("checks"))
    decisions = _rows(checks, "*/_decisions/*.parquet")
    found = {(d["id"], d["item_id"]) for d in decisions}
    assert {(by_user["id"], "u1"), (by_assistant["id"], "a1")} <= found
    assert all(d["benchmark"] == "sea-bench" and d["span"] for d in decisions)
    kept = {r["id"] for r in _rows(checks, "*/part-*.parquet")}
    contaminated = {d["id"] for d in decisions}
    drops = {r["id"]: r["reason"] for r in _rows(checks, "*/_dropped/*.parquet") if r["reason"].startswith("decontam_")}
    if action == "drop":
        assert drops == dict.fromkeys(contaminated, "decontam_sea-bench")
        assert kept == {c["id"] for c in clean} - contaminated
    else:
        assert not drops and kept == {c["id"] for c in clean}
        assert {d["action"] for d in decisions} == {"reported"}
