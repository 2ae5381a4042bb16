"""The bundled post-training sample, run once per test session through every post-training stage."""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample" / "data" / "posttrain"
SOURCES = REPO / "sources" / "posttrain-demo.yaml"


def planted(kind: str) -> list[dict]:
    """PLANTED.json entries of one kind (drop, keep, malformed)."""
    return [e for e in json.loads((SAMPLE / "PLANTED.json").read_text(encoding="utf-8")) if e["kind"] == kind]
