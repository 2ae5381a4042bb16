"""The one resource every asset reads: where the data is and which sources, mix and settings to use."""

import functools
import os
from collections.abc import Callable
from pathlib import Path

import dagster as dg

from pipelines.config_check import check_run_configs
from pipelines.curate.config import DEFAULT_TOKENIZERS, CurateConfig
from pipelines.storage.layout import DataLayout
from pipelines.storage.lock import data_root_lock

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
    allow_failed_files: bool = False  # True: a source whose every file fails to read does not fail ingest
    evalsets_file: str | None = os.environ.get("SEAMIX_EVALSETS")  # eval-set registry; None: no decontamination
    decontam_action: str = "drop"  # report | drop | cut
    langid_backend: str = "fasttext"  # or heliport (optional extra); pipelines/langid/backends.py
    langid_model: str | None = None  # fastText model path; None: lid.176.ftz (e.g. a GlotLID model.bin)
    one_pass: bool = True  # ingest → extract → langid → quality in one pass per file; False: one stage at a time

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Check every config file before any asset of the run computes (a typo fails in seconds)."""
        check_run_configs(self.curate_config(), self.mix_file)

    def curate_config(self) -> CurateConfig:
        """The engine's curation settings (built as the CLI builds them)."""
        return CurateConfig.from_settings(
            sources_file=self.sources_file, data_root=self.data_root, tokenizers=self.tokenizers,
            quality_config=self.quality_config, mask_pii=self.mask_pii, keep_dropped_text=self.keep_dropped_text,
            extractor=self.extractor, dedup_priority=self.dedup_source_priority,
            executor_config=self.executor_config, executor=self.executor, workers=self.workers,
            allow_failed_files=self.allow_failed_files, evalsets_file=self.evalsets_file,
            decontam_action=self.decontam_action, langid_backend=self.langid_backend, langid_model=self.langid_model,
            one_pass=self.one_pass,
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


def writes_data_root(compute: Callable) -> Callable:
    """Decorate an asset's or op's compute function (below ``@dg.asset`` / ``@dg.op``) so that it holds the data root's
    writer lock, owned by its Dagster run, while it runs (one writer per data root; steps of the same
    run share it). A plain function, not a context-manager resource, so sensors can still use SeamixSettings."""

    @functools.wraps(compute)
    def holding_lock(*args, **kwargs):
        context = next((a for a in (*args, *kwargs.values()) if isinstance(a, (dg.AssetExecutionContext, dg.OpExecutionContext))), None)
        run_id = context.run.run_id if context is not None else None
        with data_root_lock(kwargs["seamix"].layout.root, command=f"dagster run {run_id}", run_id=run_id):
            return compute(*args, **kwargs)

    return holding_lock
