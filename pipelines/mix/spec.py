"""Mix spec: YAML schema, parsing and validation (see docs/mix-spec.md).

A spec lists rows (language(s) x source(s) -> tokens) plus optional group totals.
Every inconsistency is an error naming the file, the row (index and id) and the
field; published gaps (a group whose rows do not add up to its total) must be
resolved explicitly in the spec, never silently renormalised.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal

import pyarrow as pa
from pydantic import (
    AliasChoices,
    BeforeValidator,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from pipelines.config_file import (
    ConfigError,
    Identifier,
    StrictModel,
    expect_kind,
    read_yaml,
    validate,
)
from pipelines.langid.languages import UnknownLanguageError, canonical
from pipelines.mix.quotas import largest_remainder
from pipelines.schema import token_column

#: Pseudo-language for source code rows (e.g. StarCoder); documents must carry it as ``language``.
CODE = "code"
#: Source label meaning "every mix_source the pool has for the row's languages".
ANY_SOURCE = "*"
SPLIT_BY_POOL = "by_pool"
SPLIT_WEIGHTS = "weights"
KEEP_ROWS = "keep_rows"
SCALE_ROWS_TO_GROUP = "scale_rows_to_group"
DEFAULT_BOS_EOS = (
    "Token counts are exact tokenizer counts of the document text without special tokens; "
    "the trainer adds BOS/EOS per document and they are not counted in the mix."
)


class MixSpecError(ConfigError):
    """A mix spec is malformed or inconsistent; the message names file, row and field."""


def _decimal(value: Any) -> Decimal:
    """Numbers as YAML gives them: int, float, or strings such as '500e9' / '100_000_000'."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"must be a number (got {value!r})")  # noqa: TRY004 (pydantic reports ValueErrors only)
    try:
        number = Decimal(str(value).replace("_", "").strip())
    except InvalidOperation:
        raise ValueError(f"must be a number (got {value!r})") from None
    if not number.is_finite():
        raise ValueError(f"must be finite (got {value!r})")
    return number


def _whole(value: Any) -> int:
    number = _decimal(value)
    if number != number.to_integral_value():
        raise ValueError(f"must be a whole number (got {value!r})")
    return int(number)


def _language(alias: str) -> str:
    """A canonical language code, or the pseudo-language ``code``."""
    if alias.strip().lower() == CODE:
        return CODE
    try:
        return canonical(alias)
    except UnknownLanguageError as exc:
        raise ValueError(f"{exc} or {CODE!r}") from None


def _share(percent: float, total: int) -> int:
    """``percent`` of ``total`` in exact decimal arithmetic, rounded to whole tokens."""
    return round(Fraction(Decimal(repr(percent))) * total / 100)


#: A whole number written as YAML allows (``500e9``, ``"1_000"``).
Whole = Annotated[int, BeforeValidator(_whole)]
#: A real number written as YAML allows.
Real = Annotated[float, BeforeValidator(lambda value: float(_decimal(value)))]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Percent = Annotated[Real, Field(ge=0, le=100)]


class ShardConfig(StrictModel):
    """How shards are cut and written: a shard holds at most ``max_tokens`` tokens and/or
    ``max_bytes`` UTF-8 text bytes (a single larger document gets a shard of its own)."""

    max_tokens: Annotated[Whole, Field(ge=1)] | None = None
    max_bytes: Annotated[Whole, Field(ge=1)] | None = None
    compression: Literal["zstd"] = "zstd"
    compression_level: Annotated[Whole, Field(ge=1)] = 3
    row_group_rows: Annotated[Whole, Field(ge=1)] = 1024

    @model_validator(mode="after")
    def _has_a_limit(self) -> ShardConfig:
        if self.max_tokens is None and self.max_bytes is None:
            raise ValueError("give max_tokens and/or max_bytes")
        return self


class Tolerances(StrictModel):
    """Slack for published rounding: percents are compared in percentage points,
    the row sum against ``total_tokens`` as a fraction of the total."""

    percent_points: Annotated[Real, Field(ge=0)] = 0.005
    total_fraction: Annotated[Real, Field(ge=0)] = 0.0001


class GroupTotal(StrictModel):
    """A group's published total, written ``{percent: p}`` or ``{tokens: n}`` (``tokens`` is then
    filled from ``percent``); ``name`` is its key under ``groups``."""

    name: str
    tokens: Annotated[Whole, Field(ge=0)] | None = None
    percent: Percent | None = None

    @model_validator(mode="after")
    def _one_of_percent_or_tokens(self) -> GroupTotal:
        if (self.tokens is None) == (self.percent is None):
            raise ValueError("must be {percent: x} or {tokens: n}")
        return self


