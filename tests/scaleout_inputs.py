"""Test inputs for the scale-out tests: the bundled SEA-LION Pile sample split into many small files."""

from __future__ import annotations

from pathlib import Path

SAMPLE_PILE = Path(__file__).resolve().parents[1] / "sample" / "data" / "sea-lion-pile" / "sea-pile-mc4"


def split_sample_pile(root: Path, lines_per_file: int = 2, languages: tuple[str, ...] | None = None) -> Path:
    """Write the sample's JSON lines as files of ``lines_per_file`` lines under ``root``; return a sources YAML."""
    pile = root / "input" / "sea-pile-mc4"
    for lang_dir in sorted(SAMPLE_PILE.iterdir()):
        if languages is not None and lang_dir.name not in languages:
            continue
        lines = [line for f in sorted(lang_dir.glob("*.jsonl")) for line in f.read_text(encoding="utf-8").splitlines()]
        (pile / lang_dir.name).mkdir(parents=True)
        for i in range(0, len(lines), lines_per_file):
            chunk = lines[i : i + lines_per_file]
            path = pile / lang_dir.name / f"{i // lines_per_file:04d}.jsonl"
            path.write_text("\n".join(chunk) + "\n", encoding="utf-8")
    sources = root / "sources.yaml"
    sources.write_text(f"sources:\n  - name: pile\n    kind: sea-lion-pile\n    paths: [{pile}]\n", encoding="utf-8")
    return sources
