"""The ``export:`` section of a mix spec: sequence length, packing and the BOS/EOS tokens (pydantic)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from pipelines.config_file import ConfigError, StrictModel, read_yaml, validate

FORMATS = ("mds", "megatron", "jsonl")
Format = Literal["mds", "megatron", "jsonl"]


class ExportSettings(StrictModel):
    """How a mix is turned into training data: every document becomes ``bos + tokens + eos``;
    with ``pack`` the stream is cut into ``seq_len``-token sequences (MDS), else each document is
    its own sample (split into ``seq_len`` chunks when longer)."""

    seq_len: int = Field(8192, ge=1, le=1 << 24)
    pack: bool = True
    bos: str | None = None  # token string added before each document, e.g. "<bos>"; None: none
    eos: str | None = None  # token string added after each document, e.g. "<eos>"; None: none
    tokenizer: str | None = None  # when given it must be the spec's tokenizer (a check, not a choice)
    mds_shard_bytes: int = Field(1 << 26, ge=1 << 16)  # MDSWriter size_limit per .mds shard
    formats: tuple[Format, ...] = FORMATS  # what the Dagster asset exports (the CLI takes --format)

    def output_settings(self) -> dict:
        """The settings that shape the files (not ``formats``, which only picks what the asset runs)."""
        return self.model_dump(exclude={"formats"})

def load_export_settings(mix_file: str | Path, spec_tokenizer: str) -> ExportSettings:
    """The ``export:`` section of ``mix_file`` (defaults when absent), checked against the spec's
    tokenizer; a ConfigError names the file and field."""
    data = read_yaml(mix_file)
    section = data.get("export") if isinstance(data, dict) else None
    settings = validate(ExportSettings, section or {}, f"{mix_file}: export")
    if settings.tokenizer is not None and settings.tokenizer != spec_tokenizer:
        raise ConfigError(f"{mix_file}: export: field 'tokenizer': {settings.tokenizer!r} is not the spec's "
                          f"tokenizer {spec_tokenizer!r}; the mix was counted with {spec_tokenizer!r}, so the "
                          "export must use it")
    return settings
