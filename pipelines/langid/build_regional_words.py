"""Build ``pipelines/langid/data/nusax_train_words.json``: word counts of Indonesian and the ten local
languages in the NusaX-MT train split (IndoNLP/nusax, CC BY-SA 4.0), for pipelines/langid/regional.py.

Run: ``python -m pipelines.langid.build_regional_words ../shared/realdata/multilingual/nusax/mt_train.csv``
(only the train split: valid and test stay unseen)."""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter
from pathlib import Path

from pipelines.langid.close_pairs import _WORD

#: NusaX column -> FineWeb-2 code.
NUSAX_LANGUAGES = {
    "indonesian": "ind_Latn", "acehnese": "ace_Latn", "balinese": "ban_Latn", "banjarese": "bjn_Latn", "buginese": "bug_Latn",
    "javanese": "jav_Latn", "madurese": "mad_Latn", "minangkabau": "min_Latn", "ngaju": "nij_Latn",
    "sundanese": "sun_Latn", "toba_batak": "bbc_Latn",
}
OUTPUT = Path(__file__).with_name("data") / "nusax_train_words.json"


def word_counts(train_csv: Path) -> dict[str, dict[str, int]]:
    """Lowercased word counts per local language of a NusaX-MT CSV (a missing column is an error)."""
    with train_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    missing = [column for column in NUSAX_LANGUAGES if rows and column not in rows[0]]
    if not rows or missing:
        raise ValueError(f"{train_csv}: no rows or missing columns {missing}")
    counts = {}
    for column, code in NUSAX_LANGUAGES.items():
        words = Counter(w for row in rows for w in _WORD.findall((row[column] or "").lower()))
        counts[code] = dict(sorted(words.items(), key=lambda item: (-item[1], item[0])))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train_csv", type=Path, help="NusaX-MT mt_train.csv")
    args = parser.parse_args(argv)
    if "train" not in args.train_csv.name:
        parser.error(f"{args.train_csv}: only the train split may be used")
    counts = word_counts(args.train_csv)
    OUTPUT.write_text(json.dumps(counts, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUTPUT}: {', '.join(f'{code} {len(words)} words' for code, words in counts.items())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
