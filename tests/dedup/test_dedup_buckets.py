"""Clustering spread over buckets: the same duplicates table as a one-process reference of the
clustering rules, for any number of hash ranges and workers, and through a real (local) Ray cluster."""

from __future__ import annotations

import random
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.dedup.clusters import find_duplicates
from pipelines.dedup.config import DedupConfig
from pipelines.dedup.signatures import band_column, write_signatures
from pipelines.runtime.executors import ExecutorConfig, RayOptions, executor_factory

SCHEMA = pa.schema(
    [("id", pa.string()), ("text", pa.string()), ("source", pa.string()), ("language", pa.string()), ("n_chars", pa.int64())]
)
CONFIG = DedupConfig(source_priority=("pile",))


def corpus(rng: random.Random) -> list[list[dict]]:
    """Three files of English and Malay documents: exact copies (case, spacing), near copies with
    2 to 40 of 150 words changed (around the threshold, so chains and rejected candidates occur),
    copies of copies, the same text in both languages, texts without words, unrelated documents."""
    vocabulary = ["".join(rng.choices("abcdefghij", k=rng.randint(2, 6))) for _ in range(800)]
    texts: list[tuple[str, str]] = []
    for language in ("eng_Latn", "zsm_Latn"):
        for _ in range(12):
            base = rng.choices(vocabulary, k=150)
            texts.append((" ".join(base), language))
            for _ in range(rng.randint(1, 5)):
                words = base[:]
                for position in rng.sample(range(len(words)), rng.choice([2, 8, 15, 25, 40])):
                    words[position] = rng.choice(vocabulary)
                text = " ".join(words)
                texts.append((text, language))
                if rng.random() < 0.4:
                    texts.append((text.upper().replace(" ", "  "), language))
                if rng.random() < 0.3:
                    base = words  # the next copy is a copy of this one
        texts += [("!!!", language), ("!!!", language), (" ".join(rng.choices(vocabulary, k=150)), language)]
    texts.append((texts[0][0], "zsm_Latn"))
    rng.shuffle(texts)
    docs = [
        {"id": f"d{rng.randrange(10**6):06d}-{i}", "text": text, "source": rng.choice(["pile", "web"]),
         "language": language, "n_chars": len(text)}
        for i, (text, language) in enumerate(texts)
    ]
    return [docs[i::3] for i in range(3)]


def signature_files(tmp_path: Path, files: list[list[dict]]) -> list[str]:
    paths = []
    for i, docs in enumerate(files):
        pq.write_table(pa.Table.from_pylist(docs, schema=SCHEMA), tmp_path / f"in_{i}.parquet")
        paths.append(str(tmp_path / f"sig_{i}.parquet"))
        write_signatures(str(tmp_path / f"in_{i}.parquet"), paths[-1], CONFIG)
    return paths


def reference_duplicates(signature_paths: list[str], config: DedupConfig) -> list[dict]:
    """The clustering rules in plain Python, one process: documents numbered by id, exact groups,
    candidates from each band group's smallest-id representative and between neighbours by id,
    verified, union-find, ranked."""
    rows = sorted(pa.concat_tables([pq.read_table(p) for p in signature_paths]).to_pylist(), key=lambda r: r["id"])
    parent = list(range(len(rows)))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        parent[max(find(a), find(b))] = min(find(a), find(b))

    exact: dict[tuple, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        exact[row["language"], row["exact_hash"]].append(i)
    representatives = [group[0] for group in exact.values() if rows[group[0]]["signature"] is not None]
    for group in exact.values():
        for i in group[1:]:
            union(group[0], i)
    for band in range(config.bands):
        groups: dict[tuple, list[int]] = defaultdict(list)
        for i in sorted(representatives):
            groups[rows[i]["language"], rows[i][band_column(band)]].append(i)
        for members in groups.values():
            for a, b in [*((members[0], i) for i in members[1:]), *pairwise(members)]:
                if np.mean(np.equal(rows[a]["signature"], rows[b]["signature"])) >= config.threshold():
                    union(a, b)
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        clusters[find(i)].append(i)
    priority = {source: n for n, source in enumerate(config.source_priority)}
    out = []
    for members in (m for m in clusters.values() if len(m) > 1):
        ranked = sorted(members, key=lambda i: (priority.get(rows[i]["source"], len(priority)), -rows[i]["n_chars"], rows[i]["id"]))
        survivor = rows[ranked[0]]
        for rank, i in enumerate(ranked):
            same_text_before = any(rows[j]["exact_hash"] == rows[i]["exact_hash"] for j in ranked[:rank])
            out.append({
                "id": rows[i]["id"], "keep": rank == 0, "cluster_size": len(members),
                "reason": None if rank == 0 else "exact_duplicate" if same_text_before else "near_duplicate",
                "duplicate_of": None if rank == 0 else survivor["id"],
                "survivor_source": None if rank == 0 else survivor["source"],
            })
    return sorted(out, key=lambda r: r["id"])


def duplicates(tmp_path: Path, name: str, signatures: list[str], **options) -> tuple[list[dict], dict]:
    out = tmp_path / name / "duplicates.parquet"
    summary = find_duplicates(signatures, str(out), CONFIG, str(tmp_path / name / "duckdb"), **options)
    return pq.read_table(out).to_pylist(), summary.to_dict()


@pytest.mark.parametrize("seed", [1, 2])
def test_buckets_and_ranges_give_the_one_process_clusters(tmp_path: Path, seed: int) -> None:
    signatures = signature_files(tmp_path, corpus(random.Random(seed)))
    expected = reference_duplicates(signatures, CONFIG)
    one, summary_one = duplicates(tmp_path, "one", signatures)
    split, summary_split = duplicates(tmp_path, "split", signatures, workers=2, ranges=3)
    assert one == expected
    assert split == expected and summary_split == summary_one
    reasons = {row["reason"] for row in expected}
    assert reasons == {None, "exact_duplicate", "near_duplicate"} and len(expected) > 40
    # 21 buckets (exact + 20 bands) x 3 ranges, each one part of edges
    edges = tmp_path / "split" / "buckets" / "edges"
    assert len(list(edges.glob("band-*.parquet"))) == 60 and len(list(edges.glob("exact-*.parquet"))) == 3


def test_file_order_does_not_change_the_duplicates(tmp_path: Path) -> None:
    signatures = signature_files(tmp_path, corpus(random.Random(3)))
    forward, _ = duplicates(tmp_path, "forward", signatures, ranges=2)
    backward, _ = duplicates(tmp_path, "backward", signatures[::-1], workers=2)
    assert forward == backward == reference_duplicates(signatures, CONFIG)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:placement_group:DeprecationWarning")  # inside datatrove
def test_buckets_on_a_local_ray_cluster_match_local(tmp_path: Path, monkeypatch) -> None:
    ray = pytest.importorskip("ray", reason="ray is not installed (pip install ray)")
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    signatures = signature_files(tmp_path, corpus(random.Random(4)))
    local, summary_local = duplicates(tmp_path, "local", signatures, workers=2, ranges=2)
    config = ExecutorConfig(kind="ray", workers=2, ray=RayOptions(num_cpus=2, mem_per_cpu_gb=0.25))
    try:
        on_ray, summary_ray = duplicates(tmp_path, "ray", signatures, workers=2, ranges=2, executor_factory=executor_factory(config))
        assert ray.is_initialized()
    finally:
        ray.shutdown()
    assert on_ray == local and summary_ray == summary_local
    completions = tmp_path / "ray" / "buckets" / "edges" / "_logs" / "completions"
    assert sorted(p.name for p in completions.iterdir()) == ["00000", "00001"]
