"""Sampler: token-exact cells, spread repetitions, determinism, shard bounds, atomic output."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
import yaml

from pipelines.mix.manifest import achieved_vs_target
from pipelines.mix.plan import InfeasiblePlanError, plan_mix
from pipelines.mix.sample import SampleInputError, sample_mix
from pipelines.mix.spec import load_mix_spec

SOURCE_TO_MIX = {"pile2-th": "SEA-LION Pile v2", "fw2-th": "Fineweb2", "pile2-vi": "SEA-LION Pile v2",
                 "lao-web": "Non-CC-SEA", "khm-web": "Non-CC-SEA"}
# (language, registry source, number of documents)
CORPUS = [("tha_Thai", "pile2-th", 220), ("tha_Thai", "fw2-th", 60), ("vie_Latn", "pile2-vi", 200),
          ("lao_Laoo", "lao-web", 40), ("khm_Khmr", "khm-web", 30), ("other", "pile2-th", 20)]


def write_corpus(folder: Path) -> list[str]:
    """Documents with skewed token counts (mostly short, a few long) over three files."""
    rng = random.Random(42)
    records = []
    for lang, source, n in CORPUS:
        for i in range(n):
            tokens = int(rng.paretovariate(1.3) * 40)
            records.append({"id": f"{source}/{lang}/{i}", "text": f"{lang} {i} " + "w" * tokens,
                            "url": f"https://example.org/{source}/{i}", "source": source, "language": lang,
                            "minhash_cluster_size": 1, "tokens_gemma3": tokens})
    rng.shuffle(records)
    paths = []
    for part in range(3):
        path = folder / f"docs-{part}.parquet"
        pq.write_table(pa.Table.from_pylist(records[part::3]), path)
        paths.append(str(path))
    return paths


def pool_of(paths: list[str]) -> pa.Table:
    """Pool statistics as the pool stage gives them: one row per (language, source)."""
    docs = pa.concat_tables(pq.read_table(p) for p in paths)
    grouped = docs.group_by(["language", "source"]).aggregate(
        [("id", "count"), ("tokens_gemma3", "sum"), ("text", "count")])
    return pa.table({
        "language": grouped.column("language"), "source": grouped.column("source"),
        "mix_source": [SOURCE_TO_MIX[s] for s in grouped.column("source").to_pylist()],
        "docs": grouped.column("id_count"), "bytes": grouped.column("text_count"),
        "tokens_gemma3": grouped.column("tokens_gemma3_sum"),
    })


def available(pool: pa.Table, language: str, mix_source: str) -> int:
    mask = pc.and_(pc.equal(pool.column("language"), language), pc.equal(pool.column("mix_source"), mix_source))
    return pc.sum(pool.filter(mask).column("tokens_gemma3")).as_py()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[list[str], pa.Table]:
    paths = write_corpus(tmp_path_factory.mktemp("docs"))
    return paths, pool_of(paths)


def make_spec(folder: Path, pool: pa.Table, seed: int = 1234, shard: dict | None = None):
    rows = [
        {"id": "th-pile-v2", "language": "th", "source": "SEA-LION Pile v2",
         "tokens": int(available(pool, "tha_Thai", "SEA-LION Pile v2") * 0.6)},
        {"id": "th-fineweb2", "language": "th", "source": "Fineweb2",
         "tokens": int(available(pool, "tha_Thai", "Fineweb2") * 1.5)},
        {"id": "vi-pile-v2", "language": "vi", "source": "SEA-LION Pile v2",
         "tokens": int(available(pool, "vie_Latn", "SEA-LION Pile v2") * 0.4)},
        {"id": "lo-km", "languages": ["lo", "km"], "source": "*", "split": "by_pool",
         "tokens": int((available(pool, "lao_Laoo", "Non-CC-SEA") + available(pool, "khm_Khmr", "Non-CC-SEA")) * 2.7)},
    ]
    spec = {"name": "test-mix", "tokenizer": "gemma3", "total_tokens": sum(r["tokens"] for r in rows),
            "seed": seed, "max_epochs": 3, "shard": shard or {"max_tokens": 5000, "row_group_rows": 64}, "rows": rows}
    path = folder / f"mix-{seed}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return load_mix_spec(path)


def run(tmp_path: Path, corpus, name: str, batch_rows: int = 2048, **spec_args) -> tuple[dict, Path]:
    paths, pool = corpus
    spec = make_spec(tmp_path, pool, **spec_args)
    out = tmp_path / name
    manifest = sample_mix(spec, plan_mix(spec, pool), paths, SOURCE_TO_MIX, str(out), str(tmp_path / f"work-{name}"),
                          batch_rows=batch_rows)
    return manifest, out


def read_shards(out: Path, manifest: dict) -> pa.Table:
    return pa.concat_tables(pq.read_table(out / s["file"]) for s in manifest["shards"])


def test_cells_hit_their_targets_within_tolerance(tmp_path, corpus):
    manifest, out = run(tmp_path, corpus, "out")
    report = achieved_vs_target(manifest)
    assert {r["row_id"] for r in report} == {"th-pile-v2", "th-fineweb2", "vi-pile-v2", "lo-km"}
    assert all(r["within_tolerance"] for r in report), report
    rows = read_shards(out, manifest)
    assert pc.sum(rows.column("tokens_gemma3")).as_py() == manifest["totals"]["tokens"]
    for cell in manifest["cells"]:
        mask = pc.and_(pc.equal(rows.column("row_id"), cell["row_id"]), pc.equal(rows.column("language"), cell["language"]))
        assert pc.sum(rows.filter(mask).column("tokens_gemma3")).as_py() == cell["achieved_tokens"]
    assert "other" not in set(rows.column("language").to_pylist())
    assert rows.schema.names == ["id", "text", "language", "source", "mix_source", "row_id", "epoch", "url", "tokens_gemma3"]


def test_repetitions_are_whole_documents_spread_apart(tmp_path, corpus):
    manifest, out = run(tmp_path, corpus, "out")
    rows = read_shards(out, manifest).select(["id", "row_id", "epoch"]).to_pylist()
    positions: dict[str, list[int]] = {}
    for pos, row in enumerate(rows):
        positions.setdefault(row["id"], []).append(pos)
        assert row["epoch"] == len(positions[row["id"]]) - 1  # epochs numbered in stream order
    fw2 = {r["id"] for r in rows if r["row_id"] == "th-fineweb2"}
    assert len(fw2) == 60  # 1.5 epochs: every document at least once ...
    assert {len(positions[i]) for i in fw2} == {1, 2}  # ... half of them (by tokens) twice
    assert {len(positions[r["id"]]) for r in rows if r["row_id"] == "lo-km"} == {2, 3}
    for pos in positions.values():
        assert all(b - a > 1 for a, b in zip(pos, pos[1:])), pos


def test_shards_respect_bounds_and_only_final_files_remain(tmp_path, corpus):
    manifest, out = run(tmp_path, corpus, "out", shard={"max_tokens": 3000, "max_bytes": 2500, "row_group_rows": 50})
    assert len(manifest["shards"]) > 3
    for shard in manifest["shards"]:
        table = pq.read_table(out / shard["file"])
        tokens = pc.sum(table.column("tokens_gemma3")).as_py()
        text_bytes = pc.sum(pc.binary_length(table.column("text"))).as_py()
        assert table.num_rows == shard["rows"] and tokens == shard["tokens"]
        assert (tokens <= 3000 and text_bytes <= 2500) or table.num_rows == 1
        assert hashlib.sha256((out / shard["file"]).read_bytes()).hexdigest() == shard["sha256"]
        assert pq.ParquetFile(out / shard["file"]).metadata.row_group(0).column(1).compression == "ZSTD"
    expected = {s["file"] for s in manifest["shards"]} | {"manifest.json"}
    assert {p.name for p in out.iterdir()} == expected


def test_same_seed_gives_identical_bytes_and_other_seed_differs(tmp_path, corpus):
    first, out1 = run(tmp_path, corpus, "a")
    second, out2 = run(tmp_path, corpus, "b", batch_rows=7)  # other batch boundaries, same bytes
    assert (out1 / "manifest.json").read_bytes() == (out2 / "manifest.json").read_bytes()
    for shard in first["shards"]:
        assert (out1 / shard["file"]).read_bytes() == (out2 / shard["file"]).read_bytes()
    assert json.loads((out1 / "manifest.json").read_text()) == first
    other, out3 = run(tmp_path, corpus, "c", seed=99)
    ids = [set(read_shards(o, m).filter(pc.equal(read_shards(o, m).column("row_id"), "th-pile-v2")).column("id").to_pylist())
           for m, o in ((first, out1), (other, out3))]
    assert ids[0] != ids[1]
    assert other["spec"]["sha256"] != first["spec"]["sha256"] and other["seed"] == 99


def test_rerun_replaces_stale_shards(tmp_path, corpus):
    _, out = run(tmp_path, corpus, "out", shard={"max_tokens": 2000})
    manifest, out = run(tmp_path, corpus, "out", shard={"max_tokens": 50_000})
    assert {p.name for p in out.iterdir()} == {s["file"] for s in manifest["shards"]} | {"manifest.json"}


def test_stale_plan_and_infeasible_plan_are_refused(tmp_path, corpus):
    paths, pool = corpus
    spec = make_spec(tmp_path, pool)
    plan = plan_mix(spec, pool)
    with pytest.raises(SampleInputError, match=r"stale plan: cell th-pile-v2 \[tha_Thai / SEA-LION Pile v2\]"):
        sample_mix(spec, plan, paths[:2], SOURCE_TO_MIX, str(tmp_path / "o"), str(tmp_path / "w"))
    infeasible = plan.set_column(plan.schema.get_field_index("feasible"), "feasible",
                                 pa.array([False] + [True] * (plan.num_rows - 1)))
    with pytest.raises(InfeasiblePlanError):
        sample_mix(spec, infeasible, paths, SOURCE_TO_MIX, str(tmp_path / "o"), str(tmp_path / "w"))
    assert not (tmp_path / "o" / "manifest.json").exists()


def test_missing_token_column_names_the_file(tmp_path, corpus):
    paths, pool = corpus
    spec = make_spec(tmp_path, pool)
    bad = tmp_path / "bad.parquet"
    pq.write_table(pq.read_table(paths[0]).drop_columns(["tokens_gemma3"]), bad)
    with pytest.raises(SampleInputError, match=r"bad\.parquet: document file lacks column\(s\) \['tokens_gemma3'\]"):
        sample_mix(spec, plan_mix(spec, pool), [*paths, str(bad)], SOURCE_TO_MIX, str(tmp_path / "o"), str(tmp_path / "w"))
