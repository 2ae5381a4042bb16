"""Real text, the real Gemma 3 tokenizer, 8,192-token sequences: NTREX-128 news documents in Thai,
Vietnamese, Indonesian and Tamil sampled into a mix and exported in every format, read back with the
training stacks' readers, decoded back to the shard texts."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from training_readers import (
    mds_samples,
    megatron_documents,
    require_megatron,
    require_streaming,
)

from eval.realdata import NTREX
from pipelines.export.config import load_export_settings
from pipelines.export.stage import export_dir, export_mix
from pipelines.mix.plan import plan_mix
from pipelines.mix.sample import sample_mix
from pipelines.mix.spec import load_mix_spec
from pipelines.mix.stages import shard_dir
from pipelines.storage.layout import DataLayout
from pipelines.tokens.counts import count_tokens
from pipelines.tokens.registry import load_tokenizer

pytestmark = pytest.mark.integration
GEMMA = Path.home() / ".cache" / "seamix" / "tokenizers" / "gemma3" / "tokenizer.json"
LANGUAGES = {"tha": "tha_Thai", "vie": "vie_Latn", "ind": "ind_Latn", "tam": "tam_Taml"}
SEQ_LEN = 8192


@pytest.fixture
def gemma_mix(tmp_path, tokenizer_cache) -> tuple[DataLayout, Path]:
    if not NTREX.is_dir() or not GEMMA.is_file():
        pytest.skip("needs ../shared/realdata (NTREX-128) and the cached Gemma 3 tokenizer (seamix fetch-models)")
    folder = tokenizer_cache / "tokenizers" / "gemma3"
    folder.mkdir(exist_ok=True)
    if not (folder / "tokenizer.json").exists():
        (folder / "tokenizer.json").symlink_to(GEMMA)
    doc_ids = (NTREX / "DOCUMENT_IDS.tsv").read_text().splitlines()
    records = []
    for code, language in LANGUAGES.items():
        lines = (NTREX / f"newstest2019-ref.{code}.txt").read_text(encoding="utf-8").splitlines()
        for doc, group in itertools.groupby(zip(doc_ids, lines), key=lambda pair: pair[0]):
            records.append({"id": f"{code}/{doc}", "text": "\n".join(line for _, line in group), "url": None,
                            "source": f"ntrex-{code}", "language": language})
    counts = count_tokens([r["text"] for r in records], "gemma3")
    for record, count in zip(records, counts):
        record["tokens_gemma3"] = count
    docs = tmp_path / "part-0.parquet"
    pq.write_table(pa.Table.from_pylist(records), docs)
    totals = {lang: sum(c for r, c in zip(records, counts) if r["language"] == lang) for lang in LANGUAGES.values()}
    rows = [{"id": f"{code}-ntrex", "language": lang, "source": "NTREX", "tokens": int(totals[lang] * share)}
            for (code, lang), share in zip(LANGUAGES.items(), (0.5, 1.0, 1.7, 0.3))]
    spec_file = tmp_path / "mix.yaml"
    spec_file.write_text(yaml.safe_dump({
        "name": "ntrex", "tokenizer": "gemma3", "total_tokens": sum(r["tokens"] for r in rows), "seed": 5,
        "max_epochs": 2, "shard": {"max_tokens": 60_000}, "rows": rows,
        "export": {"seq_len": SEQ_LEN, "pack": True, "bos": "<bos>", "eos": "<eos>", "tokenizer": "gemma3"}}))
    spec = load_mix_spec(spec_file)
    pool = pa.table({"language": list(totals), "source": [f"ntrex-{c}" for c in LANGUAGES], "mix_source": ["NTREX"] * 4,
                     "docs": [sum(r["language"] == lang for r in records) for lang in totals],
                     "bytes": [0] * 4, "tokens_gemma3": list(totals.values())})
    layout = DataLayout.at(tmp_path / "data")
    sample_mix(spec, plan_mix(spec, pool), [str(docs)], {f"ntrex-{c}": "NTREX" for c in LANGUAGES},
               shard_dir(layout, spec), str(tmp_path / "work"))
    return layout, spec_file


def _sample(layout: DataLayout, spec_file: Path):
    spec = load_mix_spec(spec_file)
    folder = Path(shard_dir(layout, spec))
    mix = json.loads((folder / "manifest.json").read_text())
    docs = [row for shard in mix["shards"] for row in pq.read_table(folder / shard["file"]).to_pylist()]
    assert len(mix["shards"]) >= 2
    tok = load_tokenizer("gemma3")
    return spec, load_export_settings(spec_file, spec.tokenizer), mix, docs, tok


def test_gemma_megatron_and_jsonl_are_token_exact_and_decode_to_the_texts(gemma_mix):
    require_megatron()
    layout, spec_file = gemma_mix
    spec, settings, mix, docs, tok = _sample(layout, spec_file)
    bos, eos = tok.token_to_id("<bos>"), tok.token_to_id("<eos>")
    manifests = {fmt: export_mix(layout, spec, settings, fmt) for fmt in ("jsonl", "megatron")}
    for manifest in manifests.values():
        assert manifest["totals"]["tokens"] == mix["totals"]["tokens"] + 2 * len(docs)
        assert manifest["tokenizer"]["vocab_size"] == 262_145
        assert (manifest["tokenizer"]["bos_id"], manifest["tokenizer"]["eos_id"]) == (bos, eos)
    out = Path(export_dir(layout, spec, "megatron"))
    for row in manifests["megatron"]["rows"]:
        read = megatron_documents(out / row["row_id"])
        row_docs = [d for d in docs if d["row_id"] == row["row_id"]]
        assert [len(r) - 2 for r in read] == [d["tokens_gemma3"] for d in row_docs]
        assert all(r.dtype == np.int32 and r[0] == bos and r[-1] == eos for r in read)
        assert [tok.decode(r[1:-1].tolist()) for r in read[::7]] == [d["text"] for d in row_docs[::7]]


def test_gemma_mds_packs_8192_token_sequences_that_decode_to_the_texts(gemma_mix):
    require_streaming()
    layout, spec_file = gemma_mix
    spec, settings, mix, docs, tok = _sample(layout, spec_file)
    bos, eos = tok.token_to_id("<bos>"), tok.token_to_id("<eos>")
    export_mix(layout, spec, settings, "mds")
    samples = mds_samples(Path(export_dir(layout, spec, "mds")))
    assert sum(map(len, samples)) == mix["totals"]["tokens"] + 2 * len(docs)
    assert sum(len(s) != SEQ_LEN for s in samples) <= len(mix["shards"])
    texts = {d["text"] for d in docs}
    for sequence in samples[::2]:
        starts, ends = np.flatnonzero(sequence == bos), np.flatnonzero(sequence == eos)
        whole = [tok.decode(sequence[b + 1:e].tolist()) for b in starts for e in ends[ends > b][:1]]
        assert whole and all(text in texts for text in whole)