class Resolution(StrictModel):
    """Explicit decision for a group whose rows do not add up to its total (``group``: its key)."""

    group: str
    policy: Literal["keep_rows", "scale_rows_to_group"]
    note: Text


class MixRow(StrictModel):
    """One row of the mix: ``tokens`` drawn from the cells languages x sources. The YAML may give
    ``language``/``source`` for a single one, and ``percent`` instead of ``tokens``."""

    id: Identifier
    languages: tuple[str, ...] = Field(validation_alias=AliasChoices("languages", "language"))
    sources: tuple[str, ...] = Field(validation_alias=AliasChoices("sources", "source"))
    tokens: Annotated[Whole, Field(ge=0)] | None = None  # from percent when not given (filled by MixSpec)
    weights: dict[str, Annotated[Real, Field(gt=0)]] | None = None  # per language, split "weights"
    group: Text | None = None
    percent: Percent | None = None
    split: Literal["by_pool", "weights"] | None = None  # None: a single cell
    max_epochs: Annotated[Real, Field(gt=0)] | None = None  # overrides MixSpec.max_epochs for this row
    note: Text | None = None
    _declared_tokens: int | None = PrivateAttr(None)

    @property
    def declared_tokens(self) -> int | None:
        """Tokens as written (or from percent), before a group resolution."""
        return self._declared_tokens

    @property
    def spans_cells(self) -> bool:
        """True when the row may cover more than one (language, source) cell."""
        return len(self.languages) > 1 or len(self.sources) > 1 or ANY_SOURCE in self.sources

    @model_validator(mode="before")
    @classmethod
    def _one_or_many(cls, raw: Any) -> Any:
        """Exactly one of ``language``/``languages`` and of ``source``/``sources``; weights imply their split."""
        if not isinstance(raw, dict):
            return raw
        for one, many in (("language", "languages"), ("source", "sources")):
            if (one in raw) == (many in raw):
                raise ValueError(f"field {one!r}: give exactly one of {one!r} or {many!r}")
        if raw.get("weights") is not None and raw.get("split") is None:
            raw = {**raw, "split": SPLIT_WEIGHTS}
        return raw

    @field_validator("languages", "sources", mode="before")
    @classmethod
    def _as_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("languages")
    @classmethod
    def _canonical_languages(cls, languages: tuple[str, ...]) -> tuple[str, ...]:
        if not languages:
            raise ValueError("must be a non-empty list")
        return tuple(_language(alias) for alias in languages)

    @field_validator("sources")
    @classmethod
    def _source_labels(cls, sources: tuple[str, ...]) -> tuple[str, ...]:
        if not sources or not all(source.strip() for source in sources):
            raise ValueError(f"labels must be non-empty strings (got {list(sources)!r})")
        return sources

    @field_validator("weights")
    @classmethod
    def _canonical_weight_keys(cls, weights: dict[str, float] | None) -> dict[str, float] | None:
        return None if weights is None else {_language(alias): value for alias, value in weights.items()}

    @model_validator(mode="after")
    def _consistent(self) -> MixRow:
        if len(set(self.languages)) != len(self.languages) or len(set(self.sources)) != len(self.sources):
            raise ValueError("field 'languages'/'sources': duplicate entries")
        if ANY_SOURCE in self.sources and len(self.sources) > 1:
            raise ValueError(f"field 'sources': {ANY_SOURCE!r} must stand alone")
        if self.tokens is None and self.percent is None:
            raise ValueError("field 'tokens': missing (give tokens, or percent of total_tokens)")
        if self.weights is not None and self.split != SPLIT_WEIGHTS:
            raise ValueError(f"field 'split': weights are given, so split must be {SPLIT_WEIGHTS!r}")
        if self.split == SPLIT_WEIGHTS:
            self._check_weights()
        if self.split is None and self.spans_cells:
            raise ValueError(f"field 'split': the row spans several languages/sources; say how its tokens "
                             f"are divided: split: {SPLIT_BY_POOL} (proportional to available tokens) or "
                             f"weights: {{language: fraction}}")
        return self

    def _check_weights(self) -> None:
        if not self.weights:
            raise ValueError("field 'weights': missing (split is 'weights')")
        stray = [lang for lang in self.weights if lang not in self.languages]
        if stray:
            raise ValueError(f"field 'weights': {stray} not among the row's languages {list(self.languages)}")
        absent = [lang for lang in self.languages if lang not in self.weights]
        if absent:
            raise ValueError(f"field 'weights': no weight for {absent}")
        if abs(sum(self.weights.values()) - 1.0) > 1e-6:
            raise ValueError(f"field 'weights': fractions must add up to 1 (they add up to {sum(self.weights.values()):.6g})")


