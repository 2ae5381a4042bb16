"""Matching on generated text: n-grams of long items, whole short items, edits that must not hide an
item, fragments that must not count, the hashes, and the index cache."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from decontam_data import EDITS, write_jsonl

from pipelines.decontaminate import index as index_module
from pipelines.decontaminate.config import DecontamConfig
from pipelines.decontaminate.evalsets import EvalSet
from pipelines.decontaminate.hashing import (
    batch_window_hashes,
    batch_word_hashes,
    window_hashes,
    word_hashes,
)
from pipelines.decontaminate.index import ensure_index
from pipelines.decontaminate.matcher import Matcher, find_matches

VOCAB = [f"w{i}" for i in range(5000)]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(VOCAB) for _ in range(words))
    return text[0].upper() + text[1:] + "."


@pytest.fixture
def setup(tmp_path):
    rng = random.Random(7)
    long_item, short_item, tiny_item = _sentence(rng, 30), _sentence(rng, 10), _sentence(rng, 5)
    rows = [{"id": "long", "q": long_item}, {"id": "short", "q": short_item}, {"id": "tiny", "q": tiny_item}]
    evalset = EvalSet(name="bench", paths=(str(write_jsonl(rows, tmp_path / "e.jsonl")),), fields=("q",),
                      language="en", id_field="id")
    index = ensure_index([evalset], DecontamConfig(), str(tmp_path / "index"))
    matcher = Matcher(index)
    yield matcher, rng, {"long": long_item, "short": short_item, "tiny": tiny_item}
    matcher.close()


def _found(matcher: Matcher, texts: list[str]) -> list[set[str]]:
    return [{m.item_id for m in found} for found in matcher.match(texts, ["eng_Latn"] * len(texts))]


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_long_and_short_items_are_found_verbatim_and_edited(setup, edit):
    matcher, rng, items = setup
    host = [_sentence(rng, 40), _sentence(rng, 40)]
    docs = [f"{host[0]}\n{EDITS[edit](items[name])} {host[1]}" for name in ("long", "short")]
    assert _found(matcher, docs) == [{"long"}, {"short"}]


def test_fragments_under_n_words_and_partial_short_items_do_not_count(setup):
    matcher, rng, items = setup
    long_words, short_words = items["long"].rstrip(".").split(), items["short"].rstrip(".").split()
    host = _sentence(rng, 60)
    docs = [
        f"{host} {' '.join(long_words[:12])} {host}",  # 12 of 13 words: no shared 13-gram
        f"{host} {' '.join(long_words[5:17])}",
        f"{' '.join(short_words[:9])} {host}",  # 9 of the short item's 10 words
        f"{host} {' '.join(short_words[1:])}",
        f"{host} {items['tiny']} {host}",  # below min_item_words: never indexed
    ]
    assert _found(matcher, docs) == [set()] * len(docs)
    assert _found(matcher, [f"{host} {' '.join(long_words[:13])} {host}"]) == [{"long"}]


def test_index_summary_counts_too_short_texts_and_lengths(setup):
    matcher, _, _ = setup
    summary = matcher.index.summary
    assert summary["benchmarks"]["bench"] == {"texts": 3, "indexed": 2, "too_short": 1, "ngrams": 18 + 1}
    assert matcher.index.lengths == (10, 13)


def test_match_reports_span_words_and_paragraphs(setup):
    matcher, rng, items = setup
    doc = f"{_sentence(rng, 20)}\n{_sentence(rng, 20)}\nSaid: {items['long']}\n{_sentence(rng, 20)}"
    [[match]] = matcher.match([doc], ["en"])
    assert (match.benchmark, match.item_id, match.field, match.paragraphs) == ("bench", "long", "q", (2,))
    assert match.span == items["long"].rstrip(".").lower() and match.matched_words == 30
    assert match.end - match.start == 30


def test_find_matches_on_conversation_turns(setup):
    matcher, rng, items = setup
    turns = [f"Please answer: {items['short']}", _sentence(rng, 30), f"Sure. {items['long']}"]
    found = find_matches(turns, "en", matcher)
    assert [[m.item_id for m in f] for f in found] == [["short"], [], ["long"]]
    assert [m.text_index for f in found for m in f] == [0, 2]


def test_smaller_n_finds_shorter_overlaps(tmp_path):
    rng = random.Random(3)
    item = _sentence(rng, 20)
    evalset = EvalSet(name="b", paths=(str(write_jsonl([{"q": item}], tmp_path / "e.jsonl")),), fields=("q",), language="en")
    words = item.rstrip(".").split()
    doc = f"{_sentence(rng, 30)} {' '.join(words[3:11])} {_sentence(rng, 30)}"  # 8 words of the item
    for n, expected in ((13, 0), (8, 1)):
        matcher = Matcher(ensure_index([evalset], DecontamConfig(ngram_size=n), str(tmp_path / "index")))
        assert len(matcher.match([doc], ["en"])[0]) == expected
        matcher.close()


def test_window_hashes_agree_with_single_windows_and_batches_never_cross_texts():
    words = [f"t{i}" for i in range(30)]
    hashes = word_hashes(words)
    all_windows = window_hashes(hashes, 13)
    assert len(all_windows) == 18
    assert all(window_hashes(hashes[i : i + 13], 13)[0] == all_windows[i] for i in range(18))
    assert len(set(window_hashes(hashes, 12)) & set(all_windows)) == 0
    concatenated, sizes = batch_word_hashes([words[:20], words[20:]])
    assert np.array_equal(concatenated, hashes) and list(sizes) == [20, 10]
    text, start, batch = batch_window_hashes(concatenated, sizes, 8)
    assert list(zip(text, start)) == [(0, s) for s in range(13)] + [(1, s) for s in range(3)]
    assert np.array_equal(batch[:13], window_hashes(hashes[:20], 8))
    assert np.array_equal(batch[13:], window_hashes(hashes[20:], 8))


def test_index_is_built_once_per_fingerprint(tmp_path, monkeypatch):
    path = write_jsonl([{"q": " ".join(VOCAB[:20])}], tmp_path / "e.jsonl")
    evalset = EvalSet(name="b", paths=(str(path),), fields=("q",), language="en")
    first = ensure_index([evalset], DecontamConfig(), str(tmp_path / "index"))
    monkeypatch.setattr(index_module, "_build", lambda *a: pytest.fail("index rebuilt"))
    assert ensure_index([evalset], DecontamConfig(), str(tmp_path / "index")) == first
    monkeypatch.undo()
    other_setting = ensure_index([evalset], DecontamConfig(ngram_size=10), str(tmp_path / "index"))
    write_jsonl([{"q": " ".join(VOCAB[20:40])}], path)
    other_file = ensure_index([evalset], DecontamConfig(), str(tmp_path / "index"))
    assert len({first.folder, other_setting.folder, other_file.folder}) == 3
    assert sorted(p.name for p in Path(tmp_path / "index").iterdir()) == sorted(
        Path(i.folder).name for i in (first, other_setting, other_file))
