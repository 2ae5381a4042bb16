"""Tokenizer registry and exact token counts with the real Gemma 3 and Qwen3 tokenizers."""

from __future__ import annotations

import shutil

import pyarrow as pa
import pytest

from pipelines.storage.checksums import FAST_CHECKSUM, file_digest
from pipelines.tokens.counts import add_token_counts, count_tokens
from pipelines.tokens.registry import (
    BUILTIN,
    TokenizerNotFoundError,
    load_tokenizer,
    resolve_tokenizer,
    tokenizer_digest,
)

TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "ภาษาไทยเขียนโดยไม่มีช่องว่างระหว่างคำ",
    "Tiếng Việt có dấu thanh điệu.",
    "மொழி ஒரு தொடர்பு கருவி",
    "မြန်မာဘာသာစကား",
    "ភាសាខ្មែរ",
    "ພາສາລາວ",
    "中文没有空格。",
    "Saya hendak pergi ke Kuala Lumpur kerana ada mesyuarat.",
    "",
    "  leading and trailing spaces  \n\n new paragraph",
]


@pytest.mark.integration
@pytest.mark.parametrize("name", ["gemma3", "qwen3"])
def test_counts_equal_the_tokenizers_own_encode(name):
    tok = load_tokenizer(name)
    assert tok.get_vocab_size() == BUILTIN[name].vocab_size
    expected = [len(tok.encode(t, add_special_tokens=False).ids) for t in TEXTS]
    assert count_tokens(TEXTS, name) == expected
    assert expected[0] > 5 and expected[-2] == 0


@pytest.mark.integration
def test_add_token_counts_appends_one_column_per_tokenizer():
    table = add_token_counts(pa.table({"text": TEXTS}), ["gemma3", "qwen3"])
    assert table.column_names == ["text", "tokens_gemma3", "tokens_qwen3"]
    assert table.column("tokens_gemma3").to_pylist() != table.column("tokens_qwen3").to_pylist()


@pytest.mark.integration
def test_local_path_and_cache_resolution(tmp_path, monkeypatch):
    cached = resolve_tokenizer("qwen3")
    local = tmp_path / "my-tokenizer"
    local.mkdir()
    shutil.copy(cached, local / "tokenizer.json")
    assert resolve_tokenizer(str(local)) == local / "tokenizer.json"
    # a fresh cache root is filled from the next source and reused afterwards
    monkeypatch.setenv("SEAMIX_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr("pipelines.tokens.registry._from_npm", lambda pkg: (local / "tokenizer.json", "ok"))
    first = resolve_tokenizer("qwen3")
    assert first == tmp_path / "cache" / "tokenizers" / "qwen3" / "tokenizer.json"
    monkeypatch.setattr("pipelines.tokens.registry._from_npm", lambda pkg: (None, "must not be called"))
    assert resolve_tokenizer("qwen3") == first


@pytest.mark.integration
def test_wrong_file_for_a_builtin_name_is_rejected(tmp_path, monkeypatch):
    monkeypatch.setenv("SEAMIX_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    wrong = resolve_tokenizer("qwen3")  # a real tokenizer.json, but not Gemma's
    monkeypatch.setattr("pipelines.tokens.registry._from_npm", lambda pkg: (wrong, "ok"))
    with pytest.raises(TokenizerNotFoundError, match="checksum"):
        resolve_tokenizer("gemma3")


def test_unknown_name_lists_what_was_tried(tmp_path, monkeypatch):
    monkeypatch.setenv("SEAMIX_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(TokenizerNotFoundError, match="local path .*cache .*Hub no-such/model"):
        resolve_tokenizer("no-such/model")


def test_the_digest_is_of_the_bytes_the_tokenizer_was_loaded_from(tmp_path, monkeypatch):
    folder = tmp_path / "my-tokenizer"
    folder.mkdir()
    shutil.copyfile(resolve_tokenizer("qwen3"), folder / "tokenizer.json")
    name = str(folder / "tokenizer.json")
    monkeypatch.setenv("SEAMIX_CACHE", str(tmp_path / "cache"))
    digest = tokenizer_digest(name)
    assert digest == file_digest(name)[FAST_CHECKSUM]
    assert load_tokenizer(name).encode("hello").ids == load_tokenizer("qwen3").encode("hello").ids
    (folder / "tokenizer.json").write_text("{}")  # replaced after loading: the loaded one keeps its identity
    assert tokenizer_digest(name) == digest
