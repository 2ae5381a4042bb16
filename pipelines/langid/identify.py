"""Language ID: a model backend (fastText lid.176 by default, GlotLID by path, or heliport; see
pipelines/langid/backends.py), the Malay vs Indonesian second stage (pipelines/langid/close_pairs.py),
then the checks that keep other languages out of the eleven: the document's dominant script must be
its label's script (pipelines/langid/scripts.py; Latin names within a sentence in another script
aside; Han text without kana is not Japanese, so the model's Japanese probability is taken out of
its ranking), Myanmar-script text with Shan, Mon or Karen letters
is not Burmese, Chinese text written in Cantonese, Wu, Hakka, Min Nan, Classical Chinese or Han-Nom
is not Chinese (pipelines/langid/han_varieties.py), and Indonesian, Malay or Filipino text that reads as a regional
language is that language (pipelines/langid/regional.py); the backend's probabilities are read given
the text's script (``_given_script``); and the langid stage (normalise, identify, drop)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import langcodes
import pyarrow as pa

from pipelines.langid.backends import Backend, default_model_path, make_backend  # noqa: F401 (cli, bench)
from pipelines.langid.close_pairs import (
    INDONESIAN,
    MALAY,
    PAIR,
    MalayIndonesianClassifier,
    malay_indonesian,
)
from pipelines.langid.han_varieties import han_variety
from pipelines.langid.languages import BY_CODE, OTHER, REGIONAL, lookup, regional
from pipelines.langid.normalize import normalize_text
from pipelines.langid.regional import (
    TARGET_LISTS,
    RegionalLanguages,
    regional_languages,
)
from pipelines.langid.scripts import (
    NO_SCRIPT,
    dominant_script,
    myanmar_language,
    sampled_counts,
    script_share,
)
from pipelines.runtime.drops import split_by_reason

#: Characters of a document given to the model; lid.176 is stable long before that.
MAX_CHARS = 2000
#: Labels fastText is asked for at least: the pair's probability needs both Malay and Indonesian.
_MIN_K = 3
#: Han script variants that all map to the registry's Hani.
_HAN_SCRIPTS = {"Hani", "Hans", "Hant"}
#: Language of a text whose script is not its label's: ``und_`` + the script (``und_Tavt``).
UNDETERMINED = "und_{script}"
#: Share of a Latin-plurality text's letters in its label's script from which the label stands
#: (``_written_script``): 0.2 keeps the NTREX sentences whose Latin names outnumber their Thai (0.22
#: of the letters at the least), Khmer, Lao, Burmese or Han; text in another language has none of them.
EMBEDDED_LATIN_SHARE = 0.2
#: The Chinese target (written Mandarin), checked for other Han-script varieties.
CHINESE = "cmn_Hani"
#: Japanese as the backends label it: Han text without kana is never Japanese.
_JAPANESE = {"ja", "jpn", "jpn_Jpan"}
#: heliport's one label for Malay and Indonesian; undecided, it is Indonesian, the larger web language.
_HELIPORT_MALAY = "msa"
#: Scripts of Han mixed with kana or Hangul: the kana check owns their labels (``_without_japanese``).
_KANA_SCRIPTS = {"Jpan", "Kore"}


@dataclass(frozen=True)
class Prediction:
    """Language of one text: ``language`` is a target's canonical code, a regional language's code
    (``jav_Latn``, ``shn_Mymr``), ``und_<Script>`` for a target label in the wrong script, or
    ``OTHER``; ``top`` holds the k best (code, score) pairs of the backend, codes canonical where
    known, else the raw label, less those the text's script rules out (``_given_script``); ``script``
    is the text's dominant script (ISO 15924), or its label's script when only embedded Latin names
    outnumber that script's letters (``_written_script``).

    When the top label is Malay or Indonesian, ``score`` is the backend's probability of the pair
    (Malay + Indonesian) and the second stage, when confident, chooses which."""

    language: str
    score: float
    top: tuple[tuple[str, float], ...]
    script: str = ""


@cache
def label_code(label: str) -> str:
    """Canonical code of a model label (``__label__ms``, GlotLID's ``__label__zsm_Latn``, heliport's
    ``msa``), a regional language's code (``jv`` -> ``jav_Latn``), else the raw label. A GlotLID
    ``lang_Script`` label outside the registry's aliases maps through its language when the script
    matches (``zho_Hant`` -> ``cmn_Hani``, ``yue_Hant`` -> ``yue_Hani``; ``tam_Latn`` stays itself). Cached: a model has few labels."""
    raw = label.removeprefix("__label__")
    if raw == _HELIPORT_MALAY:
        return INDONESIAN
    code = lookup(raw) or regional(raw)
    if code is not None:
        return code
    language, _, script = raw.partition("_")
    code = (lookup(language) or regional(language)) if script else None
    if code is not None and _same_script(script, code.partition("_")[2]):
        return code
    return raw


def _same_script(a: str, b: str) -> bool:
    return a == b or {a, b} <= _HAN_SCRIPTS


@cache
def label_script(code: str) -> str | None:
    """ISO 15924 script a label's language is written in: a ``lang_Script`` code's own (Han variants
    as ``Hani``), else its language's likely script (langcodes' CLDR data: ``lo`` -> ``Laoo``, ``kn``
    -> ``Knda``); None when unknown."""
    language, _, script = code.partition("_")
    if not script:
        try:
            script = langcodes.Language.get(language).maximize().script or ""
        except ValueError:  # not a language tag
            script = ""
    if len(script) != 4 or not script.istitle() or script == "Zzzz":
        return None
    return "Hani" if script in _HAN_SCRIPTS else script


def lone_scripts(labels: Iterable[str]) -> frozenset[str]:
    """Scripts that exactly one of a backend's ``labels`` is written in (lid.176: Lao, Khmer, Thai,
    Tamil, Myanmar and others; not Latin or Han), kana scripts aside."""
    counts = Counter(label_script(label_code(label)) for label in labels)
    return frozenset(script for script, n in counts.items() if n == 1 and script is not None and script not in _KANA_SCRIPTS)


class LanguageIdentifier:
    """A backend followed by the Malay/Indonesian second stage and the script, Myanmar and regional
    checks; models load on first use, once per process. ``close_pairs=False`` turns the second stage
    off, ``checks=False`` the checks (both off: the backend alone)."""

    def __init__(
        self,
        model_path: str | None = None,
        k: int = 3,
        close_pairs: bool = True,
        checks: bool = True,
        backend: str = "fasttext",
    ) -> None:
        self.model_path = model_path
        self.k = k
        self.close_pairs = close_pairs
        self.checks = checks
        self.backend: Backend = make_backend(backend, model_path)
        self._lone_scripts: frozenset[str] | None = None

    def predict(self, texts: list[str]) -> list[Prediction]:
        """Predict the language of each text (newlines become spaces, first MAX_CHARS characters);
        each distinct line is identified once, all of them in one call to the backend."""
        pair_stage = malay_indonesian() if self.close_pairs else None
        regional_stage = regional_languages() if self.checks else None
        lines = [" ".join(text[:MAX_CHARS].split()) for text in texts]
        distinct = list(dict.fromkeys(lines))
        predicted = {}
        k = max(self.k, _MIN_K)
        if self.checks and self._lone_scripts is None:
            self._lone_scripts = lone_scripts(self.backend.labels())
        for line, ranking in zip(distinct, self.backend.rank_many(distinct, k)):
            ranked = tuple((label_code(label), score) for label, score in ranking)
            if self.checks and ranked:
                if ranked[0][0] in _JAPANESE:
                    ranked = _without_japanese(line, ranked)
                else:
                    ranked = _given_script(line, ranked, self._lone_scripts or frozenset())
            prediction = _prediction(line, ranked, self.k, pair_stage)
            if self.checks:
                prediction = _checked(line, prediction, regional_stage)
            predicted[line] = prediction
        return [predicted[line] for line in lines]


def _prediction(
    line: str, ranked: tuple[tuple[str, float], ...], k: int, pair_stage: MalayIndonesianClassifier | None
) -> Prediction:
    """Top label of ``ranked``; when it is Malay or Indonesian it scores the pair's summed probability
    and ``pair_stage`` chooses between the two from the words and the backend's odds. The stage does
    not fire when the pair merely outweighs another top label: that turned a Javanese Tatoeba sentence
    into Indonesian."""
    if not ranked:
        return Prediction(OTHER, 0.0, ())
    best, score = ranked[0]
    if pair_stage is not None and best in PAIR:
        score = min(sum(p for code, p in ranked if code in PAIR), 1.0)
        best = pair_stage.decide(line, pair_log_odds(ranked)) or best
    language = best if best in BY_CODE or best in REGIONAL else OTHER
    return Prediction(language, score, ranked[:k])


def _without_japanese(line: str, ranked: tuple[tuple[str, float], ...]) -> tuple[tuple[str, float], ...]:
    """``ranked`` as it reads once the text is known not to be Japanese, when its Han characters carry
    no kana: the Japanese labels left out and the other probabilities divided by 1 - P(Japanese), or
    the runner-up scored 1.0 when Japanese had it all (lid.176 calls short Mandarin sentences
    Japanese: *人人有权享有国籍。* ja 0.69, zh 0.30; heliport says jpn, then cmn)."""
    others = tuple((code, score) for code, score in ranked if code not in _JAPANESE)
    if not others or dominant_script(line) != "Hani":
        return ranked
    rest = 1.0 - sum(score for code, score in ranked if code in _JAPANESE)
    if rest <= 0.0:  # all the backend's confidence was Japanese (heliport scores its answer 1.0)
        return ((others[0][0], 1.0), *others[1:])
    return tuple((code, min(score / rest, 1.0)) for code, score in others)


def _given_script(line: str, ranked: tuple[tuple[str, float], ...], lone: frozenset[str]) -> tuple[tuple[str, float], ...]:
    """``ranked`` as it reads once the text's letters are known. Labels written in a script that holds
    less than EMBEDDED_LATIN_SHARE of the text's letters are taken out, and so is the probability left
    outside the top k when the leading label's script is in ``lone`` (no other label of the backend
    writes it) and no other script holds that share; the rest are divided by what remains. lid.176
    gives a Lao sentence 0.31 Lao, 0.18 Vietnamese and 0.08 Kannada: given Lao letters only, its Lao
    is 1.0; *"ທຸກມື້ນີ້, ແມ່ນບໍ່ມີເລີຍ"* Scottish Gaelic 0.27, Lao 0.15: Lao. A top label of an absent
    script gives way only to the one label of such a lone script (else the script check judges it:
    romanised Hindi labelled ``hi`` is not English for its runner-up). Labels of unknown or kana
    script stay; ASCII text counts as Latin."""
    known = [script if script not in _KANA_SCRIPTS else None for script in map(label_script, (code for code, _ in ranked))]
    present = {script for script in known if script is not None}
    if len(present) <= 1 and not present & lone:
        return ranked  # the labels agree on a script others write too: the letters add nothing
    shares = _script_shares(line)
    out = [script is not None and shares.get(script, 0.0) < EMBEDDED_LATIN_SHARE for script in known]
    if all(out):
        return ranked
    lead = out.index(False)
    if lead > 0 and known[lead] not in lone:
        return ranked
    removed = sum(score for (_, score), ruled_out in zip(ranked, out) if ruled_out)
    if known[lead] in lone and all(share < EMBEDDED_LATIN_SHARE for script, share in shares.items() if script != known[lead]):
        removed += max(0.0, 1.0 - sum(score for _, score in ranked))
    rest = 1.0 - removed
    if removed <= 0.0 or rest <= 0.0:
        return ranked
    return tuple((code, min(score / rest, 1.0)) for (code, score), ruled_out in zip(ranked, out) if not ruled_out)


def _script_shares(line: str) -> dict[str, float]:
    """Share of the letters of ``line`` (a line of ``predict``, already cut to MAX_CHARS) in each
    script, as ``sampled_counts`` counts them (ASCII text: all Latin)."""
    if line.isascii():
        return {"Latn": 1.0}
    counts = sampled_counts(line)
    total = sum(counts.values())
    return {script: n / total for script, n in counts.items()} if total else {}


def pair_log_odds(ranked: tuple[tuple[str, float], ...]) -> float:
    """The backend's log P(Malay) / P(Indonesian); a label outside its top k gets the k-th score (its
    upper bound), so heliport's one ``msa`` label gives 0."""
    floor = ranked[-1][1]
    scores: dict[str, float] = {}
    for code, score in ranked:
        scores[code] = scores.get(code, 0.0) + score
    malay, indonesian = scores.get(MALAY, floor), scores.get(INDONESIAN, floor)
    return math.log(malay / indonesian) if malay > 0 and indonesian > 0 else 0.0


