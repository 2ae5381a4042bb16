"""Source registry: which corpora to ingest, where they are and how to read them (``sources.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

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

_ENTRY_FIELDS = ("name", "kind", "paths", "language", "mix_source", "columns", "crawl", "options", "format")  # format: kind chat


class SourceFieldError(ValueError):
    """A source entry field is invalid; ``field`` names it."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class SourceConfig:
    """One input corpus. ``language`` is stored canonical; ``mix_source`` defaults to ``name``;
    ``columns`` maps canonical fields (text, id, url, date, dump, language) to source columns;
    ``options`` holds kind-specific settings (e.g. the Common Crawl listing selection)."""

    name: str
    kind: str
    paths: tuple[str, ...]
    language: str | None = None
    mix_source: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    crawl: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise SourceFieldError("name", "must be a non-empty string")
        if "/" in self.name:
            raise SourceFieldError("name", f"{self.name!r} must not contain '/' (it prefixes document ids)")
        if self.kind not in KINDS:
            raise SourceFieldError("kind", f"unknown kind {self.kind!r}; known: {', '.join(KINDS)}")
        paths = (self.paths,) if isinstance(self.paths, str) else tuple(self.paths)
        if not paths or not all(isinstance(p, str) and p for p in paths):
            raise SourceFieldError("paths", "must be a non-empty path or list of paths")
        object.__setattr__(self, "paths", paths)
        if self.language is not None:
            try:
                object.__setattr__(self, "language", canonical(str(self.language)))
            except ValueError as exc:
                raise SourceFieldError("language", str(exc)) from None
        object.__setattr__(self, "mix_source", self.mix_source or self.name)
        object.__setattr__(self, "columns", _column_mapping(self.kind, self.columns))
        if not isinstance(self.options, dict):
            raise SourceFieldError("options", f"must be a mapping of option name to value, got {self.options!r}")
        if self.kind == "cc-index":
            try:
                parse_cc_options(self.options)
            except ValueError as exc:
                raise SourceFieldError("options", str(exc)) from None

    def __hash__(self) -> int:  # ``columns`` is a dict, so hash the identifying fields only
        return hash((self.name, self.kind, self.paths))


def _column_mapping(kind: str, columns: Any) -> dict[str, str]:
    """Validate ``columns`` and fill the default ``text -> text``."""
    if not isinstance(columns, dict):
        raise SourceFieldError("columns", f"must be a mapping of canonical field to column name, got {columns!r}")
    if columns and kind not in MAPPED_KINDS:
        raise SourceFieldError("columns", f"is only used by kinds {', '.join(MAPPED_KINDS)}, not {kind!r}")
    unknown = sorted(set(columns) - set(CANONICAL_FIELDS))
    if unknown:
        raise SourceFieldError("columns", f"unknown field(s) {', '.join(unknown)}; known: {', '.join(CANONICAL_FIELDS)}")
    bad = [k for k, v in columns.items() if not isinstance(v, str) or not v]
    if bad:
        raise SourceFieldError("columns", f"column name for {', '.join(bad)} must be a non-empty string")
    return {"text": "text", **columns} if kind in MAPPED_KINDS else {}


def load_sources(path: str | Path) -> list[SourceConfig]:
    """Read a YAML file with a top-level ``sources:`` list. Relative paths are resolved against
    the YAML's folder. Any bad entry raises ValueError naming the file, the entry and the field."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise ValueError(f"{path}: expected a top-level 'sources:' list")
    sources: list[SourceConfig] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["sources"]):
        where = f"{path}: sources[{index}]"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: expected a mapping, got {entry!r}")
        where += f" ({entry.get('name', '?')})"
        unknown = sorted(set(entry) - set(_ENTRY_FIELDS))
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {', '.join(map(str, unknown))}; known: {', '.join(_ENTRY_FIELDS)}")
        for required in ("name", "kind", "paths"):
            if entry.get(required) in (None, "", []):
                raise ValueError(f"{where}: missing field '{required}'")
        if entry["name"] in seen:
            raise ValueError(f"{where}: field 'name': duplicate source name {entry['name']!r}")
        try:
            source = SourceConfig(
                name=entry["name"],
                kind=entry["kind"],
                paths=_resolve_paths(entry["paths"], path.parent),
                language=entry.get("language"),
                mix_source=entry.get("mix_source") or "",
                columns=entry.get("columns") or {},
                crawl=entry.get("crawl"),
                options=entry.get("options") or {},
            )
        except SourceFieldError as exc:
            raise ValueError(f"{where}: field '{exc.field}': {exc}") from None
        seen.add(source.name)
        sources.append(source)
    return sources


def _resolve_paths(paths: Any, base: Path) -> tuple[str, ...]:
    """Local relative paths become paths under ``base``; URLs and absolute paths stay as given."""
    if isinstance(paths, str):
        paths = [paths]
    if not isinstance(paths, list) or not all(isinstance(p, str) and p for p in paths):
        raise SourceFieldError("paths", f"must be a path or a list of paths, got {paths!r}")
    return tuple(p if "://" in p or Path(p).is_absolute() else str(base / p) for p in paths)
