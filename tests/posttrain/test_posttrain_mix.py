"""Post-training mix: spec validation, the shared planner over language x category x source,
the tokens stage, exact and deterministic sampling into TRL-ready shards, manifest and report."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.config_file import ConfigError
from pipelines.mix.plan import InfeasiblePlanError, plan_mix
from pipelines.posttrain.mix_stages import (
    mix_stage,
    plan_stage,
    pool_stage,
    report_stage,
    shard_dir,
)
from pipelines.posttrain.schema import make_message, rows_to_table
from pipelines.posttrain.spec import DIMENSIONS, load_posttrain_spec
from pipelines.posttrain.template_tokens import TemplateCounter
from pipelines.posttrain.tokens_task import run_posttrain_tokens
from pipelines.storage.layout import DataLayout
from pipelines.tokens.registry import TokenizerNotFoundError

TOOLS = json.dumps([{"type": "function", "function": {"name": "lookup", "parameters": {
    "type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}}}])


def _spec(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BASE = """
name: t
tokenizer: qwen3
unit: conversations
seed: 5
max_epochs: 2
"""


def test_spec_errors_name_the_file_row_and_field(tmp_path):
    cases = {
        "total: 3\nrows:\n  - {id: a, language: id, category: general, source: s, target: 2}\n": "rows add up to 2",
        "total: 2\nrows:\n  - {id: a, languages: [id, ms], category: general, source: s, target: 2}\n": "split: by_pool",
        "total: 2\nrows:\n  - {id: a, language: xx-none, category: general, source: s, target: 2}\n": "rows[0] (id 'a'): field 'languages'",
        "total: 2\nrows:\n  - {id: a, language: id, category: general, source: s, target: 2, colour: red}\n": "colour",
        "total: 4\nrows:\n  - {id: a, language: id, category: general, source: s, target: 2}\n"
        "  - {id: a, language: ms, category: general, source: s, target: 2}\n": "duplicate id 'a'",
        "total: 2\nrows:\n  - {id: a, languages: [id, ms], category: general, source: s, target: 2, split: weights,"
        " weights: {id: 0.5, th: 0.5}}\n": "exactly the row's languages",
    }
    for i, (rows, expected) in enumerate(cases.items()):
        path = _spec(tmp_path, BASE + rows, f"bad{i}.yaml")
        with pytest.raises(ConfigError) as caught:
            load_posttrain_spec(path)
        assert str(path) in str(caught.value) and expected in str(caught.value), str(caught.value)


def test_spec_normalises_languages_and_categories(tmp_path):
    spec = load_posttrain_spec(_spec(tmp_path, BASE + "total: 2\nrows:\n  - {id: a, language: id, category: Function_Calling,"
                                                      " source: s, target: 2}\n"))
    assert spec.rows[0].languages == ("ind_Latn",) and spec.rows[0].categories == ("tool-calling",)
    assert spec.token_column == "docs" and spec.sha256


def _pool(rows: list[tuple[str, str, str, int, int]]) -> pa.Table:
    return pa.table({
        "language": [r[0] for r in rows], "category": [r[1] for r in rows], "source": [r[2] for r in rows],
        "mix_source": [r[2] for r in rows], "docs": [r[3] for r in rows], "trainable_tokens_qwen3": [r[4] for r in rows],
    })


def test_planner_expands_categories_and_sources_and_splits_by_pool(tmp_path):
    spec = load_posttrain_spec(_spec(tmp_path, BASE + """total: 10
rows:
  - {id: all, languages: [id, th], categories: ["*"], source: "*", split: by_pool, target: 10}
"""))
    pool = _pool([("ind_Latn", "general", "a", 3, 30), ("ind_Latn", "math", "a", 1, 10),
                  ("ind_Latn", "math", "b", 2, 20), ("tha_Thai", "general", "a", 4, 40)])
    plan = plan_mix(spec, pool, dimensions=DIMENSIONS)
    cells = [(r["language"], r["category"], r["mix_source"], r["target_tokens"]) for r in plan.to_pylist()]
    assert cells == [("ind_Latn", "general", "a", 3), ("ind_Latn", "math", "a", 1), ("ind_Latn", "math", "b", 2),
                     ("tha_Thai", "general", "a", 4)]
    assert set(plan.column("unit").to_pylist()) == {"docs"}


def test_planner_infeasible_cells_are_an_error_in_the_specs_unit(tmp_path):
    spec = load_posttrain_spec(_spec(tmp_path, BASE + """total: 9
rows:
  - {id: few, language: id, category: math, source: a, target: 9}
