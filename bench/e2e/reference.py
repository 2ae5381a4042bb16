"""The reference: the same job built from datatrove's own blocks, the FineWeb way.

1. WarcReader -> Trafilatura -> LanguageFilter (fastText lid.176, the eleven languages) ->
   GopherRepetition / GopherQuality / C4Quality / FineWebQuality filters with each document's
   language -> JsonlWriter;
2. MinhashDedupSignature -> MinhashDedupBuckets -> MinhashDedupCluster (FineWeb's 14 x 8);
3. JsonlReader -> MinhashDedupFilter -> TokensCounter (Gemma 3) -> TokensCounter (Qwen3) -> JsonlWriter.

datatrove's filters take one language when built, so a small step routes each document to the
filters built for its language (FineWeb-2 runs one pipeline per language instead). Burmese uses
datatrove's whitespace fallback: its Burmese tokenizer needs pyidaungsu, which installs a second
``fasttext`` module. Everything runs in one task on one process (``workers=1``); Trafilatura runs in
datatrove's sandbox subprocess, whose CPU time is counted. Per-step seconds come from datatrove's
own stats (``time_stats``)."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import datatrove.pipeline.base
import numpy as np
from datatrove.data import Document
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.pipeline.extractors import Trafilatura
from datatrove.pipeline.filters import (
    C4QualityFilter,
    FineWebQualityFilter,
    GopherQualityFilter,
    GopherRepetitionFilter,
    LanguageFilter,
)
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.readers import JsonlReader, WarcReader
from datatrove.pipeline.tokens import TokensCounter
from datatrove.pipeline.writers import JsonlWriter
from datatrove.utils.word_tokenizers import WhitespaceTokenizer

from pipelines.langid.languages import canonical
from pipelines.quality.config import load_quality_config, thresholds_for

#: lid.176 label -> the language argument datatrove's filters get for it.
FILTER_LANGUAGES = {"en": "en", "zh": "zh", "id": "id", "ms": "ms", "tl": "fil", "vi": "vi", "th": "th",
                    "ta": "ta", "km": "km", "lo": "lo", "my": None}
#: datatrove step name -> the seamix stage it does the work of.
STAGE_OF_STEP = {"Warc": "ingest", "Trafilatura": "extract", "Language ID": "langid",
                 "per-language filters": "quality", "MinHash": "dedup", "Counter": "tokens"}


class PerLanguageFilters(PipelineStep):
    """Runs the filters built for ``doc.metadata["language"]`` on each document; keeps it when all pass."""

    name = "per-language filters"
    type = "🔻 - FILTER"

    def __init__(self, filters: dict[str, list[BaseFilter]]):
        super().__init__()
        self.filters = filters

    def run(self, data, rank: int = 0, world_size: int = 1):
        for doc in data:
            self.stat_update("total")
            with self.track_time():
                try:
                    keep = all(_passes(f, doc) for f in self.filters[doc.metadata["language"]])
                except ValueError:  # datatrove's Tamil sentence splitter raises on some lines
                    self.stat_update("filter_errors")
                    keep = False
            if keep:
                self.stat_update("forwarded")
                yield doc
            else:
                self.stat_update("dropped")


def _passes(step: BaseFilter, doc: Document) -> bool:
    result = step.filter(doc)
    return result[0] if isinstance(result, tuple) else bool(result)


def _language_filters(label: str, language: str | None) -> list[BaseFilter]:
    """datatrove's four filters for one language, with seamix's thresholds and stop words for it
    (the same job: datatrove's defaults are English's, e.g. English stop words)."""
    lang = language or WhitespaceTokenizer()
    settings = thresholds_for(load_quality_config(), canonical(label))
    rep, q, fw = settings.gopher_repetition, settings.gopher_quality, settings.fineweb
    return [
        GopherRepetitionFilter(
            dup_line_frac=rep.max_dup_line_frac, dup_para_frac=rep.max_dup_para_frac, dup_line_char_frac=rep.max_dup_line_char_frac,
            dup_para_char_frac=rep.max_dup_para_char_frac, top_n_grams=rep.max_top_ngram_char_frac,
            dup_n_grams=rep.max_dup_ngram_char_frac, language=lang),
        GopherQualityFilter(
            min_doc_words=q.min_words, max_doc_words=q.max_words, min_avg_word_length=q.min_avg_word_length,
            max_avg_word_length=q.max_avg_word_length, max_symbol_word_ratio=q.max_symbol_word_ratio,
            max_bullet_lines_ratio=q.max_bullet_lines_ratio, max_ellipsis_lines_ratio=q.max_ellipsis_lines_ratio,
            max_non_alpha_words_ratio=q.min_alpha_words_ratio, min_stop_words=q.min_stop_words,
            stop_words=list(q.stop_words), language=lang),
        C4QualityFilter(filter_no_terminal_punct=False, language=lang),
        FineWebQualityFilter(
            line_punct_thr=fw.min_line_punct_ratio, short_line_thr=fw.max_short_line_ratio,
            short_line_length=fw.short_line_length, char_duplicates_ratio=fw.max_dup_line_chars_ratio,
            new_line_ratio=fw.max_newline_word_ratio, language=lang),
    ]


def _accept_fasttext_predict(step_name: str, dependencies: list) -> None:
    """datatrove's dependency check, except that the ``fasttext`` module may come from
    ``fasttext-predict`` (datatrove asks for the ``fasttext-numpy2-wheel`` distribution, which
    would install a second ``fasttext`` module next to it)."""
    _check_dependencies(step_name, [d for d in dependencies if d != ("fasttext", "fasttext-numpy2-wheel")])


_check_dependencies = datatrove.pipeline.base.check_required_dependencies
datatrove.pipeline.base.check_required_dependencies = _accept_fasttext_predict


class LocalLanguageFilter(LanguageFilter):
    """datatrove's LanguageFilter with lid.176 loaded from a local file (its download URL is unreachable here)."""

    def __init__(self, model_path: str, languages: list[str]):
        super().__init__(languages=languages, language_threshold=0.5)
        self.model._model = _NumpyScores(model_path)


