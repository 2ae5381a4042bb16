"""Keep rates of the langid and quality stages on clean real text, per language, with the shipped
settings (pipelines/quality/defaults.yaml): NTREX-128 news documents and public-domain novels cut
into ~2000-character documents.

Run: ``python -m eval.filter_keep_rate`` (needs ../shared/realdata)."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa

from eval.realdata import (
    BOOK_FILES,
    BOOKS,
    NTREX,
    NTREX_FILES,
    book_documents,
    missing,
    ntrex_documents,
)
from pipelines.langid.identify import LanguageIdentifier, langid_batch
from pipelines.langid.normalize import normalize_text
from pipelines.quality.config import load_quality_config, thresholds_for
from pipelines.quality.filter import quality_reason


@dataclass(frozen=True)
class KeepRate:
    """Documents of one language kept by the langid stage (passing and identified as their own
    language) and, independently, by the quality rules of their language."""

    language: str
    total: int
    langid_kept: int
    quality_drops: Counter[str]

    @property
    def langid_rate(self) -> float:
        return self.langid_kept / self.total

    @property
    def quality_rate(self) -> float:
        return 1.0 - sum(self.quality_drops.values()) / self.total


def keep_rates(
    languages: list[str], load: Callable[[str], list[str]], identifier: LanguageIdentifier | None = None
) -> dict[str, KeepRate]:
    """Langid stage (normalise, identify, per-language minimum score) and quality rules (on the
    normalised text, with the gold language's thresholds) over the documents ``load(language)`` returns."""
    config = load_quality_config()
    min_scores = {code: thresholds.min_language_score for code, thresholds in config.items()}
    identifier = identifier or LanguageIdentifier()
    rates = {}
    for language in languages:
        documents = load(language)
        table = pa.table({"id": [str(i) for i in range(len(documents))], "text": pa.array(documents, pa.large_string())})
        kept, _ = langid_batch(table, identifier, min_scores)
        thresholds = thresholds_for(config, language)
        reasons = (quality_reason(normalize_text(text)[0], language, thresholds) for text in documents)
        drops = Counter(reason for reason in reasons if reason is not None)
        rates[language] = KeepRate(language, len(documents), kept.column("language").to_pylist().count(language), drops)
    return rates


def keep_rate_table(title: str, rates: dict[str, KeepRate]) -> str:
    """One line per language: documents, langid keep rate, quality keep rate, main quality drop reason."""
    lines = [title, f"{'language':<10} {'docs':>5} {'langid':>8} {'quality':>8}  most frequent quality drop"]
    for language, rate in rates.items():
        top = rate.quality_drops.most_common(1)
        drop = f"{top[0][0]} x{top[0][1]}" if top else "-"
        lines.append(f"{language:<10} {rate.total:>5} {rate.langid_rate:>8.1%} {rate.quality_rate:>8.1%}  {drop}")
    return "\n".join(lines)


def main() -> int:
    reason = missing(NTREX, BOOKS)
    if reason:
        print(reason, file=sys.stderr)
        return 1
    identifier = LanguageIdentifier()
    print(keep_rate_table("NTREX-128 news documents", keep_rates(sorted(NTREX_FILES), ntrex_documents, identifier)))
    print()
    print(keep_rate_table("Novels in ~2000-character documents", keep_rates(sorted(BOOK_FILES), book_documents, identifier)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
