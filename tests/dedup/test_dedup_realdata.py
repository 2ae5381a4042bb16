"""Dedup on real near-duplicate ground truth from ../shared/realdata/dedup."""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from eval.realdata import REALDATA as SHARED_REALDATA
from pipelines.dedup.apply import apply_dedup
from pipelines.dedup.clusters import find_duplicates
from pipelines.dedup.config import DedupConfig
from pipelines.dedup.signatures import write_signatures

REALDATA = SHARED_REALDATA / "dedup"

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not REALDATA.is_dir(), reason=f"real dedup data not found at {REALDATA}"),
]


def _clusters(tmp_path: Path, ids: list[str], texts: list[str]) -> tuple[dict[str, int], pa.Table]:
    """Run the three dedup phases on English documents; return each id's cluster label and the kept table."""
    table = pa.table(
        {
            "id": ids,
            "text": texts,
            "source": ["realdata"] * len(ids),
            "language": ["eng_Latn"] * len(ids),
            "n_chars": pa.array([len(t) for t in texts], pa.int64()),
        }
    )
    docs, sigs, dups = tmp_path / "docs.parquet", tmp_path / "sigs.parquet", tmp_path / "dups.parquet"
    pq.write_table(table, docs)
    config = DedupConfig()
    write_signatures(str(docs), str(sigs), config)
    find_duplicates([str(sigs)], str(dups), config, str(tmp_path / "work"))
    duplicates = pq.read_table(dups).to_pylist()
    label = {row["id"]: row["duplicate_of"] or row["id"] for row in duplicates}
    kept, _ = apply_dedup(str(docs), str(dups))
    return label, kept


def _word_5grams(text: str) -> set[str]:
    words = re.sub(r"[^\w\s]", " ", text.lower()).split()
    return {" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))}


def test_plagiarism_planted_pairs_found(tmp_path: Path) -> None:
    folder = REALDATA / "minhash_plagiarism"
    ids, texts = [], []
    for line in (folder / "articles_2500.train").read_text(encoding="utf-8").splitlines():
        doc_id, text = line.split(" ", 1)
        ids.append(doc_id)
        texts.append(text)
    planted = {frozenset(line.split()) for line in (folder / "articles_2500.truth").read_text().splitlines() if line.strip()}
    assert len(planted) == 20
    label, kept = _clusters(tmp_path, ids, texts)
    members = defaultdict(list)
    for doc_id, root in label.items():
        members[root].append(doc_id)
    found = {frozenset(p) for group in members.values() for p in itertools.combinations(group, 2)}
    assert planted <= found
    assert len(found - planted) <= 1
    assert kept.num_rows == len(ids) - 20


def test_ntrex_english_variants_clustered(tmp_path: Path) -> None:
    docs = [json.loads(line) for line in (REALDATA / "ntrex_english_variants" / "docs.jsonl").open(encoding="utf-8")]
    label, _ = _clusters(tmp_path, [d["id"] for d in docs], [d["text"] for d in docs])
    by_cluster = defaultdict(list)
    for d in docs:
        by_cluster[d["cluster_id"]].append(d)
    found_label = {d["id"]: label.get(d["id"], d["id"]) for d in docs}
    similar = 0
    for variants in by_cluster.values():
        shingles = [_word_5grams(d["text"]) for d in variants]
        if min(len(a & b) / len(a | b) for a, b in itertools.combinations(shingles, 2)) >= 0.8:
            similar += 1
            assert len({found_label[d["id"]] for d in variants}) == 1, variants[0]["cluster_id"]
    assert similar > 100
    gold_of_label = defaultdict(set)
    for d in docs:
        gold_of_label[found_label[d["id"]]].add(d["cluster_id"])
    assert all(len(gold) == 1 for gold in gold_of_label.values())
