"""Build ``pipelines/langid/data/ms_id_news_words.json``: word counts of Malaysian and Indonesian news and
encyclopaedic text, the formal register the Malay/Indonesian second stage (pipelines/langid/close_pairs.py)
balances wordfreq's lists with.

Sources (fetched outside the repository; pipelines/langid/data/NOTICE.md):

* the topic-modelling articles of ``huseinzol05/Bahasa-NLP-Tensorflow`` (MIT; business, economy,
  education and politics news of 2017-2019 crawled from Malaysian and Indonesian sites): the site decides
  the side (MALAYSIAN_SITES, else Indonesian), English articles are skipped;
* Indonesian treebanks of Universal Dependencies (``# text`` lines of their CoNLL-U files): GSD and CSUI
  (CC BY-SA 4.0), PUD (CC BY-SA 3.0).

Only *lowercase* tokens are counted (a capitalised one is a name or starts a sentence: names tell the
topic, not the standard). Every DEV_EVERY-th article (in file order) is the development set
(``dev_documents``) and never counted, and a document sharing any EXCLUDE_NGRAM-word sequence with an
``--exclude`` file (the sets eval/ reports on) is left out.

Run: ``python -m pipelines.langid.build_ms_id_words --news DIR/*.json --conllu FILE... --exclude FILE...``
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlparse

from pipelines.langid.close_pairs import _WORD, INDONESIAN, MALAY

OUTPUT = Path(__file__).with_name("data") / "ms_id_news_words.json"
#: Sites of Malaysian outlets without a ``.my`` domain.
MALAYSIAN_SITES = ("astroawani.com", "harakahdaily.net")
#: One article in DEV_EVERY (the first of each run) is kept for development, never counted.
DEV_EVERY = 5
#: Length of the word sequences a training document may not share with an excluded text.
EXCLUDE_NGRAM = 8
#: A word needs this many occurrences over both sides to be written out.
MIN_COUNT = 2


def site_language(url: str) -> str:
    """Side of a news article by its site: ``.my`` domains and MALAYSIAN_SITES are Malay, the rest Indonesian."""
    host = urlparse(url).netloc
    return MALAY if host.endswith(".my") or host.endswith(MALAYSIAN_SITES) else INDONESIAN


def news_documents(paths: Iterable[Path]) -> Iterator[tuple[str, str, bool]]:
    """``(language, text, is_dev)`` of each non-English article of the topic-modelling JSON files, in order."""
    index = 0
    for path in paths:
        for article in json.loads(path.read_text(encoding="utf-8")):
            if article.get("language") == "ENGLISH" or not article.get("text", "").strip():
                continue
            yield site_language(article["url"]), article["text"], index % DEV_EVERY == 0
            index += 1


def dev_documents(paths: Iterable[Path]) -> list[tuple[str, str]]:
    """The development articles ``(language, text)``: never counted by ``word_counts``."""
    return [(language, text) for language, text, dev in news_documents(paths) if dev]


def conllu_sentences(path: Path) -> list[str]:
    """The ``# text = `` sentences of a CoNLL-U file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.partition("=")[2].strip() for line in lines if line.startswith("# text =")]


def ngrams(text: str, n: int = EXCLUDE_NGRAM) -> set[tuple[str, ...]]:
    """The lowercased ``n``-word sequences of ``text``."""
    tokens = _WORD.findall(text.lower())
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def word_counts(
    news: list[Path], conllu: list[Path], exclude: set[tuple[str, ...]]
) -> tuple[dict[str, dict[str, int]], int]:
    """Lowercase-token counts per side of the training documents, and how many were left out for sharing
    an n-gram with ``exclude``."""
    documents = [(language, text) for language, text, dev in news_documents(news) if not dev]
    documents += [(INDONESIAN, sentence) for path in conllu for sentence in conllu_sentences(path)]
    counts: dict[str, Counter[str]] = {MALAY: Counter(), INDONESIAN: Counter()}
    left_out = 0
    for language, text in documents:
        if ngrams(text) & exclude:
            left_out += 1
            continue
        counts[language].update(token for token in _WORD.findall(text) if token.islower())
    total = counts[MALAY] + counts[INDONESIAN]
    kept = {word for word, n in total.items() if n >= MIN_COUNT}
    return {
        language: dict(sorted(((w, n) for w, n in words.items() if w in kept), key=lambda item: (-item[1], item[0])))
        for language, words in counts.items()
    }, left_out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=Path, nargs="+", required=True, help="topic-modelling JSON files")
    parser.add_argument("--conllu", type=Path, nargs="*", default=[], help="Indonesian UD CoNLL-U files")
    parser.add_argument("--exclude", type=Path, nargs="*", default=[], help="texts eval/ reports on")
    args = parser.parse_args(argv)
    exclude = set().union(*(ngrams(path.read_text(encoding="utf-8", errors="replace")) for path in args.exclude))
    counts, left_out = word_counts(args.news, args.conllu, exclude)
    OUTPUT.write_text(json.dumps(counts, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    sizes = ", ".join(f"{code} {sum(words.values())} tokens, {len(words)} words" for code, words in counts.items())
    print(f"{OUTPUT}: {sizes}; {left_out} documents left out for overlapping an excluded text")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
