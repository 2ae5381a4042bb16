"""Per-language quality settings: the langid stage's minimum score and one model per rule family,
read from ``defaults.yaml`` or a user file of the same shape."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from pipelines.config_file import ConfigError, StrictModel, read_yaml
from pipelines.langid.languages import lookup
from pipelines.quality.c4 import C4Rules
from pipelines.quality.fineweb import FineWebRules
from pipelines.quality.gopher_quality import GopherQualityRules
from pipelines.quality.gopher_repetition import GopherRepetitionRules
from pipelines.quality.page import PageRules
from pipelines.quality.rule import Rule

DEFAULT_CONFIG = Path(__file__).with_name("defaults.yaml")
DEFAULT = "default"

#: The rule families in evaluation order; a language entry's fields are routed to them by name.
FAMILIES = (PageRules, C4Rules, GopherQualityRules, GopherRepetitionRules, FineWebRules)
_LANGID_FIELDS = ("min_language_score",)


class LanguageQuality(StrictModel):
    """Everything the langid and quality stages apply to one language."""

    min_language_score: float = Field(ge=0, le=1)
    page: PageRules
    c4: C4Rules
    gopher_quality: GopherQualityRules
    gopher_repetition: GopherRepetitionRules
    fineweb: FineWebRules

    def rules(self) -> list[Rule]:
        """Every rule of every family: the line rules first, then those that need words (each group in family order)."""
        rules = [rule for family in FAMILIES for rule in getattr(self, family.family).rules()]
        return [r for r in rules if not r.needs_words] + [r for r in rules if r.needs_words]


def cached_quality_config(path: str | None = None) -> dict[str, LanguageQuality]:
    """load_quality_config, read again only when the file changes (stage tasks call it for every batch)."""
    stat = Path(path or DEFAULT_CONFIG).stat()
    return _quality_config_of(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _quality_config_of(path: str | None, mtime_ns: int, size: int) -> dict[str, LanguageQuality]:
    return load_quality_config(path)


def load_quality_config(path: str | Path | None = None) -> dict[str, LanguageQuality]:
    """Read the ``quality`` section of a YAML file (None: pipelines/quality/defaults.yaml).

    Returns ``{"default": ..., <canonical code>: ...}``: every language entry overrides the fields it
    names on top of ``default`` (``boilerplate_phrases`` are added to the default phrases instead);
    ``null`` switches a rule off (it still records its signal). Unknown languages, unknown fields and
    ill-typed values raise ConfigError naming file, language and field."""
    path = Path(path) if path is not None else DEFAULT_CONFIG
    data = read_yaml(path)
    section = data.get("quality") if isinstance(data, dict) else None
    if not isinstance(section, dict) or not isinstance(section.get(DEFAULT), dict):
        raise ConfigError(f"{path}: needs a 'quality' mapping with a 'default' entry")
    default = section[DEFAULT]
    config = {DEFAULT: _language(path, DEFAULT, default)}
    for alias, overrides in section.items():
        if alias == DEFAULT:
            continue
        code = lookup(str(alias))
        if code is None:
            raise ConfigError(f"{path}: quality.{alias}: unknown language")
        if not isinstance(overrides, dict):
            raise ConfigError(f"{path}: quality.{alias}: expected a mapping of fields, got {overrides!r}")
        merged = {**default, **overrides}
        if "boilerplate_phrases" in overrides and isinstance(overrides["boilerplate_phrases"], list):
            merged["boilerplate_phrases"] = [*default.get("boilerplate_phrases", []), *overrides["boilerplate_phrases"]]
        config[code] = _language(path, alias, merged)
    return config


def thresholds_for(config: dict[str, LanguageQuality], language: str) -> LanguageQuality:
    """Settings of ``language``, or the default ones."""
    return config.get(language) or config[DEFAULT]


def _language(path: Path, alias: str, entry: dict[str, Any]) -> LanguageQuality:
    """Route a flat language entry's fields to their families and validate them."""
    where = f"{path}: quality.{alias}"
    owner = {name: family.family for family in FAMILIES for name in family.model_fields}
    unknown = sorted(str(k) for k in entry if k not in owner and k not in _LANGID_FIELDS)
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {', '.join(unknown)} (known: {', '.join(sorted([*owner, *_LANGID_FIELDS]))})")
    nested: dict[str, Any] = {family.family: {} for family in FAMILIES}
    for key, value in entry.items():
        if key in _LANGID_FIELDS:
            nested[key] = value
        else:
            nested[owner[key]][key] = value
    missing = sorted({*owner, *_LANGID_FIELDS} - set(entry))
    if missing:
        raise ConfigError(f"{where}: missing field(s) {', '.join(missing)}")
    try:
        return LanguageQuality.model_validate(nested)
    except ValidationError as exc:  # the file is flat per language: name the field, not its family
        raise ConfigError(f"{where}: " + "; ".join(_flat_clause(error) for error in exc.errors(include_url=False))) from None


def _flat_clause(error: dict) -> str:
    """``field 'name': message`` for one pydantic error, the family left out of the location."""
    loc = [str(part) for part in error["loc"]]
    if loc and loc[0] in {family.family for family in FAMILIES}:
        loc = loc[1:]
    message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"].removeprefix("Value error, ")
    return f"field '{'.'.join(loc)}': {message}"
