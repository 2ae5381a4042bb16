"""Every export read back with the libraries training stacks use: megatron-core and mosaicml-streaming."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import yaml
from test_export import export, shard_documents
from training_readers import (
    mds_samples,
    megatron_documents,
    require_megatron,
    require_streaming,
)

from pipelines.export.stage import export_dir
from pipelines.mix.spec import load_mix_spec
from pipelines.tokens.registry import load_tokenizer

SEQ_LEN = 64


def test_megatron_core_reads_each_row_document_by_document(sampled):
    require_megatron()
    layout, spec_file = sampled
    manifest = export(layout, spec_file, "megatron")
    out = Path(export_dir(layout, load_mix_spec(spec_file), "megatron"))
    docs = shard_documents(layout, spec_file)
    for row in manifest["rows"]:
        read = megatron_documents(out / row["row_id"])
        assert all(r.dtype == np.int32 for r in read)
        assert [r.tolist() for r in read] == [d["expected"] for d in docs if d["row_id"] == row["row_id"]]
    assert sum(row["tokens"] for row in manifest["rows"]) == manifest["totals"]["text_tokens"] + 2 * len(docs)


def test_streaming_reads_packed_sequences_token_exact(sampled):
    require_streaming()
    layout, spec_file = sampled
    manifest = export(layout, spec_file, "mds")
    out = Path(export_dir(layout, load_mix_spec(spec_file), "mds"))
    samples = mds_samples(out)
    docs = shard_documents(layout, spec_file)
    assert all(s.dtype == np.int32 for s in samples)
    # every sequence is seq_len long but the last of each mix shard (packing restarts per shard)
    per_shard: dict[str, list] = {}
    for d in docs:
        per_shard.setdefault(d["shard"], []).append(d)
    stream = iter(samples)
    for shard_docs in per_shard.values():
        expected = [t for d in shard_docs for t in d["expected"]]
        count = -(-len(expected) // SEQ_LEN)
        got = [next(stream) for _ in range(count)]
        assert [len(g) for g in got[:-1]] == [SEQ_LEN] * (count - 1) and 0 < len(got[-1]) <= SEQ_LEN
        flat = np.concatenate(got)
        assert flat.tolist() == expected
        starts = np.flatnonzero(flat == 1)  # <bos> marks every document boundary
        assert starts.tolist() == list(np.cumsum([0] + [len(d["expected"]) for d in shard_docs[:-1]]))
    assert next(stream, None) is None
    total = sum(map(len, samples))
    mix = json.loads((Path(layout.root) / "mixes" / "export-test" / "seed-99" / "manifest.json").read_text())
    assert total == manifest["totals"]["tokens"] == mix["totals"]["tokens"] + 2 * len(docs)
    # decoding a sampled sequence gives back the shard texts it holds
    tok = load_tokenizer("wordlevel70k")
    texts, inside = {d["text"] for d in docs}, []
    for sequence in samples[::3]:
        bos, eos = np.flatnonzero(sequence == 1), np.flatnonzero(sequence == 2)
        inside += [tok.decode(sequence[b + 1:e].tolist()) for b in bos for e in eos[eos > b][:1]]
    assert len(inside) > 10 and all(text in texts for text in inside)

def test_streaming_reads_unpacked_documents_in_chunks(sampled):
    require_streaming()
    layout, spec_file = sampled
    data = yaml.safe_load(spec_file.read_text())
    data["export"]["pack"] = False
    spec_file.write_text(yaml.safe_dump(data))
    export(layout, spec_file, "mds")
    samples = mds_samples(Path(export_dir(layout, load_mix_spec(spec_file), "mds")))
    expected = [d["expected"][i:i + SEQ_LEN] for d in shard_documents(layout, spec_file)
                for i in range(0, len(d["expected"]), SEQ_LEN)]
    assert [s.tolist() for s in samples] == expected
