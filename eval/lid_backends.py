"""Language-ID backends side by side on the same sets, as the langid stage decides (label and its
minimum score): accuracy per target language, share of non-target text kept as a target, docs/s.

Backends: lid.176 alone, lid.176 + the project's stages (Malay/Indonesian second stage, script,
Myanmar and regional checks: the default), heliport alone and + stages (when the optional extra is
installed), and GlotLID v3 + stages when ``SEAMIX_GLOTLID`` names a local ``model.bin``.

Sets: NTREX-128 documents (11 targets), the Malaysian Malay held-out texts when fetched (Malaya's
sentences and five-sentence documents, the UDHR in Malay and Indonesian; eval/malay_heldout.py),
the UDHR in 34 other languages of the region (Latin, Myanmar, Tai Tham, Tai Viet, Javanese, Jawi
and Han script; eval/malay_heldout.py's UDHR_REGIONAL),
NusaX-MT *test* (Indonesian and ten local languages; the regional check was built from the train
split only), Myanmar-script languages other than Burmese (ricelang's vocabularies, eval/realdata.py),
synthetic Tai Viet, and the whatlang / Tatoeba texts of languages that are not targets (split into those in a target's script, e.g. Javanese or Literary
Chinese, and those in a script no target uses).

Run: ``python -m eval.lid_backends`` (needs ../shared/realdata; ricelang's wheel for the Myanmar set)."""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from eval.malay_heldout import (
    HELDOUT,
    MALAYA_DEV,
    MALAYA_SENTIMENT,
    UDHR,
    UDHR_FILES,
    malaya_documents,
    malaya_sentences,
    udhr_paragraphs,
    udhr_regional,
)
from eval.realdata import (
    NTREX,
    NTREX_FILES,
    NUSAX,
    RICELANG_WHEEL,
    TATOEBA,
    WHATLANG,
    missing,
    myanmar_script_documents,
    ntrex_documents,
    nusax_sentences,
    tai_viet_documents,
    tatoeba_sentences,
    whatlang_paragraphs,
)
from pipelines.langid.build_regional_words import NUSAX_LANGUAGES
from pipelines.langid.identify import LanguageIdentifier, Prediction
from pipelines.langid.languages import BY_CODE, lookup
from pipelines.langid.normalize import normalize_text
from pipelines.langid.scripts import dominant_script
from pipelines.quality.config import load_quality_config

INDONESIAN, MALAY, BURMESE = "ind_Latn", "zsm_Latn", "mya_Mymr"
GOLD, TARGET, AS_BURMESE = "kept as gold", "kept as target", "kept as mya"
#: Scripts the eleven targets are written in.
TARGET_SCRIPTS = {code.partition("_")[2] for code in BY_CODE}


@dataclass
class Outcome:
    """Decisions of one backend on one set: ``kept`` counts the target each text was kept as (None: dropped)."""

    kept: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.kept.values())

    def share(self, language: str | None) -> float:
        """Share kept as ``language``; ``"any"``: kept as any target."""
        if not self.total:
            return 0.0
        if language == "any":
            return sum(n for code, n in self.kept.items() if code is not None) / self.total
        return self.kept[language] / self.total


def min_scores() -> dict[str, float]:
    """The langid stage's minimum scores (pipelines/quality/defaults.yaml)."""
    return {language: t.min_language_score for language, t in load_quality_config(None).items()}


def kept_as(prediction: Prediction, scores: dict[str, float]) -> str | None:
    """The target the langid stage keeps the text as, or None when it drops it."""
    if prediction.language not in BY_CODE:
        return None
    return prediction.language if prediction.score >= scores.get(prediction.language, scores.get("default", 0.0)) else None


def run(identifier: LanguageIdentifier, texts: list[str], scores: dict[str, float]) -> Outcome:
    """Normalise (as the stage does) and identify ``texts``; the time covers both."""
    start = time.perf_counter()
    predictions = identifier.predict([normalize_text(text)[0] for text in texts])
    seconds = time.perf_counter() - start
    return Outcome(Counter(kept_as(p, scores) for p in predictions), seconds)


def backends() -> dict[str, Callable[[], LanguageIdentifier]]:
    """The backends to compare, by column name; heliport and GlotLID only where available."""
    columns: dict[str, Callable[[], LanguageIdentifier]] = {
        "lid.176": lambda: LanguageIdentifier(close_pairs=False, checks=False),
        "lid.176+stages": lambda: LanguageIdentifier(),
    }
    try:
        import heliport  # noqa: F401
    except ImportError:
        print("heliport not installed (pip install 'seamix[heliport]'): its columns are left out", file=sys.stderr)
    else:
        columns["heliport"] = lambda: LanguageIdentifier(backend="heliport", close_pairs=False, checks=False)
        columns["heliport+stages"] = lambda: LanguageIdentifier(backend="heliport")
    glotlid = os.environ.get("SEAMIX_GLOTLID")
    if glotlid and Path(glotlid).is_file():
        columns["glotlid+stages"] = lambda: LanguageIdentifier(glotlid)
    else:
        print("SEAMIX_GLOTLID not set to a GlotLID model.bin: GlotLID is not compared (untested here)", file=sys.stderr)
    return columns


