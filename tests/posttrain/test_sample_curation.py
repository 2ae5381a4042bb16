"""The bundled sample through ingest -> checks -> dedup: every planted defect is dropped with its reason,
nothing else is, malformed records are reported with file and line, translation rows are kept."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from posttrain_sample import SAMPLE, SOURCES, planted

from pipelines.curate.config import CurateConfig
from pipelines.curate.documents import deduplicated_documents
from pipelines.posttrain.checks import REASONS
from pipelines.posttrain.curate import run_posttrain_curation, run_posttrain_stage
from pipelines.posttrain.schema import CONVERSATION_SCHEMA
from pipelines.storage.layout import DataLayout


@pytest.fixture(scope="module")
def curated(tmp_path_factory):
    config = CurateConfig(sources_file=str(SOURCES), data_root=str(tmp_path_factory.mktemp("data")))
    return config, run_posttrain_curation(config)


def _rows(folder: str, dropped: bool = False) -> list[dict]:
    pattern = "*/_dropped/*.parquet" if dropped else "*/part-*.parquet"
    return [r for path in sorted(Path(folder).glob(pattern)) for r in pq.read_table(path).to_pylist()]


def test_every_planted_defect_is_dropped_with_its_reason_and_nothing_else(curated):
    config, runs = curated
    layout = DataLayout.at(config.data_root)
    drops = {r["id"]: (r["stage"], r["reason"]) for stage in ("checks", "dedup") for r in _rows(layout.posttrain_dir(stage), dropped=True)}
    expected = {e["id"]: ("dedup" if e["reason"].endswith("_duplicate") else "checks", e["reason"]) for e in planted("drop")}
    assert drops == expected
    planted_reasons = {reason for _, reason in expected.values()}
    assert {"empty_turn", "role_order", "truncated_answer", "repetition_loop", "undeclared_tool", "tool_arguments_type",
            "tool_arguments_required", "tool_arguments_enum", "unanswered_tool_call", "response_language_mismatch",
            "exact_duplicate", "near_duplicate"} <= planted_reasons <= set(REASONS) | {"exact_duplicate", "near_duplicate"}
    assert runs["dedup"].dedup.removed_exact == 1 and runs["dedup"].dedup.removed_near == 1


def test_malformed_records_are_reported_with_file_and_line(curated):
    _, runs = curated
    reported = {(p.file, p.where) for p in runs["ingest"].outcome.errors.samples}
    expected = {(str((SAMPLE / e["file"]).resolve()), e["where"]) for e in planted("malformed")}
    assert {(str(Path(f).resolve()), w) for f, w in reported} == expected
    assert runs["ingest"].outcome.errors.errors == len(expected)


def test_kept_conversations_carry_languages_in_all_eleven_and_translations(curated):
    config, _ = curated
    layout = DataLayout.at(config.data_root)
    kept = [row for part in sorted(Path(layout.posttrain_dir("checks")).glob("*/part-*.parquet"))
            for table in deduplicated_documents(str(part), str(Path(layout.posttrain_curated_dir) / part.parent.name / part.name))
            for row in table.to_pylist()]
    assert len(kept) == len(_rows(layout.posttrain_curated_dir))  # dedup's narrow parts: one row per kept conversation
    ids = {r["id"] for r in kept}
    assert {e["id"] for e in planted("keep")} <= ids
    assert len({r["language"] for r in kept}) == 11
    assert all(len(r["languages"]) == len(r["messages"]) for r in kept)
    assert {r["category"] for r in kept} >= {"general", "tool-calling", "math", "code"}
    part = min(Path(DataLayout.at(config.data_root).posttrain_dir("checks")).glob("*/part-*.parquet"))
    assert pq.read_schema(part).remove_metadata().equals(CONVERSATION_SCHEMA)


def test_rerun_of_a_stage_reuses_its_parts(curated):
    config, _ = curated
    part = Path(DataLayout.at(config.data_root).posttrain_dir("checks")) / "xlam-sample" / "part-00000.parquet"
    written = part.stat().st_mtime_ns
    again = run_posttrain_stage("checks", config, ["xlam-sample"])
    assert again.outcome.docs_in == 6 and again.outcome.dropped == {"undeclared_tool": 1, "tool_arguments_type": 1}
    assert part.stat().st_mtime_ns == written
    with pytest.raises(ValueError, match="unknown source"):
        run_posttrain_stage("checks", config, ["nope"])


def test_sample_generator_reproduces_the_bundled_files(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_posttrain_sample", SAMPLE.parents[1] / "make_posttrain_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.write_all(tmp_path)
    assert len(written) == 8
    for path in written:
        assert path.read_bytes() == (SAMPLE / path.relative_to(tmp_path)).read_bytes(), path.name