"""))
    with pytest.raises(InfeasiblePlanError, match=r"few \[ind_Latn / math / a\].*missing 5 conversations"):
        plan_mix(spec, _pool([("ind_Latn", "math", "a", 2, 10)]), dimensions=DIMENSIONS)


def _conversation(i: int, language: str, category: str, tools: bool = False, long: bool = False) -> dict:
    question = {"ind_Latn": "Apa kabar hari ini", "tha_Thai": "วันนี้เป็นอย่างไร"}[language] + f" {i}?"
    answer = ("Baik sekali. " * (300 if long else 1 + i % 3)) if language == "ind_Latn" else "สบายดีครับ " * (1 + i % 3)
    messages = [make_message("system", "Jawab singkat."), make_message("user", question)]
    if tools:
        call = {"id": f"c{i}", "name": "lookup", "arguments": json.dumps({"q": question})}
        messages += [make_message("assistant", None, tool_calls=[call]),
                     make_message("tool", '{"ok": true}', tool_call_id=f"c{i}")]
    messages.append(make_message("assistant", answer, reasoning="pikir" if i % 2 else None))
    return {"id": f"src/{language}-{category}-{i}", "source": "src", "source_file": "f.jsonl", "messages": messages,
            "tools": TOOLS if tools else None, "category": category, "language": language,
            "languages": [language] * len(messages), "metadata": None}


@pytest.fixture(scope="module")
def curated(tmp_path_factory):
    """A data root with curated conversations (checked parts and the ids dedup kept, as the curation
    stages leave them) and their template tokens."""
    try:
        TemplateCounter("qwen3")
    except TokenizerNotFoundError as exc:
        pytest.skip(f"qwen3 tokenizer not available: {exc}")
    root = tmp_path_factory.mktemp("root")
    rows = ([_conversation(i, "ind_Latn", "general") for i in range(6)]
            + [_conversation(i, "tha_Thai", "general") for i in range(4)]
            + [_conversation(i, "ind_Latn", "tool-calling", tools=True) for i in range(3)]
            + [_conversation(99, "ind_Latn", "general", long=True)])
    layout = DataLayout.at(str(root))
    part = Path(layout.posttrain_dir("checks")) / "src" / "part-00000.parquet"
    part.parent.mkdir(parents=True)
    pq.write_table(rows_to_table(rows), part)
    kept = Path(layout.posttrain_curated_dir) / "src" / "part-00000.parquet"
    kept.parent.mkdir(parents=True)
    pq.write_table(pa.table({"id": [r["id"] for r in rows], "language": [r["language"] for r in rows],
                             "minhash_cluster_size": pa.array([1] * len(rows), pa.int64())}), kept)
    outcome = run_posttrain_tokens(str(root), ["qwen3"])
    assert outcome.docs_out == len(rows)
    sources = root / "sources.yaml"
    sources.write_text(f"sources:\n  - {{name: src, kind: chat, paths: [{part}], mix_source: SRC}}\n", encoding="utf-8")
    return layout, str(sources)


def _run(layout, sources, spec_path):
    spec = load_posttrain_spec(spec_path)
    pool = pool_stage(layout, spec, sources)
    plan_stage(layout, spec)
    manifest = mix_stage(layout, spec, sources)
    return spec, pool, manifest, report_stage(layout, spec)


def test_mix_is_exact_deterministic_and_trl_ready(curated, tmp_path):
    layout, sources = curated
    spec_path = _spec(tmp_path, BASE + """max_length: 1000
shard: {max_rows: 7}
total: 20
rows:
  - {id: id-general, language: id, category: general, source: SRC, target: 8}
  - {id: th-general, language: th, category: general, source: SRC, target: 6}
  - {id: tools, language: id, category: tool-calling, source: SRC, target: 6}
