"""Readers of the evaluation corpora under ``../shared/realdata`` (never copied into the repository):
NTREX-128 news documents, lingua-py test sentences and public-domain novels."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
NTREX = REALDATA / "multilingual" / "ntrex128"
LINGUA = REALDATA / "multilingual" / "lingua_testdata" / "sentences"
BOOKS = REALDATA / "text" / "books"

NTREX_FILES = {
    "eng_Latn": "newstest2019-src.eng.txt",
    "cmn_Hani": "newstest2019-ref.zho-CN.txt",
    "ind_Latn": "newstest2019-ref.ind.txt",
    "zsm_Latn": "newstest2019-ref.msa.txt",
    "fil_Latn": "newstest2019-ref.fil.txt",
    "vie_Latn": "newstest2019-ref.vie.txt",
    "tha_Thai": "newstest2019-ref.tha.txt",
    "tam_Taml": "newstest2019-ref.tam.txt",
    "mya_Mymr": "newstest2019-ref.mya.txt",  # Zawgyi-encoded
    "khm_Khmr": "newstest2019-ref.khm.txt",
    "lao_Laoo": "newstest2019-ref.lao.txt",  # zero-width spaces, not NFC
}
#: lingua-py sentence files of the languages it shares with us.
LINGUA_FILES = {
    "eng_Latn": "en.txt",
    "cmn_Hani": "zh.txt",
    "ind_Latn": "id.txt",
    "zsm_Latn": "ms.txt",
    "fil_Latn": "tl.txt",
    "vie_Latn": "vi.txt",
    "tha_Thai": "th.txt",
    "tam_Taml": "ta.txt",
}
BOOK_FILES = {
    "eng_Latn": "little_women_louisa_may_alcott.txt",
    "cmn_Hani": "call_to_arms_zh.txt",
    "vie_Latn": "pure_heart_ngoc_phachHoang_vi.txt",
    "tam_Taml": "ponniyin_selvan_1_the_first_floods_ta.txt",
}


def missing(*paths: Path) -> str | None:
    """A reason to skip when one of ``paths`` is absent (a fresh clone has no ../shared), else None."""
    absent = [str(path) for path in paths if not path.exists()]
    return f"real data not found: {', '.join(absent)} (a fresh clone has no ../shared)" if absent else None


def ntrex_documents(language: str) -> list[str]:
    """NTREX-128 sentences of ``language`` grouped into their 123 news documents (raw text: Burmese is
    still Zawgyi, Lao still has zero-width spaces)."""
    doc_ids = (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    path = NTREX / NTREX_FILES[language]
    sentences = path.read_text(encoding="utf-8").splitlines()
    if len(sentences) != len(doc_ids):
        raise ValueError(f"{path}: {len(sentences)} lines but DOCUMENT_IDS.tsv has {len(doc_ids)}")
    documents: dict[str, list[str]] = defaultdict(list)
    for doc_id, sentence in zip(doc_ids, sentences):
        documents[doc_id].append(sentence)
    return ["\n".join(lines) for lines in documents.values()]


def lingua_sentences(language: str) -> list[str]:
    """The lingua-py test sentences of ``language`` (one per line, blank lines skipped)."""
    lines = (LINGUA / LINGUA_FILES[language]).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip()]


def book_documents(language: str, size: int = 2000) -> list[str]:
    """A novel cut into documents of about ``size`` characters at paragraph ends (a blank line, or
    every line end in books without blank lines)."""
    text = (BOOKS / BOOK_FILES[language]).read_text(encoding="utf-8")
    blank_separated = "\n\n" in text
    documents, current = [], ""
    for line in text.splitlines(keepends=True):
        current += line
        if len(current) >= size and (not blank_separated or not line.strip()):
            documents.append(current)
            current = ""
    return documents + ([current] if current.strip() else [])
