"""Helpers for the decontamination tests: NTREX-128 sentences in the eleven languages as a stand-in
translation benchmark, and the light edits (doubled whitespace, changed punctuation, changed case)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"  # ../shared from the repo root
NTREX = REALDATA / "multilingual" / "ntrex128"
BOOKS = REALDATA / "text" / "books"

#: NTREX file suffix -> canonical language (the Burmese file is Zawgyi, the Lao one has zero-width spaces).
NTREX_FILES = {
    "src.eng": "eng_Latn", "ref.fil": "fil_Latn", "ref.ind": "ind_Latn", "ref.khm": "khm_Khmr",
    "ref.lao": "lao_Laoo", "ref.msa": "zsm_Latn", "ref.mya": "mya_Mymr", "ref.tam": "tam_Taml",
    "ref.tha": "tha_Thai", "ref.vie": "vie_Latn", "ref.zho-CN": "cmn_Hani",
}
BOOK_LANGUAGES = {
    "little_women_louisa_may_alcott.txt": "eng_Latn", "call_to_arms_zh.txt": "cmn_Hani",
    "ponniyin_selvan_1_the_first_floods_ta.txt": "tam_Taml", "pure_heart_ngoc_phachHoang_vi.txt": "vie_Latn",
}


def ntrex_documents() -> dict[str, list[tuple[str, list[str]]]]:
    """language -> [(document id, sentences)] in file order."""
    doc_ids = (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    result = {}
    for suffix, language in NTREX_FILES.items():
        lines = (NTREX / f"newstest2019-{suffix}.txt").read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(doc_ids), suffix
        docs: dict[str, list[str]] = {}
        for doc_id, line in zip(doc_ids, lines):
            docs.setdefault(doc_id, []).append(line)
        result[language] = list(docs.items())
    return result


def write_jsonl(rows: list[dict], path: Path) -> Path:
    """Write ``rows`` as JSON lines."""
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def double_whitespace(text: str) -> str:
    """Every space doubled (and a tab after every line's start)."""
    return text.replace(" ", "  ")


def change_punctuation(text: str) -> str:
    """Every punctuation mark replaced by another one; a final '!' added when there is none."""
    out = "".join(("?" if ch == "!" else "!") if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return out if out != text else text + " !"


def change_case(text: str) -> str:
    """Upper case (a no-op for scripts without case)."""
    return text.upper()


EDITS = {"verbatim": lambda t: t, "whitespace": double_whitespace, "punctuation": change_punctuation, "case": change_case}
