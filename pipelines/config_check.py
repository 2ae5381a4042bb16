"""Check a run's config files before its first stage, and any config file on its own (``seamix validate``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines.config_file import (
    KIND_NAMES,
    ConfigError,
    expect_kind,
    marked_kind,
    read_yaml,
)
from pipelines.curate.config import CurateConfig
from pipelines.decontaminate.evalsets import load_evalsets
from pipelines.ingest.config import load_sources
from pipelines.mix.spec import MixSpec, load_mix_spec
from pipelines.posttrain.spec import load_posttrain_spec
from pipelines.quality.config import load_quality_config
from pipelines.runtime.executors import ExecutorConfig, load_executor_config
from pipelines.tokens.registry import resolve_tokenizer


def check_run_configs(config: CurateConfig, mix_file: str | Path | None = None) -> MixSpec | None:
    """Load the sources file, quality thresholds and (when given) mix spec of a run, and find its
    tokenizers; the executor settings were checked when ``config`` was built. Raises ConfigError naming
    the bad file, entry and field (TokenizerNotFoundError naming what was tried), so a typo fails in
    seconds rather than after hours of curation. Returns the mix spec."""
    load_sources(config.sources_file)
    check_quality_config(config.quality_config)
    for name in config.tokenizers:
        resolve_tokenizer(name)  # found (and cached) now, not when the tokens stage starts
    return load_mix_spec(mix_file) if mix_file is not None else None


def check_quality_config(path: str | Path | None) -> None:
    """Load the quality thresholds at ``path`` (None: the defaults); their errors become ConfigErrors."""
    if path is not None:
        expect_kind(read_yaml(path), path, "quality")
    try:
        load_quality_config(path)
    except ConfigError:
        raise
    except ValueError as exc:  # load_quality_config names file, language and field in its ValueErrors
        raise ConfigError(str(exc)) from None


def detect_kind(data: Any, path: str | Path) -> str:
    """Which kind of config file the parsed YAML ``data`` is: a key of :data:`KIND_NAMES`."""
    kind = marked_kind(data)
    if kind is not None:
        return kind
    if isinstance(data, dict) and data and set(data) <= set(ExecutorConfig.model_fields):
        return "executor"
    raise ConfigError(
        f"{path}: cannot tell what kind of config this is; expected a top-level 'sources:' list (source registry), "
        f"'rows:' (mix spec; with 'unit:' or 'total:', a post-training one), 'quality:' (quality thresholds), "
        f"'evalsets:' (eval-set registry) or executor settings "
        f"({', '.join(ExecutorConfig.model_fields)})"
    )


def validate_file(path: str | Path) -> str:
    """Check the config file at ``path`` on its own, whatever its kind (a mix spec with all its
    published-table checks); return what it is, or raise ConfigError naming file, entry and field."""
    kind = detect_kind(read_yaml(path), path)
    if kind == "sources":
        count = len(load_sources(path))
        return f"{KIND_NAMES[kind]}, {count} source{'s' if count != 1 else ''}"
    if kind == "mix":
        spec = load_mix_spec(path)
        return f"{KIND_NAMES[kind]} {spec.name!r}, {len(spec.rows)} rows, {spec.row_tokens:,} tokens"
    if kind == "posttrain":
        posttrain = load_posttrain_spec(path)
        return f"{KIND_NAMES[kind]} {posttrain.name!r}, {len(posttrain.rows)} rows, {posttrain.total:,} {posttrain.unit}"
    if kind == "evalsets":
        return f"{KIND_NAMES[kind]}, {len(load_evalsets(path))} eval sets"
    if kind == "quality":
        check_quality_config(path)
        return KIND_NAMES[kind]
    return f"{KIND_NAMES[kind]}, kind {load_executor_config(path).kind}"
