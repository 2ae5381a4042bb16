"""Export manifest: token totals per mix row and per file, checked against the mix manifest."""

from __future__ import annotations

from pipelines import storage
from pipelines.export.config import ExportSettings
from pipelines.export.tokenize import ExportError
from pipelines.mix.spec import MixSpec
from pipelines.storage.parquet_io import write_json_atomic

MANIFEST_NAME = "manifest.json"


def row_totals(records: list[dict], special_per_document: int) -> dict[str, dict]:
    """Per mix row: documents, text tokens, BOS/EOS tokens and all tokens."""
    rows: dict[str, dict] = {}
    for record in records:
        for row_id, stats in record["rows"].items():
            row = rows.setdefault(row_id, {"row_id": row_id, "docs": 0, "text_tokens": 0})
            row["docs"] += stats["docs"]
            row["text_tokens"] += stats["text_tokens"]
    for row in rows.values():
        row["special_tokens"] = row["docs"] * special_per_document
        row["tokens"] = row["text_tokens"] + row["special_tokens"]
    return rows


def check_rows_against_mix(rows: dict[str, dict], mix_manifest: dict, where: str) -> None:
    """Every row's exported text tokens and documents equal what the mix manifest says it sampled."""
    for row in mix_manifest["rows"]:
        got = rows.get(row["row_id"], {"text_tokens": 0, "docs": 0})
        if got["text_tokens"] != row["achieved_tokens"] or got["docs"] != row["repetitions"]:
            raise ExportError(f"{where}: row {row['row_id']!r}: exported {got['docs']:,} documents with "
                              f"{got['text_tokens']:,} tokens but the mix manifest has {row['repetitions']:,} "
                              f"documents with {row['achieved_tokens']:,} tokens")
    extra = sorted(set(rows) - {row["row_id"] for row in mix_manifest["rows"]})
    if extra:
        raise ExportError(f"{where}: rows {extra} are not in the mix manifest")


def build_export_manifest(spec: MixSpec, settings: ExportSettings, fmt: str, tokenizer: dict, source: dict,
                          rows: dict[str, dict], files: list[dict]) -> dict:
    """The manifest of one export: settings, tokenizer, source mix, rows and files."""
    ordered = list(rows.values())
    return {
        "format": fmt,
        "mix": {"name": spec.name, "seed": spec.seed, "spec_sha256": spec.sha256, **source},
        "settings": settings.output_settings(),
        "tokenizer": tokenizer,
        "rows": ordered,
        "files": files,
        "totals": {
            "docs": sum(r["docs"] for r in ordered),
            "text_tokens": sum(r["text_tokens"] for r in ordered),
            "special_tokens": sum(r["special_tokens"] for r in ordered),
            "tokens": sum(r["tokens"] for r in ordered),
            "samples": sum(f.get("samples", 0) for f in files),
            "files": len(files),
            "bytes": sum(f["bytes"] for f in files),
        },
    }


def write_export_manifest(out_dir: str, manifest: dict) -> str:
    """Write ``out_dir/manifest.json`` atomically (sorted keys, no timestamps: same export, same bytes)."""
    path = storage.join(out_dir, MANIFEST_NAME)
    write_json_atomic(manifest, path)
    return path
