"""Export stage on a real sample: token-exact JSONL and Megatron files, manifest, determinism, resume, refusals."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from conftest import TOKENIZER

from pipelines.config_file import ConfigError
from pipelines.export import jsonl, megatron
from pipelines.export.config import load_export_settings
from pipelines.export.stage import export_dir, export_mix
from pipelines.export.tokenize import ExportError
from pipelines.mix.spec import load_mix_spec
from pipelines.mix.stages import shard_dir
from pipelines.storage.layout import DataLayout

BOS, EOS = 1, 2


def export(layout: DataLayout, spec_file: Path, fmt: str) -> dict:
    spec = load_mix_spec(spec_file)
    return export_mix(layout, spec, load_export_settings(spec_file, spec.tokenizer), fmt)


def shard_documents(layout: DataLayout, spec_file: Path) -> list[dict]:
    """Every document of the mix shards in shard order, with its expected export tokens."""
    spec = load_mix_spec(spec_file)
    folder = Path(shard_dir(layout, spec))
    docs = []
    for shard in json.loads((folder / "manifest.json").read_text())["shards"]:
        for row in pq.read_table(folder / shard["file"]).to_pylist():
            ids = [int(word[1:]) + 3 for word in row["text"].split()]
            docs.append({**row, "shard": shard["file"], "expected": [BOS, *ids, EOS]})
    return docs


def read_megatron(prefix: Path) -> tuple[np.dtype, list[np.ndarray]]:
    """Documents of a .bin/.idx pair, parsed from the published layout (megatron-core's own reader: test_training_readers.py)."""
    data = prefix.with_suffix(".idx").read_bytes()
    dtype, lengths = megatron.read_index_lengths(data, str(prefix))
    count = len(lengths)
    pointers = np.frombuffer(data, dtype="<i8", count=count, offset=34 + 4 * count)
    doc_index = np.frombuffer(data, dtype="<i8", count=count + 1, offset=34 + 12 * count)
    assert list(doc_index) == list(range(count + 1))
    tokens = np.fromfile(prefix.with_suffix(".bin"), dtype=dtype)
    return dtype, [tokens[p // dtype.itemsize: p // dtype.itemsize + n] for p, n in zip(pointers, lengths)]


def test_jsonl_holds_every_document_in_shard_order_with_bos_eos(sampled):
    layout, spec_file = sampled
    manifest = export(layout, spec_file, "jsonl")
    docs = shard_documents(layout, spec_file)
    out = Path(export_dir(layout, load_mix_spec(spec_file), "jsonl"))
    lines = [json.loads(line) for f in sorted(out.glob("shard-*.jsonl")) for line in f.read_text().splitlines()]
    assert [(line["id"], line["epoch"], line["tokens"]) for line in lines] == \
        [(d["id"], d["epoch"], d["expected"]) for d in docs]
    mix = json.loads((Path(shard_dir(layout, load_mix_spec(spec_file))) / "manifest.json").read_text())
    assert manifest["totals"]["text_tokens"] == mix["totals"]["tokens"]
    assert manifest["totals"]["tokens"] == mix["totals"]["tokens"] + 2 * len(docs)
    assert {r["row_id"]: r["text_tokens"] for r in manifest["rows"]} == {r["row_id"]: r["achieved_tokens"] for r in mix["rows"]}
    assert sum(f["tokens"] for f in manifest["files"]) == manifest["totals"]["tokens"]
    assert len(mix["shards"]) >= 3


def test_megatron_one_int32_dataset_per_row_and_a_blend(sampled):
    layout, spec_file = sampled
    manifest = export(layout, spec_file, "megatron")
    docs = shard_documents(layout, spec_file)
    out = Path(export_dir(layout, load_mix_spec(spec_file), "megatron"))
    assert not (out / "_parts" / "th-pile").exists()  # parts merged away
    for row in manifest["rows"]:
        dtype, read = read_megatron(out / row["row_id"])
        assert dtype == np.int32  # 70,003 tokens: uint16 would wrap
        expected = [d["expected"] for d in docs if d["row_id"] == row["row_id"]]
        assert [list(map(int, r)) for r in read] == expected
        assert sum(map(len, read)) == row["tokens"] == row["text_tokens"] + 2 * row["docs"]
    assert max(max(d["expected"]) for d in docs) > 65535
    blend = (out / "blend.txt").read_text().split()
    assert blend[0::2] == [str(r["tokens"]) for r in manifest["rows"]]
    assert blend[1::2] == [str(out / r["row_id"]) for r in manifest["rows"]]


def test_same_sample_gives_the_same_bytes(sampled, tmp_path):
    layout, spec_file = sampled
    first = export(layout, spec_file, "megatron")
    other = DataLayout.at(tmp_path / "copy")
    Path(other.root, "mixes").mkdir(parents=True)
    src = Path(layout.root, "mixes")
    for f in src.rglob("*"):
        if f.is_file():
            (Path(other.root, "mixes") / f.relative_to(src)).parent.mkdir(parents=True, exist_ok=True)
            (Path(other.root, "mixes") / f.relative_to(src)).write_bytes(f.read_bytes())
    second = export(other, spec_file, "megatron")
    digests = lambda m: [(f["file"], f["sha256"]) for f in m["files"] if f["file"] != "blend.txt"]
    assert digests(first) == digests(second)


def test_resume_after_a_kill_redoes_only_unfinished_shards(sampled, monkeypatch):
    layout, spec_file = sampled
    clean = export(layout, spec_file, "jsonl")
    out = Path(export_dir(layout, load_mix_spec(spec_file), "jsonl"))
    digests = {f.name: f.read_bytes() for f in out.glob("shard-*.jsonl")}
    (out / "manifest.json").unlink()
    for marker in sorted((out / "_parts").iterdir())[2:]:  # killed after two shards
        marker.unlink()
    real, calls = jsonl.write_part, []

    def killed_on_the_second_call(batches, local_path):
        calls.append(Path(local_path).name)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(batches, local_path)

    monkeypatch.setattr(jsonl, "write_part", killed_on_the_second_call)
    with pytest.raises(KeyboardInterrupt):
        export(layout, spec_file, "jsonl")
    assert calls == ["shard-00002.jsonl", "shard-00003.jsonl"]
    assert not list(out.rglob(".*.tmp")) and not (out / "manifest.json").exists()
    assert len(list((out / "_parts").iterdir())) == 3
    (out / "shard-00000.jsonl").unlink()  # a marker whose file is gone is redone
    calls.clear()
    monkeypatch.setattr(jsonl, "write_part", lambda b, p: (calls.append(Path(p).name), real(b, p))[1])
    resumed = export(layout, spec_file, "jsonl")
    assert calls[0] == "shard-00000.jsonl" and "shard-00001.jsonl" not in calls and "shard-00002.jsonl" not in calls
    assert resumed == clean
    assert {f.name: f.read_bytes() for f in out.glob("shard-*.jsonl")} == digests


def test_a_finished_export_is_not_redone(sampled, monkeypatch):
    layout, spec_file = sampled
    first = export(layout, spec_file, "megatron")

    def must_not_run(*args):
        raise AssertionError("a finished shard was exported again")

    monkeypatch.setattr(megatron, "write_part", must_not_run)
    monkeypatch.setattr(megatron, "merge_datasets", must_not_run)
    assert export(layout, spec_file, "megatron") == first


def test_other_settings_start_the_format_over(sampled):
    layout, spec_file = sampled
    export(layout, spec_file, "jsonl")
    data = yaml.safe_load(spec_file.read_text())
    data["export"]["eos"] = None
    spec_file.write_text(yaml.safe_dump(data))
    manifest = export(layout, spec_file, "jsonl")
    assert manifest["totals"]["special_tokens"] == manifest["totals"]["docs"]


def test_refuses_a_tokenizer_other_than_the_specs(sampled):
    layout, spec_file = sampled
    data = yaml.safe_load(spec_file.read_text())
    data["export"]["tokenizer"] = "qwen3"
    spec_file.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError, match="'qwen3' is not the spec's tokenizer"):
        export(layout, spec_file, "jsonl")


def test_refuses_shards_counted_with_another_tokenizer(sampled):
    layout, spec_file = sampled
    shard = Path(shard_dir(layout, load_mix_spec(spec_file))) / "shard-00001.parquet"
    table = pq.read_table(shard)
    column = f"tokens_{TOKENIZER}"
    counts = table.column(column).to_pylist()
    counts[3] += 1
    pq.write_table(table.set_column(table.schema.get_field_index(column), column, pa.array(counts, pa.int64())), shard)
    with pytest.raises(ExportError, match=r"shard-00001.parquet: row 3 \(id .*\): wordlevel70k gives"):
        export(layout, spec_file, "megatron")


def test_unknown_special_token_and_bad_settings_are_config_errors(sampled):
    layout, spec_file = sampled
    data = yaml.safe_load(spec_file.read_text())
    data["export"] = {"seq_len": 0, "pakc": True}
    spec_file.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError, match=r"export: field 'seq_len': .*; field 'pakc': unknown field"):
        load_export_settings(spec_file, TOKENIZER)
    data["export"] = {"bos": "<s>"}
    spec_file.write_text(yaml.safe_dump(data))
    with pytest.raises(ExportError, match="'<s>' is not a token"):
        export(layout, spec_file, "jsonl")


def test_index_writer_layout_and_dtype_choice(tmp_path):
    assert megatron.token_dtype(50_000) == np.uint16
    assert megatron.token_dtype(262_145) == np.int32
    writer = megatron.IndexedDatasetWriter(str(tmp_path / "d"), np.uint16)
    writer.add_documents([np.array([5, 6, 7]), np.array([65_000])])
    writer.add_documents([])
    writer.add_documents([np.array([1, 2])])
    writer.close()
    dtype, docs = read_megatron(tmp_path / "d")
    assert dtype == np.uint16 and [list(d) for d in docs] == [[5, 6, 7], [65_000], [1, 2]]
    header = (tmp_path / "d.idx").read_bytes()[:34]
    assert header[:9] == b"MMIDIDX\x00\x00" and struct.unpack("<QBQQ", header[9:]) == (1, 8, 3, 4)
    assert not (tmp_path / "d.lengths.tmp").exists()


def test_cli_exports_and_prints_the_totals(sampled, capsys):
    from pipelines.cli import main

    layout, spec_file = sampled
    assert main(["export", "--mix", str(spec_file), "--format", "jsonl", "--data-root", layout.root]) == 0
    manifest = json.loads((Path(export_dir(layout, load_mix_spec(spec_file), "jsonl")) / "manifest.json").read_text())
    assert f"jsonl: {manifest['totals']['tokens']:,} tokens" in capsys.readouterr().out


def test_jsonl_lines_are_json_dumps_of_each_document():
    from pipelines.export.tokenize import TokenizedBatch

    batch = TokenizedBatch(ids=['a"b\\c', "ไทย/1", "x"], row_ids=["th-pile", "vi\nfw2", "lo"], epochs=[0, 1, 2],
                           tokens=[np.array([1, 262_144, 2], np.int32), np.array([], np.int32),
                                   np.array([0, 9, 10, 99, 100, 65_535, 65_536, 999_999, 1_000_000], np.int32)],
                           text_tokens=[1, 0, 7])
    expected = "".join(json.dumps({"id": i, "row_id": r, "epoch": e, "tokens": t.tolist()}, ensure_ascii=False,
                                  separators=(",", ":")) + "\n"
                       for i, r, e, t in zip(batch.ids, batch.row_ids, batch.epochs, batch.tokens))
    assert bytes(jsonl.batch_lines(batch)) == expected.encode()
    random = np.random.default_rng(7).integers(0, 151_669, 5_000).astype(np.int32)
    batch = TokenizedBatch(ids=["r"], row_ids=["en"], epochs=[0], tokens=[random], text_tokens=[5_000])
    assert json.loads(bytes(jsonl.batch_lines(batch)))["tokens"] == random.tolist()


def test_jsonl_refuses_an_id_beyond_any_vocabulary():
    from pipelines.export.tokenize import TokenizedBatch

    batch = TokenizedBatch(ids=["a"], row_ids=["en"], epochs=[0], tokens=[np.array([2**30], np.int32)], text_tokens=[1])
    with pytest.raises(ExportError, match="token id 1,073,741,824"):
        jsonl.batch_lines(batch)
