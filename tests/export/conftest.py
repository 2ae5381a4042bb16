"""Fixtures of the export tests: a word-level tokenizer with 70,003 tokens (ids above 65,535) and a
real mix sample (plan_mix + sample_mix) of generated documents counted with it."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.pre_tokenizers import WhitespaceSplit

from pipelines.mix.plan import plan_mix
from pipelines.mix.sample import sample_mix
from pipelines.mix.spec import load_mix_spec
from pipelines.mix.stages import shard_dir
from pipelines.storage.layout import DataLayout

WORDS = 70_000
TOKENIZER = "wordlevel70k"
SOURCE_TO_MIX = {"pile-th": "SEA-LION Pile v2", "fw2-vi": "Fineweb2", "web-lo": "Non-CC-SEA"}
CORPUS = [("tha_Thai", "pile-th", 60), ("vie_Latn", "fw2-vi", 50), ("lao_Laoo", "web-lo", 30)]
EXPORT = {"seq_len": 64, "pack": True, "bos": "<bos>", "eos": "<eos>"}


@pytest.fixture(scope="session")
def tokenizer_cache(tmp_path_factory) -> Path:
    """$SEAMIX_CACHE with tokenizers/wordlevel70k/tokenizer.json: <unk>, <bos>, <eos>, then w0..w69999."""
    cache = tmp_path_factory.mktemp("cache")
    vocab = {"<unk>": 0, "<bos>": 1, "<eos>": 2, **{f"w{i}": i + 3 for i in range(WORDS)}}
    tok = Tokenizer(WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = WhitespaceSplit()
    folder = cache / "tokenizers" / TOKENIZER
    folder.mkdir(parents=True)
    tok.save(str(folder / "tokenizer.json"))
    return cache


@pytest.fixture(autouse=True)
def _cache_env(tokenizer_cache, monkeypatch) -> None:
    monkeypatch.setenv("SEAMIX_CACHE", str(tokenizer_cache))


def write_documents(folder: Path) -> list[str]:
    """Documents of 1 to 150 words w<N> (N up to 69,999), counted in ``tokens_wordlevel70k``."""
    rng = random.Random(7)
    records = []
    for lang, source, n in CORPUS:
        for i in range(n):
            words = rng.randint(1, 150)
            text = " ".join(f"w{rng.randrange(WORDS)}" for _ in range(words))
            records.append({"id": f"{source}/{i}", "text": text, "url": f"https://example.org/{source}/{i}",
                            "source": source, "language": lang, f"tokens_{TOKENIZER}": words})
    paths = []
    for part in range(2):
        path = folder / f"part-{part}.parquet"
        pq.write_table(pa.Table.from_pylist(records[part::2]), path)
        paths.append(str(path))
    return paths


def pool_of(paths: list[str]) -> pa.Table:
    docs = pa.concat_tables(pq.read_table(p) for p in paths)
    grouped = docs.group_by(["language", "source"]).aggregate([("id", "count"), (f"tokens_{TOKENIZER}", "sum")])
    return pa.table({
        "language": grouped.column("language"), "source": grouped.column("source"),
        "mix_source": [SOURCE_TO_MIX[s] for s in grouped.column("source").to_pylist()],
        "docs": grouped.column("id_count"), "bytes": grouped.column("id_count"),
        f"tokens_{TOKENIZER}": grouped.column(f"tokens_{TOKENIZER}_sum"),
    })


def write_spec(folder: Path, pool: pa.Table, export: dict | None = None, tokenizer: str = TOKENIZER) -> Path:
    """A spec over the three cells: Thai at 0.5 of its pool, Vietnamese 1.6x (repeats), Lao 1.0x."""
    available = {lang: tokens for lang, tokens in zip(pool.column("language").to_pylist(),
                                                      pool.column(f"tokens_{TOKENIZER}").to_pylist())}
    rows = [{"id": "th-pile", "language": "th", "source": "SEA-LION Pile v2", "tokens": available["tha_Thai"] // 2},
            {"id": "vi-fw2", "language": "vi", "source": "Fineweb2", "tokens": int(available["vie_Latn"] * 1.6)},
            {"id": "lo-web", "language": "lo", "source": "Non-CC-SEA", "tokens": available["lao_Laoo"]}]
    spec = {"name": "export-test", "tokenizer": tokenizer, "total_tokens": sum(r["tokens"] for r in rows), "seed": 99,
            "max_epochs": 2, "shard": {"max_tokens": 2500, "row_group_rows": 16}, "rows": rows,
            "export": EXPORT if export is None else export}
    path = folder / "mix.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


@pytest.fixture
def sampled(tmp_path, tokenizer_cache) -> tuple[DataLayout, Path]:
    """A data root holding a real sample of the spec (shards + manifest); returns it and the spec file."""
    paths = write_documents(tmp_path)
    pool = pool_of(paths)
    spec_file = write_spec(tmp_path, pool)
    spec = load_mix_spec(spec_file)
    layout = DataLayout.at(tmp_path / "data")
    sample_mix(spec, plan_mix(spec, pool), paths, SOURCE_TO_MIX, shard_dir(layout, spec), str(tmp_path / "work"))
    return layout, spec_file