""")
    spec, pool, manifest, report = _run(layout, sources, spec_path)
    by_cell = {(r["language"], r["category"]): r for r in pool.to_pylist()}
    assert by_cell[("ind_Latn", "general")]["docs"] == 6 and by_cell[("ind_Latn", "general")]["over_max_length"] == 1
    assert [r["achieved"] for r in manifest["rows"]] == [8, 6, 6]
    assert manifest["totals"]["conversations"] == 20 and manifest["totals"]["shards"] == 3
    assert all(report.column("within_tolerance").to_pylist())
    first = [s["sha256"] for s in manifest["shards"]]
    assert [s["sha256"] for s in mix_stage(layout, spec, sources)["shards"]] == first

    counter = TemplateCounter("qwen3")
    rows = [r for s in manifest["shards"] for r in pq.read_table(Path(shard_dir(layout, spec)) / s["file"]).to_pylist()]
    assert len(rows) == 20 and len({(r["id"], r["epoch"]) for r in rows}) == 20
    assert max(r["epoch"] for r in rows if r["row_id"] == "tools") == 1  # 3 conversations, 6 wanted: two copies each
    for row in rows:  # what a trainer reads renders to the counted tokens
        messages = [{k: v for k, v in m.items() if v is not None} for m in row["messages"]]
        tools = json.loads(row["tools"]) if row["tools"] else None
        counts = counter.count(messages, tools)
        assert (counts.total, counts.trainable) == (row["tokens_qwen3"], row["trainable_tokens_qwen3"])
        assert row["tokens_qwen3"] <= 1000


def test_trainable_token_targets_and_jsonl_shards(curated, tmp_path):
    layout, sources = curated
    spec_path = _spec(tmp_path, """name: t-tokens
tokenizer: qwen3
unit: trainable_tokens
seed: 9
max_epochs: 3
total: 300
shard: {max_rows: 100, format: jsonl}
rows:
  - {id: sea, languages: [id, th], category: general, source: "*", split: weights, weights: {id: 0.5, th: 0.5}, target: 300}
""")
    spec, pool, manifest, report = _run(layout, sources, spec_path)
    cells = manifest["cells"]
    assert [c["target"] for c in cells] == [150, 150]
    for cell in cells:
        assert abs(cell["achieved"] - cell["target"]) <= cell["max_unit"]
    lines = (Path(shard_dir(layout, spec)) / "shard-00000.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert sum(r["trainable_tokens_qwen3"] for r in records) == manifest["totals"]["trainable_tokens"]
    assert all(isinstance(r["messages"], list) and "reasoning" not in r["messages"][-1] for r in records)
    assert all(report.column("within_tolerance").to_pylist())


def test_stale_plan_is_refused(curated, tmp_path):
    layout, sources = curated
    spec = load_posttrain_spec(_spec(tmp_path, BASE + "total: 2\nrows:\n  - {id: a, language: th, category: general,"
                                                      " source: SRC, target: 2}\n"))
    pool_stage(layout, spec, sources)
    plan = plan_stage(layout, spec)
    doctored = plan.set_column(plan.column_names.index("docs_available"), "docs_available",
                               pa.array([99], pa.int64()))
    pq.write_table(doctored, Path(layout.path("posttrain", "mixes", "t")) / "plan.parquet")
    with pytest.raises(ValueError, match="stale plan"):
        mix_stage(layout, spec, sources)


def test_shipped_specs_carry_the_model_card_numbers():
    mixes = Path(__file__).resolve().parents[2] / "mixes"
    apertus = load_posttrain_spec(mixes / "apertus-sea-lion-v4-sft.yaml")
    assert apertus.total == 8_540_000 and {r.id: r.target for r in apertus.rows}["tool-calling"] == 347_000
    assert set(apertus.rows[0].languages) == {"eng_Latn", "mya_Mymr", "fil_Latn", "zsm_Latn", "tam_Taml"}
    gemma = load_posttrain_spec(mixes / "gemma-sea-lion-v4.5-sft.yaml")
    assert set(gemma.rows[0].languages) == {"eng_Latn", "mya_Mymr", "ind_Latn", "fil_Latn", "zsm_Latn", "tam_Taml",
                                            "tha_Thai", "vie_Latn"}
    assert {s for r in gemma.rows for s in r.sources} == {"SEA-Instruct-2602"}
    assert load_posttrain_spec(mixes / "posttrain-demo.yaml").tokenizer == "qwen3"


def test_cli_mix_and_report_print_the_summary(curated, tmp_path, capsys):
    from pipelines.cli import main

    layout, sources = curated
    spec_path = _spec(tmp_path, BASE.replace("name: t", "name: t-cli") + "total: 4\nrows:\n"
                      "  - {id: th, language: th, category: general, source: SRC, target: 4}\n")
    assert main(["posttrain", "mix", "--data-root", layout.root, "--sources", sources, "--mix", str(spec_path)]) == 0
    out = capsys.readouterr().out
    assert "post-training mix 't-cli': 4 conversations" in out and "th " in out
    assert main(["posttrain", "report", "--data-root", layout.root, "--mix", str(spec_path)]) == 0
    assert main(["sql", "--data-root", layout.root, "SELECT sum(achieved) AS n FROM posttrain_report WHERE mix = 't-cli'"]) == 0
    assert capsys.readouterr().out.strip().endswith("4")
