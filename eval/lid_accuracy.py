"""Language-ID accuracy on real labelled text: NTREX-128 news documents and lingua-py sentences,
fastText alone vs fastText + the Malay/Indonesian second stage, and the Malay/Indonesian confusion.

Run: ``python -m eval.lid_accuracy`` (needs ../shared/realdata)."""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from eval.realdata import (
    LINGUA,
    LINGUA_FILES,
    NTREX,
    NTREX_FILES,
    lingua_sentences,
    missing,
    ntrex_documents,
)
from pipelines.langid.close_pairs import INDONESIAN, MALAY
from pipelines.langid.identify import LanguageIdentifier
from pipelines.langid.normalize import normalize_text

#: Well-known spelling and word-choice differences (Malaysian form, Indonesian form), used only to
#: audit the gold labels of the test sets, never by the classifier.
ORTHOGRAPHY_MARKERS = (
    ("kerana", "karena"), ("iaitu", "yaitu"), ("bahawa", "bahwa"), ("wang", "uang"), ("mahu", "mau"),
    ("selepas", "setelah"), ("syarikat", "perusahaan"), ("polis", "polisi"), ("universiti", "universitas"),
    ("percuma", "gratis"), ("pelbagai", "berbagai"),
)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class LanguageResult:
    """Predictions for the texts of one gold ``language``: ``predicted`` counts each predicted label."""

    language: str
    predicted: Counter[str]

    @property
    def total(self) -> int:
        return sum(self.predicted.values())

    @property
    def accuracy(self) -> float:
        return self.predicted[self.language] / self.total if self.total else 0.0


def evaluate(
    identifier: LanguageIdentifier, languages: list[str], load: Callable[[str], list[str]]
) -> dict[str, LanguageResult]:
    """Predict every text ``load(language)`` returns, after the langid stage's normalisation
    (invisible characters, Zawgyi -> Unicode, NFC)."""
    results = {}
    for language in languages:
        texts = [normalize_text(text)[0] for text in load(language)]
        predicted = Counter(prediction.language for prediction in identifier.predict(texts))
        results[language] = LanguageResult(language, predicted)
    return results


def ntrex_accuracy(identifier: LanguageIdentifier) -> dict[str, LanguageResult]:
    """Document-level results on NTREX-128 (123 documents per language)."""
    return evaluate(identifier, sorted(NTREX_FILES), ntrex_documents)


def lingua_accuracy(identifier: LanguageIdentifier) -> dict[str, LanguageResult]:
    """Sentence-level results on lingua-py's test sentences (up to 1,000 per language)."""
    return evaluate(identifier, sorted(LINGUA_FILES), lingua_sentences)


def accuracy_table(title: str, before: dict[str, LanguageResult], after: dict[str, LanguageResult]) -> str:
    """Per-language accuracy, fastText alone (``before``) vs with the second stage (``after``)."""
    lines = [title, f"{'language':<10} {'n':>5} {'fastText':>9} {'+ms/id':>9}  most frequent error (+ms/id)"]
    for language, result in after.items():
        errors = [(label, n) for label, n in result.predicted.most_common() if label != language]
        error = f"{errors[0][0]} x{errors[0][1]}" if errors else "-"
        lines.append(
            f"{language:<10} {result.total:>5} {before[language].accuracy:>9.1%} {result.accuracy:>9.1%}  {error}"
        )
    return "\n".join(lines)


def confusion_table(title: str, results: dict[str, LanguageResult]) -> str:
    """Gold Malay / Indonesian (rows) against predicted Malay / Indonesian / anything else."""
    lines = [title, f"{'gold':<10} {MALAY:>9} {INDONESIAN:>9} {'other':>6}"]
    for gold in (MALAY, INDONESIAN):
        predicted = results[gold].predicted
        other = results[gold].total - predicted[MALAY] - predicted[INDONESIAN]
        lines.append(f"{gold:<10} {predicted[MALAY]:>9} {predicted[INDONESIAN]:>9} {other:>6}")
    return "\n".join(lines)


def orthography_audit(texts: list[str]) -> tuple[int, int]:
    """``(texts using only Malaysian forms, texts using only Indonesian forms)`` of ORTHOGRAPHY_MARKERS."""
    malay = {ms for ms, _ in ORTHOGRAPHY_MARKERS}
    indonesian = {id_ for _, id_ in ORTHOGRAPHY_MARKERS}
    counts = [0, 0]
    for text in texts:
        words = set(_WORD.findall(text.lower()))
        has_malay, has_indonesian = bool(words & malay), bool(words & indonesian)
        if has_malay != has_indonesian:
            counts[has_indonesian] += 1
    return counts[0], counts[1]


def audit_table(title: str, corpora: dict[str, list[str]]) -> str:
    """Gold label audit: how many texts of each corpus use Malaysian vs Indonesian forms."""
    lines = [title, f"{'corpus':<18} {'texts':>6} {'Malaysian forms':>16} {'Indonesian forms':>17}"]
    for name, texts in corpora.items():
        malay, indonesian = orthography_audit(texts)
        lines.append(f"{name:<18} {len(texts):>6} {malay:>16} {indonesian:>17}")
    return "\n".join(lines)


def main() -> int:
    reason = missing(NTREX, LINGUA)
    if reason:
        print(reason, file=sys.stderr)
        return 1
    runs = {}
    for name, identifier in (("fastText", LanguageIdentifier(close_pairs=False)), ("+ms/id", LanguageIdentifier())):
        identifier.predict(["warm-up: load the models"])
        start = time.perf_counter()
        runs[name] = (ntrex_accuracy(identifier), lingua_accuracy(identifier))
        print(f"{name}: {time.perf_counter() - start:.2f} s for both corpora (including normalisation)")
    (ntrex_before, lingua_before), (ntrex_after, lingua_after) = runs["fastText"], runs["+ms/id"]
    print()
    print(accuracy_table("NTREX-128 document accuracy", ntrex_before, ntrex_after))
    print()
    print(accuracy_table("lingua sentence accuracy", lingua_before, lingua_after))
    for corpus, before, after in (("NTREX-128", ntrex_before, ntrex_after), ("lingua", lingua_before, lingua_after)):
        print()
        print(confusion_table(f"{corpus} Malay/Indonesian confusion, fastText alone", before))
        print(confusion_table(f"{corpus} Malay/Indonesian confusion, fastText + second stage", after))
    print()
    corpora = {
        "NTREX-128 zsm_Latn": ntrex_documents(MALAY),
        "NTREX-128 ind_Latn": ntrex_documents(INDONESIAN),
        "lingua zsm_Latn": lingua_sentences(MALAY),
        "lingua ind_Latn": lingua_sentences(INDONESIAN),
    }
    print(audit_table("Gold-label audit: texts using only one side's forms of ORTHOGRAPHY_MARKERS", corpora))
    return 0


if __name__ == "__main__":
    sys.exit(main())