def _checked(line: str, prediction: Prediction, regional_stage: RegionalLanguages | None) -> Prediction:
    """``prediction`` with its script, and its language replaced when the text is Myanmar script with
    another Myanmar-script language's letters (whatever the model said), when the script is not the
    label's, when Chinese text is written in another Han variety (han_varieties.py), or when
    Indonesian/Malay/Filipino text reads as a regional language (or as none of the target's words)."""
    script = _written_script(line, prediction.language)
    language = prediction.language
    myanmar = myanmar_language(line) if script == "Mymr" else None
    if myanmar is not None:
        language = myanmar
    elif language in BY_CODE:
        if script == NO_SCRIPT:
            language = OTHER  # no letter at all: no language
        elif not _same_script(script, language.partition("_")[2]):
            language = UNDETERMINED.format(script=script)
        elif language == CHINESE:
            language = han_variety(line) or language
        elif regional_stage is not None and language in TARGET_LISTS:
            decided = regional_stage.decide(line, language)
            language = decided if decided is not None else language
    return Prediction(language, prediction.score, prediction.top, script)


def _written_script(line: str, language: str) -> str:
    """The text's dominant script, or its label's script when Latin letters are the plurality but the
    label's script holds EMBEDDED_LATIN_SHARE of the letters: names, brands and acronyms in Latin
    outnumber the letters of a short Thai, Chinese, Khmer, Lao or Burmese sentence (*Alasdair Lamont
    จาก BBC Scotland รายงานจาก Tony Macaroni Arena*) without making it Latin text."""
    script = dominant_script(line)
    if script != "Latn" or language not in BY_CODE:
        return script
    label_script = language.partition("_")[2]
    if label_script != "Latn" and script_share(line, label_script) >= EMBEDDED_LATIN_SHARE:
        return label_script
    return script


