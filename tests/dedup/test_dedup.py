"""Dedup stage on generated documents: exact and near duplicates, survivors, languages, errors."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.dedup.apply import apply_dedup
from pipelines.dedup.clusters import DUPLICATES_SCHEMA, DedupSummary, find_duplicates
from pipelines.dedup.config import DedupConfig
from pipelines.dedup.minhash import shingle_hashes
from pipelines.dedup.signatures import write_signatures
from pipelines.schema import DROP_SCHEMA

RNG_SEED = 7
THAI_LETTERS = [chr(cp) for cp in range(0x0E01, 0x0E2F)] + ["\u0e32", "\u0e34", "\u0e35", "\u0e38", "\u0e40", "\u0e41"]


def english_text(rng: random.Random, words: int = 200) -> str:
    vocabulary = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 9))) for _ in range(3000)]
    return " ".join(rng.choices(vocabulary, k=words))


def change_words(rng: random.Random, text: str, changes: int) -> str:
    words = text.split()
    for position in rng.sample(range(len(words)), changes):
        words[position] = "changed" + str(position)
    return " ".join(words)


def thai_text(rng: random.Random, chars: int = 600) -> str:
    return "".join(rng.choices(THAI_LETTERS, k=chars))


def doc(doc_id: str, text: str, source: str = "fineweb2", language: str = "eng_Latn") -> dict:
    return {"id": doc_id, "text": text, "source": source, "language": language, "n_chars": len(text)}


def write_docs(path: Path, docs: list[dict]) -> str:
    table = pa.Table.from_pylist(
        docs,
        schema=pa.schema(
            [("id", pa.string()), ("text", pa.string()), ("source", pa.string()), ("language", pa.string()), ("n_chars", pa.int64())]
        ),
    )
    pq.write_table(table, path)
    return str(path)


def run_dedup(
    tmp_path: Path, files: list[list[dict]], config: DedupConfig | None = None
) -> tuple[DedupSummary, pa.Table, list[tuple[pa.Table, pa.Table]]]:
    """All three phases over ``files``; returns (summary, duplicates table, [(kept, dropped)] per file)."""
    config = config or DedupConfig()
    inputs = [write_docs(tmp_path / f"in_{i}.parquet", docs) for i, docs in enumerate(files)]
    signatures = [str(tmp_path / f"sig_{i}.parquet") for i in range(len(files))]
    for in_path, sig_path in zip(inputs, signatures):
        write_signatures(in_path, sig_path, config)
    duplicates = str(tmp_path / "duplicates.parquet")
    summary = find_duplicates(signatures, duplicates, config, str(tmp_path / "work"))
    return summary, pq.read_table(duplicates), [apply_dedup(path, duplicates) for path in inputs]


def by_id(table: pa.Table) -> dict[str, dict]:
    return {row["id"]: row for row in table.to_pylist()}


def test_exact_duplicate_across_sources_survivor_follows_source_priority(tmp_path: Path) -> None:
    rng = random.Random(RNG_SEED)
    text = english_text(rng)
    config = DedupConfig(source_priority=("sealion_pile", "fineweb2"))
    summary, duplicates, [(kept_a, dropped_a), (kept_b, dropped_b)] = run_dedup(
        tmp_path,
        [
            [doc("fw/1", "  " + text.upper().replace(" ", "   ") + "\n"), doc("fw/2", english_text(rng))],
            [doc("pile/1", text, source="sealion_pile")],
        ],
        config,
    )
    # fw/1 has more n_chars, but the source priority decides first
    assert kept_a.column("id").to_pylist() == ["fw/2"]
    assert kept_b.column("id").to_pylist() == ["pile/1"]
    assert kept_b.column("minhash_cluster_size").to_pylist() == [2]
    assert kept_a.column("minhash_cluster_size").to_pylist() == [1]
    assert dropped_a.schema == DROP_SCHEMA
    [drop] = dropped_a.to_pylist()
    assert (drop["id"], drop["source"], drop["stage"], drop["reason"]) == ("fw/1", "fineweb2", "dedup", "exact_duplicate")
    assert dropped_b.num_rows == 0
    assert by_id(duplicates)["fw/1"]["duplicate_of"] == "pile/1"
    assert by_id(duplicates)["fw/1"]["survivor_source"] == "sealion_pile"
    assert summary.removed_exact == 1 and summary.removed_near == 0
    assert summary.removed_by_source_pair == {("fineweb2", "sealion_pile"): 1}


def test_without_priority_longer_text_then_smaller_id_survives(tmp_path: Path) -> None:
    rng = random.Random(RNG_SEED)
    text = english_text(rng)
    _, duplicates, _ = run_dedup(
        tmp_path, [[doc("b", text), doc("a", text), doc("c", text + "   "), doc("z", text.upper())]]
    )
    rows = by_id(duplicates)
    assert [i for i, row in rows.items() if row["keep"]] == ["c"]  # same normalised text, c has more n_chars
    assert all(row["duplicate_of"] == "c" for i, row in rows.items() if i != "c")
    _, duplicates, _ = run_dedup(tmp_path, [[doc("b", text), doc("a", text)]])
    assert by_id(duplicates)["a"]["keep"] and not by_id(duplicates)["b"]["keep"]


def test_near_duplicates_clustered_distinct_documents_not(tmp_path: Path) -> None:
    rng = random.Random(RNG_SEED)
    base = english_text(rng)
    near = [doc(f"near/{i}", change_words(rng, base, 3)) for i in range(3)]
    distinct = [doc(f"other/{i}", english_text(rng)) for i in range(20)]
    summary, duplicates, [(kept, dropped)] = run_dedup(tmp_path, [[doc("base", base + " " + "x" * 200), *near, *distinct]])
    assert [(f.name, f.type) for f in duplicates.schema] == [(f.name, f.type) for f in DUPLICATES_SCHEMA]
    rows = by_id(duplicates)
    assert set(rows) == {"base", "near/0", "near/1", "near/2"}
    assert all(row["cluster_size"] == 4 for row in rows.values())
    assert rows["base"]["keep"] and rows["base"]["reason"] is None
    assert {rows[f"near/{i}"]["reason"] for i in range(3)} == {"near_duplicate"}
    assert summary.documents == 24 and summary.clusters == 1 and summary.removed_near == 3
    sizes = dict(zip(kept.column("id").to_pylist(), kept.column("minhash_cluster_size").to_pylist()))
    assert sizes["base"] == 4 and all(sizes[f"other/{i}"] == 1 for i in range(20))
    assert sorted(dropped.column("id").to_pylist()) == ["near/0", "near/1", "near/2"]


def jaccard(words_a: list[str], words_b: list[str]) -> float:
    a, b = (set(shingle_hashes(" ".join(words), 5, spaced=True).tolist()) for words in (words_a, words_b))
    return len(a & b) / len(a | b)


def test_clusters_are_transitive(tmp_path: Path) -> None:
    rng = random.Random(RNG_SEED)
    words = english_text(rng, words=400).split()
    middle = words[:]
    for position in range(0, 70, 5):  # 14 changes 5 words apart: 70 of 396 shingles differ
        middle[position] = f"left{position}"
    last = middle[:]
    for position in range(200, 270, 5):
        last[position] = f"right{position}"
    assert jaccard(middle, words) > 0.65 and jaccard(last, middle) > 0.65 and jaccard(last, words) < 0.5
    _, duplicates, _ = run_dedup(
        tmp_path, [[doc("first", " ".join(words)), doc("middle", " ".join(middle)), doc("last", " ".join(last))]]
    )
    assert {row["id"]: row["cluster_size"] for row in duplicates.to_pylist()} == {"first": 3, "middle": 3, "last": 3}


def test_exact_copy_of_a_near_duplicate_is_an_exact_duplicate(tmp_path: Path) -> None:
    rng = random.Random(RNG_SEED)
    base = english_text(rng, words=300)
    near = change_words(rng, base, 2)
    summary, duplicates, _ = run_dedup(tmp_path, [[doc("s", base + " survivor"), doc("n1", near), doc("n2", near)]])
    rows = by_id(duplicates)
    assert rows["n1"]["reason"] == "near_duplicate" and rows["n2"]["reason"] == "exact_duplicate"
    assert rows["n2"]["duplicate_of"] == "s" and rows["n2"]["cluster_size"] == 3
    assert (summary.removed_exact, summary.removed_near) == (1, 1)


def test_thai_near_duplicates_found_with_character_ngrams(tmp_path: Path) -> None:
    rng = random.Random(RNG_SEED)
    base = thai_text(rng)
    edited = list(base)
    for position in rng.sample(range(len(edited)), 3):
        edited[position] = "\u0e01"
    others = [doc(f"th/other{i}", thai_text(rng), language="tha_Thai") for i in range(5)]
    _, duplicates, _ = run_dedup(
        tmp_path, [[doc("th/a", base, language="tha_Thai"), doc("th/b", "".join(edited), language="tha_Thai"), *others]]
    )
    assert set(by_id(duplicates)) == {"th/a", "th/b"}
    assert by_id(duplicates)["th/b"]["reason"] == "near_duplicate"


def test_same_text_in_two_languages_not_merged(tmp_path: Path) -> None:
    text = english_text(random.Random(RNG_SEED))
    summary, duplicates, [(kept, _)] = run_dedup(
        tmp_path, [[doc("en", text, language="eng_Latn"), doc("ms", text, language="zsm_Latn")]]
    )
    assert duplicates.num_rows == 0 and kept.num_rows == 2 and summary.clusters == 0


def test_text_without_words_takes_part_in_exact_dedup_only(tmp_path: Path) -> None:
    _, duplicates, _ = run_dedup(tmp_path, [[doc("p1", "!!!"), doc("p2", "!!!"), doc("p3", "...")]])
    assert set(by_id(duplicates)) == {"p1", "p2"}


def test_deterministic_across_runs_and_file_order(tmp_path: Path) -> None:
    rng = random.Random(RNG_SEED)
    base = english_text(rng)
    first = [doc(f"a/{i}", change_words(rng, base, 4)) for i in range(4)] + [doc("a/x", english_text(rng))]
    second = [doc(f"b/{i}", change_words(rng, base, 4), source="pile") for i in range(4)] + [doc("b/x", base)]
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    summary_one, dups_one, _ = run_dedup(tmp_path / "one", [first, second])
    summary_two, dups_two, _ = run_dedup(tmp_path / "two", [second, first])
    assert dups_one.num_rows == 9
    assert dups_one.equals(dups_two)
    assert summary_one == summary_two


def test_bands_times_rows_must_equal_num_perm() -> None:
    with pytest.raises(ValueError, match="bands \\* rows must equal num_perm"):
        DedupConfig(num_perm=112, bands=20, rows=6)
    assert DedupConfig(num_perm=112, bands=14, rows=8).threshold() == pytest.approx((1 / 14) ** (1 / 8))


def test_bad_input_errors_name_file_and_row(tmp_path: Path) -> None:
    config = DedupConfig()
    missing = tmp_path / "missing.parquet"
    pq.write_table(pa.table({"id": ["a"], "text": ["x"]}), missing)
    with pytest.raises(ValueError, match="missing.parquet.*missing \\['source', 'language', 'n_chars'\\]"):
        write_signatures(str(missing), str(tmp_path / "sig.parquet"), config)
    null_language = write_docs(tmp_path / "nulls.parquet", [doc("a", "x"), {**doc("b", "y"), "language": None}])
    with pytest.raises(ValueError, match="nulls.parquet: row 1: column 'language' is null"):
        write_signatures(null_language, str(tmp_path / "sig.parquet"), config)
    twice = write_docs(tmp_path / "twice.parquet", [doc("same", "one text"), doc("same", "another text")])
    write_signatures(twice, str(tmp_path / "sig.parquet"), config)
    with pytest.raises(ValueError, match="document id 'same' occurs more than once"):
        find_duplicates([str(tmp_path / "sig.parquet")], str(tmp_path / "d.parquet"), config, str(tmp_path / "w"))
    with pytest.raises(ValueError, match="sig.parquet: not a signature file for this DedupConfig"):
        find_duplicates([str(tmp_path / "sig.parquet")], str(tmp_path / "d.parquet"), DedupConfig(num_perm=112, bands=14, rows=8), str(tmp_path / "w"))
