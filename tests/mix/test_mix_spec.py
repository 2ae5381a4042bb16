"""Mix spec parsing and validation: errors name file, row and field; group gaps need a resolution."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from pipelines.mix.spec import CODE, MixSpecError, load_mix_spec, validate_against_pool

REPO = Path(__file__).resolve().parents[2]
REFERENCE_CSV = REPO.parent / "shared" / "reference" / "gemma-sea-lion-v4-datamix.csv"


def write_spec(tmp_path: Path, spec: dict, name: str = "mix.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def base_spec(**overrides) -> dict:
    spec = {
        "name": "tiny", "tokenizer": "gemma3", "total_tokens": "1000", "seed": 7, "max_epochs": 4,
        "shard": {"max_tokens": 500},
        "rows": [
            {"id": "th-web", "language": "th", "source": "web", "tokens": 600},
            {"id": "vi-web", "language": "vie", "source": "web", "tokens": 400},
        ],
    }
    spec.update(overrides)
    return spec


def error_of(tmp_path: Path, spec: dict) -> str:
    with pytest.raises(MixSpecError) as info:
        load_mix_spec(write_spec(tmp_path, spec))
    return str(info.value)


def test_valid_spec_canonicalises_languages_and_numbers(tmp_path):
    spec = load_mix_spec(write_spec(tmp_path, base_spec(total_tokens="1e3")))
    assert spec.total_tokens == 1000 and isinstance(spec.total_tokens, int)
    assert [r.languages for r in spec.rows] == [("tha_Thai",), ("vie_Latn",)]
    assert spec.token_column == "tokens_gemma3"
    assert spec.sha256 and len(spec.sha256) == 64


def test_yaml_strings_like_500e9_are_numbers(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("name: m\ntokenizer: gemma3\ntotal_tokens: 500e9\nseed: 1\nmax_epochs: 2\n"
                    "shard: {max_tokens: 100_000_000}\n"
                    "rows:\n  - {id: a, language: tha_Thai, source: s, tokens: 490.893e9}\n"
                    "  - {id: b, language: ms, source: s, tokens: 9.107e9}\n")
    spec = load_mix_spec(path)
    assert spec.total_tokens == 500_000_000_000
    assert [r.tokens for r in spec.rows] == [490_893_000_000, 9_107_000_000]
    assert spec.shard.max_tokens == 100_000_000


@pytest.mark.parametrize(
    ("row_change", "field"),
    [
        ({"language": "klingon"}, "'language'"),
        ({"tokens": -5}, "'tokens'"),
        ({"tokens": None}, "'tokens'"),
        ({"tokens": "12x"}, "'tokens'"),
        ({"percent": 10}, "'percent'"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_row_errors_name_file_row_and_field(tmp_path, row_change, field):
    spec = base_spec()
    row = dict(spec["rows"][1], **row_change)
    spec["rows"][1] = {k: v for k, v in row.items() if v is not None}
    message = error_of(tmp_path, spec)
    assert "mix.yaml" in message
    assert "rows[1] (id 'vi-web')" in message
    assert field in message


@pytest.mark.parametrize("name", ["../x", "/tmp/x", "..", "."])
def test_mix_names_and_row_ids_that_are_paths_are_rejected_at_load(tmp_path, name):
    """A mix named '../x' used to write plan, shards and manifest outside the data root."""
    message = error_of(tmp_path, base_spec(name=name))
    assert message.startswith(f"{tmp_path / 'mix.yaml'}: field 'name': {name!r} is not a valid name")
    spec = base_spec()
    spec["rows"][1]["id"] = name
    message = error_of(tmp_path, spec)
    assert message.startswith(f"{tmp_path / 'mix.yaml'}: rows[1] (id {name!r}): field 'id': {name!r} is not a valid name")


def test_weights_must_add_up_to_one(tmp_path):
    spec = base_spec(rows=[{"id": "sea", "languages": ["th", "vi"], "source": "web", "tokens": 1000,
                            "weights": {"th": 0.5, "vi": 0.6}}])
    message = error_of(tmp_path, spec)
    assert "rows[0] (id 'sea')" in message and "'weights'" in message and "add up to 1" in message


def test_multi_language_row_needs_explicit_split(tmp_path):
    spec = base_spec(rows=[{"id": "sea", "languages": ["th", "vi"], "source": "*", "tokens": 1000}])
    message = error_of(tmp_path, spec)
    assert "rows[0] (id 'sea')" in message and "'split'" in message
    spec["rows"][0]["split"] = "by_pool"
    assert load_mix_spec(write_spec(tmp_path, spec)).rows[0].split == "by_pool"


def test_rows_must_add_up_to_total(tmp_path):
    message = error_of(tmp_path, base_spec(total_tokens=2000))
    assert "'total_tokens'" in message and "1,000" in message


def test_duplicate_row_id(tmp_path):
    spec = base_spec()
    spec["rows"][1]["id"] = "th-web"
    assert "rows[1] (id 'th-web'): field 'id': duplicate of rows[0]" in error_of(tmp_path, spec)


def test_code_pseudo_language(tmp_path):
    spec = base_spec()
    spec["rows"][0]["language"] = "code"
    assert load_mix_spec(write_spec(tmp_path, spec)).rows[0].languages == (CODE,)


def gap_spec() -> dict:
    """The published ZH problem in miniature: ZH rows 63 of 100 tokens, ZH group 90%."""
    return {
        "name": "gap", "tokenizer": "gemma3", "total_tokens": 1000, "seed": 1, "max_epochs": 4,
        "shard": {"max_tokens": 100},
        "groups": {"ZH": {"percent": 90}, "EN": {"percent": 10}},
        "rows": [
            {"id": "zh-a", "group": "ZH", "language": "zh", "source": "a", "tokens": 270, "percent": 27},
            {"id": "zh-b", "group": "ZH", "language": "zh", "source": "b", "tokens": 270, "percent": 27},
            {"id": "zh-c", "group": "ZH", "language": "zh", "source": "c", "tokens": 90, "percent": 9},
            {"id": "en", "group": "EN", "language": "en", "source": "a", "tokens": 100, "percent": 10},
        ],
    }


def test_group_gap_is_an_error_naming_the_group(tmp_path):
    message = error_of(tmp_path, gap_spec())
    assert "groups.ZH" in message and "630 tokens" in message and "900 tokens" in message
    assert "resolution" in message


def test_group_gap_scale_rows_to_group(tmp_path):
    spec = gap_spec()
    spec["resolution"] = {"ZH": {"policy": "scale_rows_to_group", "note": "trust the group total"}}
    loaded = load_mix_spec(write_spec(tmp_path, spec))
    zh = [r.tokens for r in loaded.rows if r.group == "ZH"]
    assert sum(zh) == 900 and zh == [386, 386, 128]  # 3:3:1 by largest remainder
    assert [r.declared_tokens for r in loaded.rows if r.group == "ZH"] == [270, 270, 90]
    assert loaded.row_tokens == 1000


def test_group_gap_keep_rows_accepts_smaller_total(tmp_path):
    spec = gap_spec()
    spec["resolution"] = {"ZH": {"policy": "keep_rows", "note": "trust the rows"}}
    loaded = load_mix_spec(write_spec(tmp_path, spec))
    assert loaded.row_tokens == 730
    assert loaded.resolutions["ZH"].note == "trust the rows"


def test_resolution_needs_a_note_and_a_gap(tmp_path):
    spec = gap_spec()
    spec["resolution"] = {"ZH": {"policy": "keep_rows"}}
    assert "resolution.ZH" in error_of(tmp_path, spec) and "'note'" in error_of(tmp_path, spec)
    spec["resolution"] = {"EN": {"policy": "keep_rows", "note": "x"}}
    assert "groups.ZH" in error_of(tmp_path, spec)
    spec["groups"]["ZH"] = {"percent": 63}
    assert "resolution.EN" in error_of(tmp_path, spec) and "no gap" in error_of(tmp_path, spec)


def test_published_table_zh_gap_is_detected(tmp_path):
    if not REFERENCE_CSV.exists():
        pytest.skip(f"reference table absent: {REFERENCE_CSV}")
    with open(REFERENCE_CSV, newline="") as handle:
        table = list(csv.DictReader(handle))
    groups, rows = {}, []
    for i, rec in enumerate(table):
        group = "ALL_LANG" if rec["source"] == "ALL_LANG" else rec["group"]
        groups[group] = {"percent": float(rec["group_percent_of_mix"])}
        row = {"id": f"r{i}", "group": group, "source": rec["source"],
               "tokens": f"{rec['tokens_billion']}e9", "percent": float(rec["percent_of_mix"])}
        if group == "ALL_LANG":
            row.update(languages=["tl", "ta", "ms", "km", "lo", "my"], source="*", split="by_pool")
        else:
            row["language"] = CODE if group == "CODE" else group
        rows.append(row)
    spec = {"name": "published", "tokenizer": "gemma3", "total_tokens": "500e9", "seed": 1, "max_epochs": 4,
            "shard": {"max_tokens": 100_000_000}, "groups": groups, "rows": rows}
    message = error_of(tmp_path, spec)
    assert "groups.ZH" in message and "31,500,000,000" in message and "45,000,000,000" in message


def test_shipped_specs_load():
    gemma = load_mix_spec(REPO / "mixes" / "gemma-sea-lion-v4.yaml")
    assert gemma.total_tokens == 500_000_000_000
    assert gemma.resolutions["ZH"].policy == "scale_rows_to_group" and gemma.resolutions["ZH"].note
    assert sum(r.tokens for r in gemma.rows if r.group == "ZH") == 45_000_000_000
    assert abs(gemma.row_tokens - gemma.total_tokens) <= gemma.total_tokens * 1e-4
    qwen = load_mix_spec(REPO / "mixes" / "qwen-sea-lion-v4.yaml")
    assert qwen.tokenizer == "qwen3" and qwen.row_tokens == 100_000_000_000
    assert {lang for r in qwen.rows for lang in r.languages} == {
        "mya_Mymr", "ind_Latn", "zsm_Latn", "fil_Latn", "tam_Taml", "tha_Thai", "vie_Latn"}


def pool_of(languages: list[str], mix_sources: list[str]) -> pa.Table:
    n = len(languages)
    return pa.table({"language": languages, "source": ["w"] * n, "mix_source": mix_sources,
                     "docs": [1] * n, "bytes": [1] * n, "tokens_gemma3": [10] * n})


def test_validate_against_pool_names_the_row(tmp_path):
    spec = load_mix_spec(write_spec(tmp_path, base_spec()))
    validate_against_pool(spec, pool_of(["tha_Thai", "vie_Latn"], ["web", "web"]))
    with pytest.raises(MixSpecError, match=r"rows\[0\] \(id 'th-web'\): field 'source': 'web'"):
        validate_against_pool(spec, pool_of(["tha_Thai", "vie_Latn"], ["other", "webx"]))
    with pytest.raises(MixSpecError, match=r"rows\[1\] \(id 'vi-web'\): field 'language': 'vie_Latn'"):
        validate_against_pool(spec, pool_of(["tha_Thai"], ["web"]))
