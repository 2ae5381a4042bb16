"""Decontamination on real text in all eleven languages: NTREX-128 sentences of 60 documents stand in
for a translation benchmark; they are planted (verbatim and lightly edited) into the other documents
and must all be found; fragments must not be; the clean books and NTREX documents give no false match."""

from __future__ import annotations

import pytest
from decontam_data import (
    BOOK_LANGUAGES,
    BOOKS,
    EDITS,
    NTREX,
    NTREX_FILES,
    ntrex_documents,
    write_jsonl,
)

from pipelines.decontaminate.config import DecontamConfig
from pipelines.decontaminate.evalsets import EvalSet
from pipelines.decontaminate.index import ensure_index
from pipelines.decontaminate.matcher import Matcher
from pipelines.decontaminate.words import matching_words
from pipelines.langid.normalize import normalize_text

pytestmark = pytest.mark.skipif(not NTREX.is_dir(), reason=f"real data not found at {NTREX}")
EVAL_DOCS = 60  # the first 60 NTREX documents are the "benchmark"; the other 63 are hosts and clean text
N = DecontamConfig().ngram_size


@pytest.fixture(scope="module")
def ntrex(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ntrex")
    docs = ntrex_documents()
    evalsets = []
    for language, documents in docs.items():
        rows = [{"id": f"{d}-{i}", "text": s} for d, sentences in documents[:EVAL_DOCS] for i, s in enumerate(sentences)]
        evalsets.append(EvalSet(name="ntrex", paths=(str(write_jsonl(rows, tmp / f"{language}.jsonl")),),
                                fields=("text",), language=language, id_field="id"))
    matcher = Matcher(ensure_index(evalsets, DecontamConfig(), str(tmp / "index")))
    yield docs, matcher
    matcher.close()


def _items(documents, language, long: bool):
    """(item id, sentence) of eval sentences with at least N words (long) or 8..N-1 words (short)."""
    picked = []
    for d, sentences in documents[:EVAL_DOCS:3]:
        for i, s in enumerate(sentences):
            n = len(matching_words(s, language))
            if (n >= N + 3) if long else (DecontamConfig().min_item_words <= n < N):
                picked.append((f"{d}-{i}", s))
                break
    return picked


@pytest.mark.parametrize("language", sorted(NTREX_FILES.values()))
def test_planted_items_are_found_verbatim_and_edited(ntrex, language):
    docs, matcher = ntrex
    host = docs[language][EVAL_DOCS + 5][1]
    planted, expected = [], []
    items = _items(docs[language], language, long=True) + _items(docs[language], language, long=False)
    assert len(items) >= 10
    for item_id, sentence in items:
        for name, edit in EDITS.items():
            lines, text = host, sentence
            if language == "mya_Mymr" and name != "verbatim":
                # NTREX's Burmese is Zawgyi, where some Unicode punctuation code points are letters:
                # edit the Unicode form (what a Unicode page would carry), verbatim stays Zawgyi
                lines, text = [normalize_text(h)[0] for h in host], normalize_text(sentence)[0]
            planted.append("\n".join(lines[:2] + [edit(text)] + lines[2:]))
            expected.append(item_id)
    found = matcher.match(planted, [language] * len(planted))
    missed = [(e, doc.split("\n")[2]) for e, doc, f in zip(expected, planted, found) if e not in {m.item_id for m in f}]
    assert missed == []


@pytest.mark.parametrize("language", sorted(NTREX_FILES.values()))
def test_fragments_shorter_than_the_item_or_n_are_not_found(ntrex, language):
    docs, matcher = ntrex
    host = docs[language][EVAL_DOCS + 5][1]
    joiner = " " if language in ("eng_Latn", "fil_Latn", "ind_Latn", "zsm_Latn", "vie_Latn", "tam_Taml") else ""
    fragments = []
    for item_id, sentence in _items(docs[language], language, long=True):
        fragments.append((item_id, joiner.join(matching_words(sentence, language)[: N - 1])))
    for item_id, sentence in _items(docs[language], language, long=False):
        fragments.append((item_id, joiner.join(matching_words(sentence, language)[:-1])))
    planted = ["\n".join(host[:2] + [fragment] + host[2:]) for _, fragment in fragments]
    found = matcher.match(planted, [language] * len(planted))
    assert [(i, [m.item_id for m in f]) for (i, _), f in zip(fragments, found) if any(m.item_id == i for m in f)] == []


def test_no_false_matches_on_clean_books_and_ntrex_documents(ntrex):
    docs, matcher = ntrex
    texts, languages = [], []
    for language, documents in docs.items():
        for _, sentences in documents[EVAL_DOCS:]:
            texts.append("\n".join(sentences))
            languages.append(language)
    ntrex_texts = len(texts)
    for book, language in BOOK_LANGUAGES.items():
        paragraphs = (BOOKS / book).read_text(encoding="utf-8").split("\n")
        texts += ["\n".join(paragraphs[i : i + 50]) for i in range(0, len(paragraphs), 50)]
        languages += [language] * (len(texts) - len(languages))
    found = matcher.match(texts, languages)
    assert not any(found[ntrex_texts:])  # the books share no 13-gram with NTREX
    # NTREX itself quotes a few sentences in two articles: every match must be a real shared n-gram
    eval_words = {}
    for language, documents in docs.items():
        for d, sentences in documents[:EVAL_DOCS]:
            for i, s in enumerate(sentences):
                eval_words[(language, f"{d}-{i}")] = " ".join(matching_words(s, language))
    matches = [(languages[t], m) for t, f in enumerate(found[:ntrex_texts]) for m in f]
    assert len(matches) <= 5
    assert all(m.span in eval_words[(m.eval_language, m.item_id)] and m.eval_language == language for language, m in matches)
