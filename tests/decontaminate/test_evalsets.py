"""The eval-set registry: the shipped SEA-HELM file, field paths into nested rows, JSONL and Parquet
files, and clear errors for bad entries and rows."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from decontam_data import write_jsonl

from pipelines.config_file import ConfigError
from pipelines.decontaminate.evalsets import EvalSet, evalset_texts, load_evalsets

ROOT = Path(__file__).resolve().parents[2]


def _registry(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "evalsets.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_sea_helm_registry_loads_with_hub_paths_and_eleven_languages():
    evalsets = load_evalsets(ROOT / "evalsets" / "sea-helm.yaml")
    assert len(evalsets) > 80
    assert all(p.startswith("hf://datasets/aisingapore/") for e in evalsets for p in e.paths)
    names = {e.name for e in evalsets}
    assert {"belebele-qa-mc", "translation-en-xx", "translation-xx-en", "if-eval", "mt-bench", "causal", "nli",
            "qa", "sentiment", "toxicity", "kalahi-mc", "abssum", "metaphor"} <= names
    languages = {e.language for e in evalsets} | {lang for e in evalsets for lang in e.field_languages.values()}
    assert len(languages) == 11
    xx_en = next(e for e in evalsets if e.name == "translation-xx-en" and e.language == "tha_Thai")
    assert xx_en.language_of("label") == "eng_Latn" and xx_en.language_of("prompts.text") == "tha_Thai"


def test_relative_paths_resolve_against_the_registry_folder(tmp_path):
    path = _registry(tmp_path, "evalsets:\n  - {name: b1, paths: [data/x.jsonl], fields: [q], language: th}\n")
    [evalset] = load_evalsets(path)
    assert evalset.paths == (str(tmp_path / "data" / "x.jsonl"),) and evalset.language == "tha_Thai"


@pytest.mark.parametrize(
    "entry, message",
    [
        ("{name: b1, paths: [x.jsonl], fields: [q], language: xx}", "unknown language"),
        ("{name: b1, paths: [x.jsonl], fields: [q], language: en, colour: red}", r"evalsets\[0\] \(name 'b1'\): field 'colour': unknown field"),
        ("{name: ../up, paths: [x.jsonl], fields: [q], language: en}", "not a valid name"),
        ("{name: b1, paths: [], fields: [q], language: en}", r"evalsets\[0\] \(name 'b1'\): field 'paths'"),
        ("{name: b1, paths: [x.jsonl], fields: [q], language: en, field_languages: {a: th}}", "not in fields"),
    ],
)
def test_bad_entries_name_the_field(tmp_path, entry, message):
    with pytest.raises(ConfigError, match=message):
        load_evalsets(_registry(tmp_path, f"evalsets:\n  - {entry}\n"))


def test_the_same_benchmark_and_paths_twice_is_an_error(tmp_path):
    entry = "  - {name: b1, paths: [x.jsonl], fields: [q], language: en}\n"
    with pytest.raises(ConfigError, match="listed twice"):
        load_evalsets(_registry(tmp_path, "evalsets:\n" + entry + entry))


def test_nested_and_list_fields_give_one_text_each(tmp_path):
    rows = [{"prompts": [{"text": "first turn", "question": "q1"}, {"text": "second turn"}], "label": "A",
             "choices": ["yes", "no"]}]
    evalset = EvalSet(name="b", paths=(str(write_jsonl(rows, tmp_path / "e.jsonl")),),
                      fields=("prompts.text", "prompts.question", "choices", "label"), language="en")
    texts = [(t.field, t.text, t.item_id) for t in evalset_texts(evalset)]
    assert texts == [("prompts.text", "first turn", "0"), ("prompts.text", "second turn", "0"),
                     ("prompts.question", "q1", "0"), ("choices", "yes", "0"), ("choices", "no", "0"), ("label", "A", "0")]


def test_parquet_files_and_id_field(tmp_path):
    path = tmp_path / "e.parquet"
    pq.write_table(pa.table({"uid": ["a1", "a2"], "passage": ["one two", "three four"]}), path)
    evalset = EvalSet(name="b", paths=(str(tmp_path / "*.parquet"),), fields=("passage",), language="vi", id_field="uid")
    assert [(t.item_id, t.text, t.language) for t in evalset_texts(evalset)] == [
        ("a1", "one two", "vie_Latn"), ("a2", "three four", "vie_Latn")]


def test_malformed_line_names_file_and_line(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text('{"q": "fine"}\n{"q": broken\n', encoding="utf-8")
    evalset = EvalSet(name="b", paths=(str(path),), fields=("q",), language="en")
    with pytest.raises(ValueError, match=r"e\.jsonl: line 2: not valid JSON"):
        list(evalset_texts(evalset))


def test_field_in_no_row_is_an_error_and_missing_file_too(tmp_path):
    evalset = EvalSet(name="b", paths=(str(write_jsonl([{"q": "x"}], tmp_path / "e.jsonl")),), fields=("question",),
                      language="en")
    with pytest.raises(ValueError, match=r"field\(s\) \['question'\] found in no row"):
        list(evalset_texts(evalset))
    with pytest.raises(FileNotFoundError, match="no file at"):
        list(evalset_texts(evalset.model_copy(update={"paths": (str(tmp_path / "none*.jsonl"),)})))
