"""Source registry: which corpora to ingest, where they are and how to read them (``sources.yaml``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationInfo, field_validator, model_validator

from pipelines.config_file import (
    ConfigError,
    Identifier,
    StrictModel,
    expect_kind,
    read_yaml,
    validate,
)
from pipelines.ingest.commoncrawl.options import parse_cc_options
from pipelines.langid.languages import canonical

#: Source kinds and what they read.
KINDS: dict[str, str] = {
    "warc": "Common Crawl / web archive WARC files (HTML responses)",
    "wet": "Common Crawl WET files (extracted text)",
    "fineweb2": "FineWeb2 Parquet layout data/<lang>_<Script>/train/*.parquet",
    "sea-lion-pile": "SEA-LION Pile mC4 JSON lines sea-pile-mc4/<lang>/*.jsonl(.gz/.zst)",
    "jsonl": "generic JSON lines (.jsonl, .gz, .zst) with a column mapping",
    "parquet": "generic Parquet files with a column mapping",
    "cc-index": "Common Crawl records fetched by byte range from a work list built from the columnar URL index",
    "chat": "post-training conversations (JSONL/JSON/Parquet; layout detected per file or set by format:), see pipelines/posttrain",
}

#: Canonical document fields that ``columns`` may map to a source column.
CANONICAL_FIELDS = ("text", "id", "url", "date", "dump", "language")

#: Kinds whose columns come from the ``columns`` mapping.
MAPPED_KINDS = ("jsonl", "parquet")


class SourceConfig(StrictModel):
    """One input corpus. ``language`` is stored canonical; ``mix_source`` defaults to ``name``;
    ``columns`` maps canonical fields (text, id, url, date, dump, language) to source columns;
    ``options`` holds kind-specific settings (e.g. the Common Crawl listing selection).
    Validated with the context ``{"base": folder}``, relative local ``paths`` are resolved against it."""

    name: Identifier
    kind: str
    paths: tuple[str, ...]
    language: str | None = None
    mix_source: str = ""
    columns: dict[str, str] = Field({}, validate_default=True)
    crawl: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    # the layout of a ``chat`` source's files (pipelines/posttrain/formats.py; None: detected per file);
    # out of the repr, which text stages fingerprint
    format: str | None = Field(default=None, repr=False)

    def __hash__(self) -> int:  # ``columns`` is a dict, so hash the identifying fields only
        return hash((self.name, self.kind, self.paths))

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        """Empty ``mix_source``/``columns``/``options`` (or null in the YAML) take their defaults."""
        if not isinstance(data, dict):
            return data
        data = {key: value for key, value in data.items() if key not in ("columns", "options") or value is not None}
        return {**data, "mix_source": data.get("mix_source") or data.get("name") or ""}

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; known: {', '.join(KINDS)}")
        return kind

    @field_validator("paths", mode="before")
    @classmethod
    def _resolve_paths(cls, paths: Any, info: ValidationInfo) -> Any:
        """One path or a list; ``~`` is the user's home; local relative paths become paths under the
        context's ``base``."""
        paths = [paths] if isinstance(paths, str) else paths
        if not isinstance(paths, (list, tuple)) or not paths or not all(isinstance(p, str) and p for p in paths):
            raise ValueError(f"must be a non-empty path or list of paths, got {paths!r}")
        paths = [p if "://" in p else os.path.expanduser(p) for p in paths]
        base = (info.context or {}).get("base")
        if base is None:
            return tuple(paths)
        return tuple(p if "://" in p or Path(p).is_absolute() else str(Path(base) / p) for p in paths)

    @field_validator("language")
    @classmethod
    def _canonical_language(cls, language: str | None) -> str | None:
        return None if language is None else canonical(language)

    @field_validator("columns")
    @classmethod
    def _column_mapping(cls, columns: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        """Check ``columns`` against the kind and fill the default ``text -> text``."""
        kind = info.data.get("kind")
        if columns and kind not in MAPPED_KINDS:
            raise ValueError(f"is only used by kinds {', '.join(MAPPED_KINDS)}, not {kind!r}")
        unknown = sorted(set(columns) - set(CANONICAL_FIELDS))
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(unknown)}; known: {', '.join(CANONICAL_FIELDS)}")
        bad = [key for key, value in columns.items() if not value]
        if bad:
            raise ValueError(f"column name for {', '.join(bad)} must be a non-empty string")
        return {"text": "text", **columns} if kind in MAPPED_KINDS else {}

    @field_validator("options")
    @classmethod
    def _kind_options(cls, options: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        if info.data.get("kind") == "cc-index":
            parse_cc_options(options)
        return options


class SourceRegistry(StrictModel):
    """A sources file: a top-level ``sources:`` list."""

    sources: list[dict[str, Any]]


def load_sources(path: str | Path) -> list[SourceConfig]:
    """Read a YAML file with a top-level ``sources:`` list. Relative paths are resolved against
    the YAML's folder. Any bad entry raises ConfigError naming the file, the entry and the field."""
    path = Path(path)
    data = read_yaml(path)
    expect_kind(data, path, "sources")
    registry = validate(SourceRegistry, data, str(path))
    sources: list[SourceConfig] = []
    seen: set[str] = set()
    for index, entry in enumerate(registry.sources):
        where = f"{path}: sources[{index}] (name {entry.get('name', '?')!r})"
        source = validate(SourceConfig, entry, where, context={"base": path.parent})
        if source.name in seen:
            raise ConfigError(f"{where}: field 'name': duplicate source name {source.name!r}")
        seen.add(source.name)
        sources.append(source)
    return sources
