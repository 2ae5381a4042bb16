"""Planner: exact integer quotas, epochs, feasibility, splits of multi-cell rows."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from pipelines.mix.plan import InfeasiblePlanError, plan_mix
from pipelines.mix.quotas import largest_remainder
from pipelines.mix.spec import MixSpecError, load_mix_spec

REPO = Path(__file__).resolve().parents[2]
ALL_LANG = ["fil_Latn", "tam_Taml", "zsm_Latn", "khm_Khmr", "lao_Laoo", "mya_Mymr"]


def synthetic_pool(spec, rng: random.Random, tokenizer: str = "gemma3") -> pa.Table:
    """A pool shaped like the real inventory: every spec cell present with 0.3x-5x its
    target (skewed), the six ALL_LANG languages over three sources with very unequal sizes."""
    records = []
    for row in spec.rows:
        if row.id == "all-lang":
            continue
        tokens = int(row.tokens * rng.choice([0.3, 0.5, 1.2, 2.0, 5.0]))
        records.append((row.languages[0], row.sources[0], tokens))
    sizes = {"fil_Latn": 40e9, "tam_Taml": 30e9, "zsm_Latn": 25e9, "khm_Khmr": 6e9, "lao_Laoo": 1.5e9, "mya_Mymr": 9e9}
    for lang, size in sizes.items():
        for source, share in (("SEA-LION Pile v2", 0.6), ("Fineweb2", 0.35), ("Non-CC-SEA", 0.05)):
            records.append((lang, source, int(size * share)))
    return pa.table({
        "language": [r[0] for r in records],
        "source": [f"registry-{i}" for i in range(len(records))],
        "mix_source": [r[1] for r in records],
        "docs": [r[2] // 1500 for r in records],
        "bytes": [r[2] * 3 for r in records],
        f"tokens_{tokenizer}": [r[2] for r in records],
    })


def small_spec(tmp_path: Path, rows: list[dict], total: int, max_epochs: float = 2) -> object:
    path = tmp_path / "mix.yaml"
    path.write_text(yaml.safe_dump({"name": "t", "tokenizer": "gemma3", "total_tokens": total, "seed": 3,
                                    "max_epochs": max_epochs, "shard": {"max_tokens": 1000}, "rows": rows}))
    return load_mix_spec(path)


def small_pool(cells: list[tuple[str, str, int, int]]) -> pa.Table:
    return pa.table({"language": [c[0] for c in cells], "source": [c[1] for c in cells],
                     "mix_source": [c[1] for c in cells], "docs": [c[3] for c in cells],
                     "bytes": [c[2] for c in cells], "tokens_gemma3": [c[2] for c in cells]})


def test_largest_remainder_is_exact_and_stable():
    assert largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    assert largest_remainder(7, [0.5, 0.3, 0.2]) == [4, 2, 1]
    assert largest_remainder(5, [0, 0]) == [3, 2]
    assert largest_remainder(0, [3, 4]) == [0, 0]
    quotas = largest_remainder(77_500_000_000, [12, 7, 5, 3, 1, 1])
    assert sum(quotas) == 77_500_000_000
    assert max(abs(q - 77_500_000_000 * w / 29) for q, w in zip(quotas, [12, 7, 5, 3, 1, 1])) < 1


def test_gemma_500b_plan_sums_exactly_to_the_targets():
    spec = load_mix_spec(REPO / "mixes" / "gemma-sea-lion-v4.yaml")
    pool = synthetic_pool(spec, random.Random(0))
    assert 0.5e12 < sum(pool.column("tokens_gemma3").to_pylist()) < 2e12
    plan = plan_mix(spec, pool)
    targets = plan.column("target_tokens").to_pylist()
    assert sum(targets) == spec.row_tokens
    for row in spec.rows:
        cells = plan.filter(pa.compute.equal(plan.column("row_id"), row.id))
        assert sum(cells.column("target_tokens").to_pylist()) == row.tokens
    assert all(plan.column("feasible").to_pylist())
    for rec in plan.to_pylist():
        assert rec["full_epochs"] * rec["available_tokens"] + rec["remainder_tokens"] == rec["target_tokens"]
        assert 0 <= rec["remainder_tokens"] < rec["available_tokens"]
    all_lang = [r for r in plan.to_pylist() if r["row_id"] == "all-lang"]
    assert len(all_lang) == 18 and {r["language"] for r in all_lang} == set(ALL_LANG)
    pool_sum = sum(r["available_tokens"] for r in all_lang)
    for r in all_lang:  # by_pool: proportional to the available tokens, off by less than one token
        assert abs(r["target_tokens"] - 77_500_000_000 * r["available_tokens"] / pool_sum) < 1
    assert abs(sum(plan.column("fraction").to_pylist()) - 1.0) < 1e-9


def test_row_needing_repetition_gets_full_epochs_and_remainder(tmp_path):
    spec = small_spec(tmp_path, [{"id": "lo", "language": "lo", "source": "web", "tokens": 250}], total=250, max_epochs=3)
    plan = plan_mix(spec, small_pool([("lao_Laoo", "web", 100, 4)])).to_pylist()
    assert (plan[0]["full_epochs"], plan[0]["remainder_tokens"], plan[0]["epochs"]) == (2, 50, 2.5)


def test_infeasible_rows_raise_with_missing_tokens(tmp_path):
    rows = [{"id": "lo", "language": "lo", "source": "web", "tokens": 500},
            {"id": "km", "language": "km", "source": "web", "tokens": 300},
            {"id": "th", "language": "th", "source": "web", "tokens": 200}]
    spec = small_spec(tmp_path, rows, total=1000, max_epochs=2)
    pool = small_pool([("lao_Laoo", "web", 100, 4), ("khm_Khmr", "web", 150, 2), ("tha_Thai", "web", 1000, 9),
                       ("khm_Khmr", "other", 999, 9)])
    with pytest.raises(InfeasiblePlanError) as info:
        plan_mix(spec, pool)
    message = str(info.value)
    assert "lo [lao_Laoo / web]" in message and "missing 300 tokens" in message
    assert "1 infeasible cell(s)" in message  # km needs exactly 2 epochs: allowed
    assert info.value.plan.num_rows == 3
    plan = plan_mix(spec, pool, allow_infeasible=True)
    assert plan.column("feasible").to_pylist() == [False, True, True]
    assert plan.column("missing_tokens").to_pylist() == [300, 0, 0]


def test_cell_without_data_is_infeasible(tmp_path):
    rows = [{"id": "sea", "languages": ["lo", "km"], "source": "web", "split": "by_pool", "tokens": 100},
            {"id": "th", "language": "th", "source": "web", "tokens": 100}]
    spec = small_spec(tmp_path, rows, total=200)
    pool = small_pool([("lao_Laoo", "other", 100, 4), ("khm_Khmr", "other", 150, 2), ("tha_Thai", "web", 1000, 9)])
    with pytest.raises(InfeasiblePlanError, match="sea \\[lao_Laoo / web\\].*no data.*missing 50 tokens"):
        plan_mix(spec, pool)


def test_explicit_weights_then_pool_inside_each_language(tmp_path):
    rows = [{"id": "sea", "languages": ["th", "vi"], "source": "*", "tokens": 1001,
             "weights": {"th": 0.3, "vi": 0.7}}]
    spec = small_spec(tmp_path, rows, total=1001)
    pool = small_pool([("tha_Thai", "a", 300, 3), ("tha_Thai", "b", 600, 3), ("vie_Latn", "a", 2000, 9)])
    plan = plan_mix(spec, pool).to_pylist()
    assert [(r["language"], r["mix_source"], r["target_tokens"]) for r in plan] == [
        ("tha_Thai", "a", 100), ("tha_Thai", "b", 200), ("vie_Latn", "a", 701)]


def test_overlapping_rows_are_rejected(tmp_path):
    rows = [{"id": "th-all", "language": "th", "source": "*", "split": "by_pool", "tokens": 50},
            {"id": "th-a", "language": "th", "source": "a", "tokens": 50}]
    spec = small_spec(tmp_path, rows, total=100)
    with pytest.raises(MixSpecError, match=r"rows\[1\] \(id 'th-a'\).*also drawn by row 'th-all'"):
        plan_mix(spec, small_pool([("tha_Thai", "a", 300, 3)]))