class MixSpec(StrictModel):
    """A whole mix: rows, sampling seed, epoch cap and shard layout. ``path`` and ``sha256`` (of the
    file's bytes) are set by :func:`load_mix_spec`."""

    name: Identifier
    tokenizer: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
    total_tokens: Annotated[Whole, Field(ge=1)]
    seed: Annotated[Whole, Field(ge=0)]
    max_epochs: Annotated[Real, Field(gt=0)]
    shard: ShardConfig
    bos_eos: Text = DEFAULT_BOS_EOS
    groups: dict[str, GroupTotal] = Field(default_factory=dict)
    resolutions: dict[str, Resolution] = Field(default_factory=dict, alias="resolution")
    tolerances: Tolerances = Tolerances()
    notes: Text | None = None
    rows: tuple[MixRow, ...]
    export: dict[str, Any] | None = None  # sequence length, packing, BOS/EOS: validated by pipelines/export/config.py
    _path: str | None = PrivateAttr(None)
    _sha256: str | None = PrivateAttr(None)

    @property
    def path(self) -> str | None:
        """The spec file, as given to :func:`load_mix_spec`."""
        return self._path

    @property
    def sha256(self) -> str | None:
        """sha256 of the spec file's bytes."""
        return self._sha256

    @property
    def token_column(self) -> str:
        """Document/pool column holding this spec's token counts."""
        return token_column(self.tokenizer)

    @property
    def row_tokens(self) -> int:
        """Sum of the (resolved) row targets: what the planner distributes."""
        return sum(row.tokens for row in self.rows)

    @model_validator(mode="before")
    @classmethod
    def _name_groups(cls, data: Any) -> Any:
        """Groups and resolutions are keyed by group name; each entry gets its key as its name."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key, name_field in (("groups", "name"), ("resolution", "group")):
            if isinstance(data.get(key), dict):
                data[key] = {name: {**entry, name_field: str(name)} if isinstance(entry, dict) else entry
                             for name, entry in data[key].items()}
        return data

    @field_validator("rows")
    @classmethod
    def _row_tokens_from_percent(cls, rows: tuple[MixRow, ...], info: ValidationInfo) -> tuple[MixRow, ...]:
        if not rows:
            raise ValueError("must be a non-empty list")
        total = info.data.get("total_tokens")
        if total is None:
            return rows
        filled = []
        for row in rows:
            tokens = row.tokens if row.tokens is not None else _share(row.percent, total)
            row = row.model_copy(update={"tokens": tokens})
            row._declared_tokens = tokens
            filled.append(row)
        return tuple(filled)

    @field_validator("groups")
    @classmethod
    def _group_tokens_from_percent(cls, groups: dict[str, GroupTotal], info: ValidationInfo) -> dict[str, GroupTotal]:
        total = info.data.get("total_tokens")
        if total is None:
            return groups
        return {name: group if group.tokens is not None else group.model_copy(update={"tokens": _share(group.percent, total)})
                for name, group in groups.items()}

    @model_validator(mode="after")
    def _consistent(self) -> MixSpec:
        """Unique ids, percents that match tokens, declared groups and resolutions, resolved gaps, the total."""
        _check_unique_ids(self.rows)
        for i, row in enumerate(self.rows):
            _check_percent(i, row, self.total_tokens, self.tolerances)
            if self.groups and row.group not in self.groups:
                raise ValueError(f"{_row_where(i, row.id)}: field 'group': {row.group!r} is not declared under "
                                 f"groups ({sorted(self.groups)})")
        for name in self.resolutions:
            if name not in self.groups:
                raise ValueError(f"resolution.{name}: group {name!r} is not declared under groups")
        rows = _resolve_groups(self)
        _check_total(rows, self)
        object.__setattr__(self, "rows", rows)  # the resolved rows; the model is frozen to everyone else
        return self


def load_mix_spec(path: str | Path) -> MixSpec:
    """Parse and validate the YAML mix spec at ``path``; raise MixSpecError on any problem."""
    path = Path(path)
    try:
        data = read_yaml(path)
        expect_kind(data, path, "mix")
    except ConfigError as exc:
        raise MixSpecError(str(exc)) from None
    return parse_mix_spec(data, where=str(path), sha256=hashlib.sha256(path.read_bytes()).hexdigest())


def parse_mix_spec(data: Any, where: str = "<mix spec>", sha256: str | None = None) -> MixSpec:
    """Build a validated MixSpec from already-parsed YAML data."""
    spec = validate(MixSpec, data, where, error=MixSpecError)
    spec._path, spec._sha256 = where, sha256
    return spec


def validate_against_pool(spec: MixSpec, pool: pa.Table) -> None:
    """Check that every row's languages and source labels exist in ``pool``; raise MixSpecError
    naming the row otherwise (``pool`` has language, mix_source and the token column)."""
    where = spec.path or spec.name
    missing = [c for c in ("language", "mix_source", "docs", spec.token_column) if c not in pool.column_names]
    if missing:
        raise MixSpecError(f"{where}: pool lacks column(s) {missing}; it has {pool.column_names}")
    languages = set(pool.column("language").to_pylist())
    sources = set(pool.column("mix_source").to_pylist())
    for i, row in enumerate(spec.rows):
        for lang in row.languages:
            if lang not in languages:
                raise MixSpecError(f"{where}: rows[{i}] (id {row.id!r}): field 'language': {lang!r} is not in "
                                   f"the pool (pool languages: {sorted(languages)})")
        for source in row.sources:
            if source != ANY_SOURCE and source not in sources:
                raise MixSpecError(f"{where}: rows[{i}] (id {row.id!r}): field 'source': {source!r} is not a "
                                   f"mix_source of the pool (known: {sorted(sources)})")


def _row_where(index: int, row_id: Any) -> str:
    return f"rows[{index}] (id {row_id!r})"


def _check_unique_ids(rows: tuple[MixRow, ...]) -> None:
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        if row.id in seen:
            raise ValueError(f"{_row_where(i, row.id)}: field 'id': duplicate of rows[{seen[row.id]}]")
        seen[row.id] = i


def _check_percent(i: int, row: MixRow, total: int, tol: Tolerances) -> None:
    if row.percent is None:
        return
    actual = 100.0 * (row.declared_tokens or 0) / total
    if abs(actual - row.percent) > tol.percent_points + 1e-12:
        raise ValueError(f"{_row_where(i, row.id)}: field 'percent': {row.percent}% disagrees with tokens "
                         f"{row.declared_tokens:,} = {actual:.4f}% of total_tokens {total:,} "
                         f"(tolerance {tol.percent_points} percentage points)")


def _resolve_groups(spec: MixSpec) -> tuple[MixRow, ...]:
    """Compare each group's rows with its total; apply the stated resolution to gaps."""
    rows, total, tol = list(spec.rows), spec.total_tokens, spec.tolerances
    for name, group in spec.groups.items():
        members = [i for i, row in enumerate(rows) if row.group == name]
        if not members:
            raise ValueError(f"groups.{name}: no row has this group")
        row_sum = sum(rows[i].tokens for i in members)
        gap_points = 100.0 * abs(group.tokens - row_sum) / total
        resolution = spec.resolutions.get(name)
        if gap_points <= tol.percent_points + 1e-12:
            if resolution is not None:
                raise ValueError(f"resolution.{name}: group {name!r} has no gap to resolve (rows add up to "
                                 f"{row_sum:,} tokens, group total {group.tokens:,})")
            continue
        if resolution is None:
            raise ValueError(f"groups.{name}: group {name!r}: rows add up to {row_sum:,} tokens "
                             f"({100.0 * row_sum / total:.2f}% of {total:,}) but the group total says "
                             f"{group.tokens:,} tokens ({100.0 * group.tokens / total:.2f}%); state how to "
                             f"resolve it: resolution: {{{name}: {{policy: {KEEP_ROWS} | {SCALE_ROWS_TO_GROUP}, "
                             f"note: ...}}}}")
        if resolution.policy == SCALE_ROWS_TO_GROUP:
            scaled = largest_remainder(group.tokens, [rows[i].tokens for i in members])
            for i, tokens in zip(members, scaled):
                declared = rows[i].declared_tokens
                rows[i] = rows[i].model_copy(update={"tokens": tokens})
                rows[i]._declared_tokens = declared
    return tuple(rows)


def _check_total(rows: tuple[MixRow, ...], spec: MixSpec) -> None:
    """Rows must add up to total_tokens, less the gaps a keep_rows resolution accepted."""
    total, tol = spec.total_tokens, spec.tolerances
    accepted_gap = 0
    for name, res in spec.resolutions.items():
        if res.policy == KEEP_ROWS:
            accepted_gap += spec.groups[name].tokens - sum(r.tokens for r in rows if r.group == name)
    expected = total - accepted_gap
    row_sum = sum(row.tokens for row in rows)
    if abs(row_sum - expected) > tol.total_fraction * total:
        accepted = f" less {accepted_gap:,} accepted by keep_rows resolutions" if accepted_gap else ""
        raise ValueError(f"field 'total_tokens': rows add up to {row_sum:,} tokens but total_tokens is "
                         f"{total:,}{accepted} (difference {row_sum - expected:+,}, tolerance "
                         f"{tol.total_fraction:g} of the total)")