class _NumpyScores:
    """fasttext-predict's model answering with numpy scores, as datatrove's FastTextLID expects;
    loaded on first use (datatrove copies the pipeline for each task)."""

    def __init__(self, model_path: str):
        self.model_path = model_path

    @cached_property
    def model(self):
        import fasttext

        return fasttext.load_model(self.model_path)

    def predict(self, text: str, k: int = 1):
        labels, scores = self.model.predict(text, k=k)
        return labels, np.asarray(scores)


def run_reference(corpus_dir: str, work_dir: str, lid_model: str, tokenizer_files: list[str]) -> dict:
    """Run the three pipelines; return per-stage seconds (datatrove's stats) and the number of
    documents each stage received."""
    work = Path(work_dir)
    config = MinhashConfig()
    filters = {label: _language_filters(label, lang) for label, lang in FILTER_LANGUAGES.items()}
    n_files = len(list(Path(corpus_dir).glob("*.warc.gz")))
    pipelines = {
        "main": ([WarcReader(corpus_dir, glob_pattern="*.warc.gz"), Trafilatura(favour_precision=True, timeout=60),
                  LocalLanguageFilter(lid_model, list(FILTER_LANGUAGES)), PerLanguageFilters(filters), JsonlWriter(str(work / "filtered"))], n_files),
        "signatures": ([JsonlReader(str(work / "filtered")), MinhashDedupSignature(str(work / "sigs"), config)], n_files),
        "buckets": ([MinhashDedupBuckets(str(work / "sigs"), str(work / "buckets"), config=config)], config.num_buckets),
        "clusters": ([MinhashDedupCluster(str(work / "buckets"), str(work / "remove"), config)], 1),
        "final": ([JsonlReader(str(work / "filtered")), MinhashDedupFilter(str(work / "remove")),
                   *[TokensCounter(path) for path in tokenizer_files], JsonlWriter(str(work / "out"))], n_files),
    }
    seconds: dict[str, float] = {}
    counts: dict[str, int] = {}
    for name, (pipeline, tasks) in pipelines.items():
        logs = work / "logs" / name
        LocalPipelineExecutor(pipeline, tasks=tasks, workers=1, logging_dir=str(logs)).run()
        for step in json.loads((logs / "stats.json").read_text()):
            stage = next((s for key, s in STAGE_OF_STEP.items() if key in step["name"]), "io")
            time_stats = step["time_stats"]
            seconds[stage] = seconds.get(stage, 0.0) + (time_stats["total"] if isinstance(time_stats, dict) else 0.0)
            received = step["stats"].get("total", step["stats"].get("documents"))  # filters / readers
            if isinstance(received, dict):
                received = received.get("total")
            if received is not None and stage not in ("io", "tokens"):
                counts.setdefault(stage, received)  # the stage's first step sees what the stage received
            if "MinHash stage 4" in step["name"]:
                counts["tokens"] = step["stats"]["forwarded"]
            if "filter_errors" in step["stats"]:
                counts["filter_errors"] = step["stats"]["filter_errors"]
    return {"seconds": seconds, "counts": counts}
