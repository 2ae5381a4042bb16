"""The one resource every asset reads: where the data is and which sources, mix and settings to use."""

import os
from pathlib import Path

import dagster as dg

from pipelines.curate.config import DEFAULT_TOKENIZERS, CurateConfig
from pipelines.dedup.config import DedupConfig
from pipelines.extract.html import ExtractOptions
from pipelines.runtime.executors import load_executor_config
from pipelines.storage.layout import DataLayout

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class SeamixSettings(dg.ConfigurableResource):
    """Data root, source registry, mix spec and run settings (defaults: the bundled sample)."""

    data_root: str = os.environ.get("SEAMIX_DATA_ROOT", str(PROJECT_ROOT / "data"))  # folder or fsspec URL (s3://...)
    catalog_path: str | None = os.environ.get("SEAMIX_CATALOG")  # local DuckDB file; None: DataLayout's default
    sources_file: str = os.environ.get("SEAMIX_SOURCES", str(PROJECT_ROOT / "sources" / "demo.yaml"))
    mix_file: str = os.environ.get("SEAMIX_MIX", str(PROJECT_ROOT / "mixes" / "demo.yaml"))  # the job's mix
    mixes_dir: str = os.environ.get("SEAMIX_MIXES", str(PROJECT_ROOT / "mixes"))  # one mix partition per *.yaml
    tokenizers: list[str] = list(DEFAULT_TOKENIZERS)
    quality_config: str | None = None
    mask_pii: bool = False  # mask e-mails, public IPs and phone numbers in kept text
    keep_dropped_text: bool = False  # keep dropped documents' text aside (DuckDB view dropped_text)
    extractor: str = "resiliparse"  # or trafilatura
    dedup_source_priority: list[str] = []  # sources whose copy survives dedup first; then longest, then id
    workers: int | None = None  # None: 1, or the executor config file's
    executor: str | None = None  # local | ray | slurm; None: local, or the executor config file's
    executor_config: str | None = os.environ.get("SEAMIX_EXECUTOR_CONFIG")  # YAML: kind, workers, ray, slurm

    def curate_config(self) -> CurateConfig:
        """The engine's curation settings."""
        return CurateConfig(
            sources_file=self.sources_file,
            data_root=self.data_root,
            tokenizers=tuple(self.tokenizers),
            quality_config=self.quality_config,
            mask_pii=self.mask_pii,
            keep_dropped_text=self.keep_dropped_text,
            extract=ExtractOptions(extractor=self.extractor),
            dedup=DedupConfig(source_priority=tuple(self.dedup_source_priority)),
            executor=load_executor_config(self.executor_config, self.executor, self.workers),
        )

    @property
    def layout(self) -> DataLayout:
        """Paths under the data root."""
        return DataLayout.at(self.data_root, self.catalog_path)

    @property
    def mix_key(self) -> str:
        """The mix partition of the job's mix file: its file name without ``.yaml``."""
        return Path(self.mix_file).stem

    def mix_spec_file(self, key: str) -> str:
        """The spec file of a mix partition: the job's mix file for its key, else ``<mixes_dir>/<key>.yaml``."""
        return self.mix_file if key == self.mix_key else str(Path(self.mixes_dir) / f"{key}.yaml")
