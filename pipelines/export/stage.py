"""Export a sampled mix: every mix shard tokenized and written as MDS, Megatron or JSONL, resumable.

Each mix shard is one unit: its files are written in a local scratch folder, published atomically
under ``exports/<mix>/seed-<seed>/<format>/`` and then marked done by ``_parts/<shard>.json`` (its
per-row and per-file totals). A killed export resumes at the first shard without a marker; a
marker from other settings, another tokenizer file or another sample makes the whole format
folder start over. Publishing a shard (checksums, fsync, rename or upload, marker) runs in a
background thread while the next shard is tokenized. Finishing merges the parts (MDS: one
``index.json``; Megatron: one dataset per mix row, the rows in parallel, and ``blend.txt``) and
writes ``manifest.json``, checked row by row against the mix manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from importlib import import_module
from types import ModuleType

from pipelines import storage
from pipelines.export import jsonl, megatron
from pipelines.export.config import ExportSettings
from pipelines.export.manifest import (
    build_export_manifest,
    check_rows_against_mix,
    row_totals,
    write_export_manifest,
)
from pipelines.export.tokenize import (
    DocumentEncoder,
    ExportError,
    TokenizedBatch,
    tokenized_batches,
)
from pipelines.mix.manifest import MANIFEST_NAME as MIX_MANIFEST
from pipelines.mix.spec import MixSpec
from pipelines.mix.stages import shard_dir
from pipelines.storage.checksums import file_sha256
from pipelines.storage.layout import DataLayout
from pipelines.storage.parquet_io import write_json_atomic

PARTS = "_parts"
BLEND_NAME = "blend.txt"
#: Bump when the bytes an export writes change for the same inputs.
EXPORT_VERSION = 1
#: Megatron rows merged at once by the finish (copies and fsyncs, which release the GIL).
MERGE_THREADS = 4


def export_dir(layout: DataLayout, spec: MixSpec, fmt: str) -> str:
    """``exports/<mix>/seed-<seed>/<format>`` under the data root."""
    return layout.path("exports", spec.name, f"seed-{spec.seed}", fmt)


def export_mix(layout: DataLayout, spec: MixSpec, settings: ExportSettings, fmt: str) -> dict:
    """Export the mix shards of ``spec`` as ``fmt`` (mds, megatron or jsonl); return the export manifest."""
    source = shard_dir(layout, spec)
    mix_manifest_path = storage.join(source, MIX_MANIFEST)
    if not storage.isfile(mix_manifest_path):
        raise ExportError(f"{mix_manifest_path}: no complete mix sample here; run `seamix mix` first")
    mix_text = storage.read_text(mix_manifest_path)
    mix_manifest = json.loads(mix_text)
    _check_source(spec, mix_manifest, mix_manifest_path)
    encoder = DocumentEncoder(spec.tokenizer, settings)
    tokenizer = {"name": spec.tokenizer, "xxh3_128": encoder.digest, "vocab_size": encoder.vocab_size,
                 "bos_id": encoder.prefix[0] if encoder.prefix else None,
                 "eos_id": encoder.suffix[0] if encoder.suffix else None}
    source_info = {"manifest_sha256": hashlib.sha256(mix_text.encode()).hexdigest(), "shards": len(mix_manifest["shards"])}
    fingerprint = hashlib.sha256(json.dumps(
        {"version": EXPORT_VERSION, "format": fmt, "settings": settings.output_settings(), "tokenizer": tokenizer,
         "source": source_info}, sort_keys=True).encode()).hexdigest()
    out = export_dir(layout, spec, fmt)
    _drop_stale(out, fingerprint)
    unit = _Unit(fmt, settings, encoder, spec.token_column, source, out, fingerprint)
    with storage.scratch_dir(layout.path("work", "export", spec.name, f"seed-{spec.seed}", fmt)) as work:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-publish") as publisher:
            pending: list[Future[dict]] = []
            for shard in mix_manifest["shards"]:
                if pending and pending[-1].done():
                    pending[-1].result()  # a failed publish stops the export before the next shard
                pending.append(unit.run(shard, work, publisher))
        records = [future.result() for future in pending]
        rows = row_totals(records, encoder.special_per_document)
        check_rows_against_mix(rows, mix_manifest, out)
        rows = {row["row_id"]: rows[row["row_id"]] for row in mix_manifest["rows"] if row["row_id"] in rows}
        files = _FINISH[fmt](unit, records, rows, work)
    manifest = build_export_manifest(spec, settings, fmt, tokenizer, source_info, rows, files)
    expected = mix_manifest["totals"]["tokens"] + manifest["totals"]["docs"] * encoder.special_per_document
    if sum(f["tokens"] for f in files) != expected:
        raise ExportError(f"{out}: files hold {sum(f['tokens'] for f in files):,} tokens, expected {expected:,}")
    write_export_manifest(out, manifest)
    return manifest


def _check_source(spec: MixSpec, mix_manifest: dict, where: str) -> None:
    """The sample must have been counted with the spec's tokenizer (the only one the export uses)."""
    if mix_manifest["tokenizer"] != spec.tokenizer or mix_manifest["token_column"] != spec.token_column:
        raise ExportError(f"{where}: the mix was counted with tokenizer {mix_manifest['tokenizer']!r}, the spec "
                          f"says {spec.tokenizer!r}; the export uses the spec's tokenizer only")