#: A set: its texts, the share measured (a target code, or "any" target) and how the table names it.
EvalSet = tuple[list[str], str, str]


def evaluation_sets() -> dict[str, EvalSet]:
    """Set name -> (texts, measured code or ``"any"``, label): targets are measured as kept as their
    gold language, other languages as kept as any target (the Myanmar set: kept as Burmese)."""
    sets: dict[str, EvalSet] = {}
    for language in sorted(NTREX_FILES):
        sets[f"NTREX {language}"] = (ntrex_documents(language), language, GOLD)
    if MALAYA_SENTIMENT.is_file() and MALAYA_DEV.is_file():
        sets[f"Malaya documents {MALAY}"] = (malaya_documents(), MALAY, GOLD)
        sets[f"Malaya sentences {MALAY}"] = (malaya_sentences(), MALAY, GOLD)
    if UDHR.is_file():
        for language in (MALAY, INDONESIAN, *sorted(set(UDHR_FILES) - {MALAY, INDONESIAN})):
            sets[f"UDHR {language}"] = (udhr_paragraphs(language), language, GOLD)
        regional = udhr_regional()
        for code in sorted(regional):
            sets[f"UDHR regional {code}"] = (regional[code], "any", TARGET)
        sets["UDHR regional, all"] = ([text for texts in regional.values() for text in texts], "any", TARGET)
    sets[f"NusaX test {INDONESIAN}"] = (nusax_sentences("indonesian"), INDONESIAN, GOLD)
    for column, code in NUSAX_LANGUAGES.items():
        if code != INDONESIAN:
            sets[f"NusaX test {code}"] = (nusax_sentences(column), "any", TARGET)
    if RICELANG_WHEEL.is_file():
        for code, documents in myanmar_script_documents().items():
            sets[f"Myanmar script {code}"] = (documents, BURMESE, AS_BURMESE)
    sets["Tai Viet (synthetic)"] = (tai_viet_documents(), "any", TARGET)
    target_script, no_target_script = [], []
    for code, text in [*whatlang_paragraphs().items(), *tatoeba_sentences()]:
        if lookup(code) is None:
            script = dominant_script(text)
            (target_script if script in TARGET_SCRIPTS else no_target_script).append(text)
    sets["whatlang+tatoeba non-target, target scripts"] = (target_script, "any", TARGET)
    sets["whatlang+tatoeba, script no target uses"] = (no_target_script, "any", TARGET)
    return sets


def comparison(columns: dict[str, Callable[[], LanguageIdentifier]], sets: dict[str, EvalSet]) -> str:
    """One row per set, one column per backend: kept as the gold target (targets) or kept as a target
    (non-target sets, Burmese for the Myanmar set); last row docs/s over all sets."""
    scores = min_scores()
    outcomes: dict[str, dict[str, Outcome]] = {}
    for column, make in columns.items():
        identifier = make()
        identifier.predict(["warm-up: load the models"])
        outcomes[column] = {name: run(identifier, texts, scores) for name, (texts, _, _) in sets.items()}
    width = max(len(name) for name in sets) + 2
    head = f"{'set':<{width}}{'measure':<15}" + "".join(f"{column:>16}" for column in columns)
    lines = [head]
    for name, (texts, measure, label) in sets.items():
        row = f"{name:<{width}}{label:<15}" + "".join(f"{outcomes[c][name].share(measure):>16.1%}" for c in columns)
        lines.append(f"{row}   n={len(texts)}")
    total = sum(len(texts) for texts, _, _ in sets.values())
    lines.append(
        f"{'docs/s (all sets)':<{width + 15}}"
        + "".join(f"{total / sum(o.seconds for o in outcomes[c].values()):>16.0f}" for c in columns)
    )
    return "\n".join(lines)


def main() -> int:
    reason = missing(NTREX, NUSAX, WHATLANG, TATOEBA)
    if reason:
        print(reason, file=sys.stderr)
        return 1
    if not RICELANG_WHEEL.is_file():
        print(f"{RICELANG_WHEEL} absent: no Myanmar-script set (see eval/realdata.py)", file=sys.stderr)
    if not (UDHR.is_file() and MALAYA_SENTIMENT.is_file() and MALAYA_DEV.is_file()):
        print(f"some Malaysian Malay held-out texts are missing under {HELDOUT}: see eval/malay_heldout.py", file=sys.stderr)
    print(comparison(backends(), evaluation_sets()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