def langid_batch(
    table: pa.Table, identifier: LanguageIdentifier, min_scores: dict[str, float]
) -> tuple[pa.Table, pa.Table]:
    """Normalise ``text``, identify its language and split into ``(kept, dropped)`` (see label_batch)."""
    return split_by_reason(*label_batch(table, identifier, min_scores), stage="langid")


def label_batch(
    table: pa.Table, identifier: LanguageIdentifier, min_scores: dict[str, float]
) -> tuple[pa.Table, list[str | None]]:
    """Normalise ``text`` and identify its language; return the table and each row's drop reason.

    Adds ``language``, ``language_score``, ``script`` and ``zawgyi_converted``; the detected language
    wins over ``declared_language``. Drops ``lang_<code>`` for a language outside the eleven that has
    a name (``lang_jav_Latn``, ``lang_shn_Mymr``, ``lang_und_Tavt``: a target label in another script),
    ``lang_other`` for the rest, and ``lang_low_score`` (score below ``min_scores[language]``, else
    ``min_scores["default"]``, else 0)."""
    normalised = [normalize_text(text or "") for text in table.column("text").to_pylist()]
    texts = [text for text, _ in normalised]
    predictions = identifier.predict(texts)
    default_min = min_scores.get("default", 0.0)
    reasons: list[str | None] = []
    for prediction in predictions:
        if prediction.language not in BY_CODE:
            reasons.append(f"lang_{prediction.language}")
        elif prediction.score < min_scores.get(prediction.language, default_min):
            reasons.append("lang_low_score")
        else:
            reasons.append(None)
    text_index = table.column_names.index("text")
    table = table.set_column(text_index, pa.field("text", pa.large_string()), pa.array(texts, pa.large_string()))
    table = _set(table, "language", pa.array([p.language for p in predictions], pa.string()))
    table = _set(table, "language_score", pa.array([p.score for p in predictions], pa.float64()))
    table = _set(table, "script", pa.array([p.script for p in predictions], pa.string()))
    table = _set(table, "zawgyi_converted", pa.array([converted for _, converted in normalised], pa.bool_()))
    return table, reasons


def _set(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    """Add column ``name`` or replace it when the table already has one."""
    if name in table.column_names:
        return table.set_column(table.column_names.index(name), name, values)
    return table.append_column(name, values)