def _drop_stale(out: str, fingerprint: str) -> None:
    """Remove the format folder when any finished part was made with other inputs or settings."""
    for marker in storage.glob(storage.join(out, PARTS, "*.json")):
        if json.loads(storage.read_text(marker)).get("fingerprint") != fingerprint:
            storage.remove_tree(out, inside=storage.parent(out))  # the format folder, owned by its export folder
            return


def _publish(local: str, target: str) -> dict:
    """Move the local file ``local`` to ``target`` atomically; return its bytes and SHA-256."""
    info = {"bytes": os.path.getsize(local), "sha256": file_sha256(local)}
    with storage.AtomicFile(target, durable=True) as out:
        shutil.move(local, out.local)
    return info


def _marker(out: str, name: str) -> str:
    return storage.join(out, PARTS, f"{name}.json")


class _Unit:
    """Exports one mix shard at a time (skipping shards already marked done)."""

    def __init__(self, fmt: str, settings: ExportSettings, encoder: DocumentEncoder, token_column: str,
                 source: str, out: str, fingerprint: str) -> None:
        self.fmt, self.settings, self.encoder, self.token_column = fmt, settings, encoder, token_column
        self.source, self.out, self.fingerprint = source, out, fingerprint
        self.dtype = megatron.token_dtype(encoder.vocab_size)

    def run(self, shard: dict, work: str, publisher: Executor) -> Future[dict]:
        """The done record of ``shard``: read from its marker, or made by writing the shard's files
        here and publishing them in ``publisher``."""
        stem = storage.stem(shard["file"])
        marker = _marker(self.out, stem)
        if storage.isfile(marker):
            record = json.loads(storage.read_text(marker))
            if all(self._kept(entry) for entry in record["files"]):
                done: Future[dict] = Future()
                done.set_result(record)
                return done
        local = os.path.join(work, stem)
        shutil.rmtree(local, ignore_errors=True)
        os.makedirs(local)
        rows: dict[str, dict] = {}
        batches = _counted(tokenized_batches(storage.join(self.source, shard["file"]), self.encoder, self.token_column), rows)
        files, local_root, prefix = self._write(batches, local, stem)
        docs, text_tokens = sum(r["docs"] for r in rows.values()), sum(r["text_tokens"] for r in rows.values())
        if (docs, text_tokens) != (shard["rows"], shard["tokens"]):
            raise ExportError(f"{shard['file']}: read {docs:,} documents / {text_tokens:,} tokens, the mix manifest "
                              f"says {shard['rows']:,} / {shard['tokens']:,}")
        record = {"shard": shard["file"], "source_sha256": shard["sha256"], "fingerprint": self.fingerprint,
                  "rows": rows, "files": [{**entry, "file": prefix + entry["file"]} for entry in files]}
        return publisher.submit(self._publish_shard, record, local, local_root, prefix)

    def _publish_shard(self, record: dict, local: str, local_root: str, prefix: str) -> dict:
        """Publish the shard's local files, then its marker; return the record with their bytes and SHA-256."""
        for entry in record["files"]:
            local_file = os.path.join(local_root, entry["file"][len(prefix):])
            entry.update(_publish(local_file, storage.join(self.out, entry["file"])))
        write_json_atomic(record, _marker(self.out, storage.stem(record["shard"])))
        shutil.rmtree(local, ignore_errors=True)
        return record

    def _kept(self, entry: dict) -> bool:
        """A finished shard's file is still there, or (a Megatron part) already merged into its row."""
        if storage.isfile(storage.join(self.out, entry["file"])):
            return True
        return "row_id" in entry and storage.isfile(_marker(self.out, f"row-{entry['row_id']}"))

    def _write(self, batches: Iterable[TokenizedBatch], local: str, stem: str) -> tuple[list[dict], str, str]:
        """Write the shard's files; return them (names relative to the local root), the local root and
        the prefix they get under the format folder."""
        if self.fmt == "mds":
            root = os.path.join(local, "mds")
            return _mds().write_part(batches, self.settings, root), root, f"{stem}/"
        if self.fmt == "megatron":
            return megatron.write_part(batches, self.dtype, local, stem), local, f"{PARTS}/"
        name = f"{stem}.jsonl"
        return [{"file": name, **jsonl.write_part(batches, os.path.join(local, name))}], local, ""


