"""The Dagster group ``posttrain``: registered with its checks and job, and materialized on the sample."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from assets.posttrain_assets import (
    PosttrainSettings,
    posttrain_assets,
    posttrain_checks_defs,
)
from assets.resources import SeamixSettings
from pipelines.tokens.registry import TokenizerNotFoundError, resolve_tokenizer_config

REPO = Path(__file__).resolve().parents[2]


def test_definitions_register_the_group_checks_and_job():
    from assets.definitions import defs

    job = defs.resolve_job_def("posttrain_mix")
    keys = {key.to_user_string() for key in job.asset_layer.executable_asset_keys}
    assert {"posttrain_ingest", "posttrain_tokens", "posttrain_shards", "posttrain_report"} <= keys
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert {"tool_call_validity_rate", "response_language_match_rate", "posttrain_mix_tolerance"} <= checks


def test_group_materializes_the_sample_and_its_checks_pass(tmp_path):
    if not (REPO / "sources" / "posttrain-demo.yaml").is_file():
        pytest.skip("the post-training sample is not bundled")
    try:
        resolve_tokenizer_config("qwen3")
    except TokenizerNotFoundError as exc:
        pytest.skip(str(exc))
    resources = {"seamix": SeamixSettings(data_root=str(tmp_path / "root")),
                 "posttrain": PosttrainSettings(tokenizers=["qwen3"])}
    result = dg.materialize([*posttrain_assets, *posttrain_checks_defs], resources=resources)
    assert result.success
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert set(evaluations) == {"tool_call_validity_rate", "response_language_match_rate", "posttrain_mix_tolerance"}
    assert all(e.passed for e in evaluations.values())
    rate = evaluations["tool_call_validity_rate"].metadata["tool_call_validity_rate"].value
    assert 0 < rate < 1  # the sample plants invalid tool calls
    shards = result.asset_materializations_for_node("posttrain_shards")[0].metadata
    assert shards["conversations"].value == 120 and shards["achieved"].value == shards["target"].value
