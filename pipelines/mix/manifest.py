"""Mix manifest: what was sampled, per shard and per cell, written atomically as JSON.

The manifest has no timestamps and sorted keys, so the same sample gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipelines import storage
from pipelines.mix.spec import MixSpec

MANIFEST_NAME = "manifest.json"
#: Relative slack of the token-exact sampler: max(this x target, largest document of the cell).
RELATIVE_TOLERANCE = 0.001


def build_manifest(spec: MixSpec, cells: list[dict], shards: list[dict]) -> dict:
    """Assemble the manifest from the spec, per-cell results (row_id, language, mix_source,
    target_tokens, achieved_tokens, docs, repetitions, ...) and the written shards."""
    rows: dict[str, dict] = {}
    for cell in cells:
        row = rows.setdefault(cell["row_id"], {"row_id": cell["row_id"], "group": cell.get("group"),
                                               "target_tokens": 0, "achieved_tokens": 0, "docs": 0, "repetitions": 0})
        for key in ("target_tokens", "achieved_tokens", "docs", "repetitions"):
            row[key] += cell[key]
    return {
        "spec": {
            "name": spec.name, "sha256": spec.sha256, "total_tokens": spec.total_tokens,
            "row_tokens": spec.row_tokens, "max_epochs": spec.max_epochs, "bos_eos": spec.bos_eos,
            "shard": spec.shard.model_dump(),
            "resolutions": {name: res.model_dump() for name, res in sorted(spec.resolutions.items())},
        },
        "seed": spec.seed,
        "tokenizer": spec.tokenizer,
        "token_column": spec.token_column,
        "shards": shards,
        "cells": cells,
        "rows": list(rows.values()),
        "totals": {
            "shards": len(shards),
            "rows": sum(s["rows"] for s in shards),
            "tokens": sum(s["tokens"] for s in shards),
            "bytes": sum(s["bytes"] for s in shards),
            "docs": sum(c["docs"] for c in cells),
            "target_tokens": sum(c["target_tokens"] for c in cells),
        },
    }


def write_manifest(out_dir: str | Path, manifest: dict) -> str:
    """Write ``manifest`` as out_dir/manifest.json atomically (fsync'ed temp file + rename, or one
    upload on an object store)."""
    final = storage.join(str(out_dir), MANIFEST_NAME)
    with storage.AtomicFile(final, durable=True) as out, open(out.local, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, sort_keys=True, indent=2, ensure_ascii=False)
        handle.write("\n")
    return final


def achieved_vs_target(manifest: dict) -> list[dict]:
    """Per cell: target vs achieved tokens, relative deviation and whether it is within
    max(0.1% of the target, the cell's largest document)."""
    out = []
    for cell in manifest["cells"]:
        target, achieved = cell["target_tokens"], cell["achieved_tokens"]
        slack = max(RELATIVE_TOLERANCE * target, cell["max_doc_tokens"])
        out.append({
            "row_id": cell["row_id"], "language": cell["language"], "mix_source": cell["mix_source"],
            "target_tokens": target, "achieved_tokens": achieved,
            "deviation": (achieved - target) / target if target else 0.0,
            "within_tolerance": abs(achieved - target) <= slack,
        })
    return out