def _counted(batches: Iterator[TokenizedBatch], rows: dict[str, dict]) -> Iterator[TokenizedBatch]:
    """Pass ``batches`` through, adding documents and text tokens per mix row to ``rows``."""
    for batch in batches:
        for row_id, count in zip(batch.row_ids, batch.text_tokens):
            row = rows.setdefault(row_id, {"docs": 0, "text_tokens": 0})
            row["docs"] += 1
            row["text_tokens"] += count
        yield batch


def _mds() -> ModuleType:
    """The MDS writer module (imports mosaicml-streaming, hence torch, only when MDS is asked for)."""
    try:
        return import_module("pipelines.export.mds")
    except ImportError as exc:
        raise ExportError(f"MDS export needs mosaicml-streaming and torch: {exc}; pip install -e '.[mds]' "
                          "and pip install --no-deps mosaicml-streaming==0.13.0 (see docs/export.md)") from exc


def _part_files(records: list[dict]) -> list[dict]:
    return [entry for record in records for entry in record["files"]]


def _finish_jsonl(unit: _Unit, records: list[dict], rows: dict[str, dict], work: str) -> list[dict]:
    return _part_files(records)


def _finish_mds(unit: _Unit, records: list[dict], rows: dict[str, dict], work: str) -> list[dict]:
    """Merge the parts' index.json files into one at the top of the MDS folder."""
    merged = os.path.join(work, "index-merge")
    shutil.rmtree(merged, ignore_errors=True)
    indexes = []
    for record in records:
        part = storage.stem(record["shard"])
        local = os.path.join(merged, part, "index.json")
        os.makedirs(os.path.dirname(local))
        with open(local, "w", encoding="utf-8") as handle:
            handle.write(storage.read_text(storage.join(unit.out, part, "index.json")))
        indexes.append(local)
    index = _mds().merge_indexes(indexes, merged)
    info = _publish(index, storage.join(unit.out, "index.json"))
    shutil.rmtree(merged, ignore_errors=True)
    return [*_part_files(records), {"file": "index.json", "samples": 0, "tokens": 0, **info}]


def _finish_megatron(unit: _Unit, records: list[dict], rows: dict[str, dict], work: str) -> list[dict]:
    """One dataset per mix row (the shards' parts concatenated in shard order) and the blend file."""
    with ThreadPoolExecutor(max_workers=MERGE_THREADS, thread_name_prefix="export-merge") as pool:
        merged = list(pool.map(lambda row_id: _merged_row(unit, records, row_id, work), rows))
    files, blend = [], []
    for (row_id, row), entries in zip(rows.items(), merged):
        if entries[0]["tokens"] != row["tokens"]:
            raise ExportError(f"{unit.out}/{row_id}.bin: {entries[0]['tokens']:,} tokens, expected {row['tokens']:,}")
        files.extend(entries)
        blend.append((row["tokens"], storage.join(unit.out, row_id)))
    blend_path = storage.join(unit.out, BLEND_NAME)
    storage.write_text(megatron.blend_text(blend), blend_path)
    return [*files, {"file": BLEND_NAME, "tokens": 0, "bytes": storage.size(blend_path),
                     "sha256": file_sha256(blend_path)}]


def _merged_row(unit: _Unit, records: list[dict], row_id: str, work: str) -> list[dict]:
    """The files of row ``row_id``'s dataset: read from its marker, or made now by merging its parts
    (then marked done and its parts deleted)."""
    marker = _marker(unit.out, f"row-{row_id}")
    if not storage.isfile(marker):
        parts = [storage.join(unit.out, entry["file"][:-len(".bin")]) for entry in _part_files(records)
                 if entry.get("row_id") == row_id and entry["file"].endswith(".bin")]
        local = os.path.join(work, row_id)
        writer = megatron.merge_datasets(parts, local, unit.dtype)
        entries = [{"file": f"{row_id}{suffix}", "row_id": row_id, "docs": docs, "tokens": tokens,
                    **_publish(f"{local}{suffix}", storage.join(unit.out, f"{row_id}{suffix}"))}
                   for suffix, docs, tokens in ((".bin", writer.documents, writer.tokens), (".idx", 0, 0))]
        write_json_atomic({"fingerprint": unit.fingerprint, "rows": {}, "files": entries}, marker)
        storage.remove_tree(storage.join(unit.out, PARTS, row_id), inside=unit.out)
    return json.loads(storage.read_text(marker))["files"]


_FINISH = {"jsonl": _finish_jsonl, "mds": _finish_mds, "megatron": _finish_megatron}
