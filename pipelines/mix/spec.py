"""Mix spec: YAML schema, parsing and validation (see docs/mix-spec.md).

A spec lists rows (language(s) x source(s) -> tokens) plus optional group totals.
Every inconsistency is an error naming the file, the row (index and id) and the
field; published gaps (a group whose rows do not add up to its total) must be
resolved explicitly in the spec, never silently renormalised.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

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

_TOP_KEYS = {"name", "tokenizer", "total_tokens", "seed", "max_epochs", "shard", "bos_eos",
             "groups", "resolution", "tolerances", "notes", "rows",
             "export"}  # read by pipelines/export/config.py
_ROW_KEYS = {"id", "group", "language", "languages", "source", "sources", "tokens", "percent",
             "split", "weights", "max_epochs", "note"}
_SHARD_KEYS = {"max_tokens", "max_bytes", "compression", "compression_level", "row_group_rows"}
_TOLERANCE_KEYS = {"percent_points", "total_fraction"}


class MixSpecError(ValueError):
    """A mix spec is malformed or inconsistent; the message names file, row and field."""


@dataclass(frozen=True)
class ShardConfig:
    """How shards are cut and written: a shard holds at most ``max_tokens`` tokens and/or
    ``max_bytes`` UTF-8 text bytes (a single larger document gets a shard of its own)."""

    max_tokens: int | None = None
    max_bytes: int | None = None
    compression: str = "zstd"
    compression_level: int = 3
    row_group_rows: int = 1024


@dataclass(frozen=True)
class Tolerances:
    """Slack for published rounding: percents are compared in percentage points,
    the row sum against ``total_tokens`` as a fraction of the total."""

    percent_points: float = 0.005
    total_fraction: float = 0.0001


@dataclass(frozen=True)
class GroupTotal:
    """A group's published total (``tokens``, from ``percent`` if given that way)."""

    name: str
    tokens: int
    percent: float | None = None


@dataclass(frozen=True)
class Resolution:
    """Explicit decision for a group whose rows do not add up to its total."""

    group: str
    policy: str  # keep_rows | scale_rows_to_group
    note: str


@dataclass(frozen=True)
class MixRow:
    """One row of the mix: ``tokens`` drawn from the cells languages x sources."""

    id: str
    languages: tuple[str, ...]
    sources: tuple[str, ...]
    tokens: int
    weights: dict[str, float] | None = None  # per language, when split is "weights"
    group: str | None = None
    percent: float | None = None
    split: str | None = None  # by_pool | weights | None (single cell)
    max_epochs: float | None = None  # overrides MixSpec.max_epochs for this row
    declared_tokens: int | None = None  # as written, before a group resolution
    note: str | None = None

    @property
    def spans_cells(self) -> bool:
        """True when the row may cover more than one (language, source) cell."""
        return len(self.languages) > 1 or len(self.sources) > 1 or ANY_SOURCE in self.sources


@dataclass(frozen=True)
class MixSpec:
    """A whole mix: rows, sampling seed, epoch cap and shard layout."""

    name: str
    tokenizer: str
    total_tokens: int
    seed: int
    max_epochs: float
    rows: tuple[MixRow, ...]
    shard: ShardConfig = field(default_factory=ShardConfig)
    bos_eos: str = DEFAULT_BOS_EOS
    groups: dict[str, GroupTotal] = field(default_factory=dict)
    resolutions: dict[str, Resolution] = field(default_factory=dict)
    tolerances: Tolerances = field(default_factory=Tolerances)
    notes: str | None = None
    path: str | None = None
    sha256: str | None = None  # of the spec file's bytes

    @property
    def token_column(self) -> str:
        """Document/pool column holding this spec's token counts."""
        return token_column(self.tokenizer)

    @property
    def row_tokens(self) -> int:
        """Sum of the (resolved) row targets: what the planner distributes."""
        return sum(row.tokens for row in self.rows)


def load_mix_spec(path: str | Path) -> MixSpec:
    """Parse and validate the YAML mix spec at ``path``; raise MixSpecError on any problem."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise MixSpecError(f"{path}: cannot read mix spec: {exc}") from exc
    try:
        data = yaml.safe_load(content)
    except yaml.YAMLError as exc:
        raise MixSpecError(f"{path}: invalid YAML: {exc}") from exc
    return parse_mix_spec(data, where=str(path), sha256=hashlib.sha256(content).hexdigest())


def parse_mix_spec(data: Any, where: str = "<mix spec>", sha256: str | None = None) -> MixSpec:
    """Build a validated MixSpec from already-parsed YAML data."""
    p = _Parser(where)
    if not isinstance(data, dict):
        raise p.error("", "the spec must be a mapping of fields")
    p.unknown_keys(data, _TOP_KEYS, "")
    name = p.text(data, "name", "")
    tokenizer = p.text(data, "tokenizer", "")
    if not re.fullmatch(r"[a-z0-9_]+", tokenizer):
        raise p.error("", f"field 'tokenizer': use lowercase letters, digits, '_' (got {tokenizer!r})")
    total = p.whole(data.get("total_tokens"), "", "total_tokens", required=True, minimum=1)
    seed = p.whole(data.get("seed"), "", "seed", required=True, minimum=0)
    max_epochs = p.number(data.get("max_epochs"), "", "max_epochs", required=True, positive=True)
    shard = p.shard(data.get("shard"))
    tolerances = p.tolerances(data.get("tolerances"))
    bos_eos = p.text(data, "bos_eos", "", required=False) or DEFAULT_BOS_EOS
    notes = p.text(data, "notes", "", required=False)
    raw_rows = data.get("rows")
    if not isinstance(raw_rows, list) or not raw_rows:
        raise p.error("", "field 'rows': must be a non-empty list")
    rows = [p.row(i, raw, total) for i, raw in enumerate(raw_rows)]
    _check_unique_ids(p, rows)
    for i, row in enumerate(rows):
        _check_percent(p, i, row, total, tolerances)
    groups = p.groups(data.get("groups"), total)
    for i, row in enumerate(rows):
        if groups and row.group not in groups:
            raise p.error(p.row_where(i, row.id), f"field 'group': {row.group!r} is not declared under groups "
                          f"({sorted(groups)})")
    resolutions = p.resolutions(data.get("resolution"), groups)
    rows = _resolve_groups(p, rows, groups, resolutions, total, tolerances)
    _check_total(p, rows, groups, resolutions, total, tolerances)
    return MixSpec(name=name, tokenizer=tokenizer, total_tokens=total, seed=seed, max_epochs=max_epochs,
                   rows=tuple(rows), shard=shard, bos_eos=bos_eos, groups=groups, resolutions=resolutions,
                   tolerances=tolerances, notes=notes, path=where, sha256=sha256)


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


def _check_unique_ids(p: _Parser, rows: list[MixRow]) -> None:
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        if row.id in seen:
            raise p.error(p.row_where(i, row.id), f"field 'id': duplicate of rows[{seen[row.id]}]")
        seen[row.id] = i


def _check_percent(p: _Parser, i: int, row: MixRow, total: int, tol: Tolerances) -> None:
    if row.percent is None:
        return
    actual = 100.0 * (row.declared_tokens or 0) / total
    if abs(actual - row.percent) > tol.percent_points + 1e-12:
        raise p.error(p.row_where(i, row.id), f"field 'percent': {row.percent}% disagrees with tokens "
                      f"{row.declared_tokens:,} = {actual:.4f}% of total_tokens {total:,} "
                      f"(tolerance {tol.percent_points} percentage points)")


def _resolve_groups(p: _Parser, rows: list[MixRow], groups: dict[str, GroupTotal],
                    resolutions: dict[str, Resolution], total: int, tol: Tolerances) -> list[MixRow]:
    """Compare each group's rows with its total; apply the stated resolution to gaps."""
    rows = list(rows)
    for name, group in groups.items():
        members = [i for i, row in enumerate(rows) if row.group == name]
        if not members:
            raise p.error(f"groups.{name}", "no row has this group")
        row_sum = sum(rows[i].tokens for i in members)
        gap_points = 100.0 * abs(group.tokens - row_sum) / total
        resolution = resolutions.get(name)
        if gap_points <= tol.percent_points + 1e-12:
            if resolution is not None:
                raise p.error(f"resolution.{name}", f"group {name!r} has no gap to resolve (rows add up to "
                              f"{row_sum:,} tokens, group total {group.tokens:,})")
            continue
        if resolution is None:
            raise p.error(f"groups.{name}", f"group {name!r}: rows add up to {row_sum:,} tokens "
                          f"({100.0 * row_sum / total:.2f}% of {total:,}) but the group total says "
                          f"{group.tokens:,} tokens ({100.0 * group.tokens / total:.2f}%); state how to "
                          f"resolve it: resolution: {{{name}: {{policy: {KEEP_ROWS} | {SCALE_ROWS_TO_GROUP}, "
                          f"note: ...}}}}")
        if resolution.policy == SCALE_ROWS_TO_GROUP:
            scaled = largest_remainder(group.tokens, [rows[i].tokens for i in members])
            for i, tokens in zip(members, scaled):
                rows[i] = replace(rows[i], tokens=tokens)
    return rows


def _check_total(p: _Parser, rows: list[MixRow], groups: dict[str, GroupTotal],
                 resolutions: dict[str, Resolution], total: int, tol: Tolerances) -> None:
    """Rows must add up to total_tokens, less the gaps a keep_rows resolution accepted."""
    accepted_gap = 0
    for name, res in resolutions.items():
        if res.policy == KEEP_ROWS:
            accepted_gap += groups[name].tokens - sum(r.tokens for r in rows if r.group == name)
    expected = total - accepted_gap
    row_sum = sum(row.tokens for row in rows)
    if abs(row_sum - expected) > tol.total_fraction * total:
        accepted = f" less {accepted_gap:,} accepted by keep_rows resolutions" if accepted_gap else ""
        raise p.error("", f"field 'total_tokens': rows add up to {row_sum:,} tokens but total_tokens is "
                      f"{total:,}{accepted} (difference {row_sum - expected:+,}, tolerance "
                      f"{tol.total_fraction:g} of the total)")


class _Parser:
    """Field readers that raise MixSpecError naming the file, row and field."""

    def __init__(self, where: str) -> None:
        self.where = where

    def error(self, location: str, message: str) -> MixSpecError:
        return MixSpecError(f"{self.where}: {location + ': ' if location else ''}{message}")

    @staticmethod
    def row_where(index: int, row_id: Any) -> str:
        return f"rows[{index}] (id {row_id!r})"

    def unknown_keys(self, data: dict, allowed: set[str], location: str) -> None:
        extra = sorted(str(k) for k in data if k not in allowed)
        if extra:
            raise self.error(location, f"unknown field(s) {extra}; allowed: {sorted(allowed)}")

    def text(self, data: dict, key: str, location: str, required: bool = True) -> str | None:
        value = data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(location, f"field {key!r}: must be a non-empty string (got {value!r})")
        return value.strip()

    def decimal(self, value: Any, location: str, key: str) -> Decimal:
        """Numbers as YAML gives them: int, float, or strings such as '500e9' / '100_000_000'."""
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise self.error(location, f"field {key!r}: must be a number (got {value!r})")
        try:
            number = Decimal(str(value).replace("_", "").strip())
        except InvalidOperation:
            raise self.error(location, f"field {key!r}: must be a number (got {value!r})") from None
        if not number.is_finite():
            raise self.error(location, f"field {key!r}: must be finite (got {value!r})")
        return number

    def whole(self, value: Any, location: str, key: str, required: bool, minimum: int = 0) -> int | None:
        if value is None:
            if required:
                raise self.error(location, f"field {key!r}: missing")
            return None
        number = self.decimal(value, location, key)
        if number != number.to_integral_value():
            raise self.error(location, f"field {key!r}: must be a whole number (got {value!r})")
        if number < minimum:
            raise self.error(location, f"field {key!r}: must be >= {minimum} (got {value!r})")
        return int(number)

    def number(self, value: Any, location: str, key: str, required: bool, positive: bool = False,
               maximum: float | None = None) -> float | None:
        if value is None:
            if required:
                raise self.error(location, f"field {key!r}: missing")
            return None
        number = float(self.decimal(value, location, key))
        if number < 0 or (positive and number == 0):
            raise self.error(location, f"field {key!r}: must be {'> 0' if positive else '>= 0'} (got {value!r})")
        if maximum is not None and number > maximum:
            raise self.error(location, f"field {key!r}: must be <= {maximum} (got {value!r})")
        return number

    def shard(self, data: Any) -> ShardConfig:
        if not isinstance(data, dict):
            raise self.error("shard", "must be a mapping with max_tokens and/or max_bytes")
        self.unknown_keys(data, _SHARD_KEYS, "shard")
        max_tokens = self.whole(data.get("max_tokens"), "shard", "max_tokens", required=False, minimum=1)
        max_bytes = self.whole(data.get("max_bytes"), "shard", "max_bytes", required=False, minimum=1)
        if max_tokens is None and max_bytes is None:
            raise self.error("shard", "give max_tokens and/or max_bytes")
        compression = data.get("compression", "zstd")
        if compression != "zstd":
            raise self.error("shard", f"field 'compression': only 'zstd' is supported (got {compression!r})")
        level = self.whole(data.get("compression_level", 3), "shard", "compression_level", required=True, minimum=1)
        group_rows = self.whole(data.get("row_group_rows", 1024), "shard", "row_group_rows", required=True, minimum=1)
        return ShardConfig(max_tokens=max_tokens, max_bytes=max_bytes, compression=compression,
                           compression_level=level, row_group_rows=group_rows)

    def tolerances(self, data: Any) -> Tolerances:
        if data is None:
            return Tolerances()
        if not isinstance(data, dict):
            raise self.error("tolerances", "must be a mapping")
        self.unknown_keys(data, _TOLERANCE_KEYS, "tolerances")
        default = Tolerances()
        points = self.number(data.get("percent_points", default.percent_points), "tolerances", "percent_points", True)
        fraction = self.number(data.get("total_fraction", default.total_fraction), "tolerances", "total_fraction", True)
        return Tolerances(percent_points=points, total_fraction=fraction)

    def row(self, index: int, raw: Any, total: int) -> MixRow:
        if not isinstance(raw, dict):
            raise self.error(f"rows[{index}]", f"must be a mapping (got {raw!r})")
        loc = self.row_where(index, raw.get("id"))
        self.unknown_keys(raw, _ROW_KEYS, loc)
        row_id = raw.get("id")
        if not isinstance(row_id, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", row_id):
            raise self.error(loc, "field 'id': must be a string of letters, digits, '.', '_', '-'")
        languages = tuple(self.language(lang, loc) for lang in self.one_or_many(raw, "language", "languages", loc))
        sources = tuple(self.one_or_many(raw, "source", "sources", loc))
        for source in sources:
            if not isinstance(source, str) or not source.strip():
                raise self.error(loc, f"field 'source': labels must be non-empty strings (got {source!r})")
        if len(set(languages)) != len(languages) or len(set(sources)) != len(sources):
            raise self.error(loc, "field 'languages'/'sources': duplicate entries")
        if ANY_SOURCE in sources and len(sources) > 1:
            raise self.error(loc, f"field 'sources': {ANY_SOURCE!r} must stand alone")
        percent = self.number(raw.get("percent"), loc, "percent", required=False, maximum=100.0)
        tokens = self.whole(raw.get("tokens"), loc, "tokens", required=False, minimum=0)
        if tokens is None:
            if percent is None:
                raise self.error(loc, "field 'tokens': missing (give tokens, or percent of total_tokens)")
            tokens = round(Fraction(self.decimal(raw["percent"], loc, "percent")) * total / 100)
        row = MixRow(id=row_id, languages=languages, sources=sources, tokens=tokens,
                     group=self.optional_text(raw, "group", loc), percent=percent,
                     max_epochs=self.number(raw.get("max_epochs"), loc, "max_epochs", required=False, positive=True),
                     declared_tokens=tokens, note=self.optional_text(raw, "note", loc))
        return self.split(raw, row, loc)

    def split(self, raw: dict, row: MixRow, loc: str) -> MixRow:
        split, weights = raw.get("split"), raw.get("weights")
        if weights is not None:
            if split not in (None, SPLIT_WEIGHTS):
                raise self.error(loc, f"field 'split': weights are given, so split must be {SPLIT_WEIGHTS!r}")
            return replace(row, split=SPLIT_WEIGHTS, weights=self.weights(weights, row, loc))
        if split == SPLIT_WEIGHTS:
            raise self.error(loc, "field 'weights': missing (split is 'weights')")
        if split not in (None, SPLIT_BY_POOL):
            raise self.error(loc, f"field 'split': must be {SPLIT_BY_POOL!r} or {SPLIT_WEIGHTS!r} (got {split!r})")
        if split is None and row.spans_cells:
            raise self.error(loc, f"field 'split': the row spans several languages/sources; say how its tokens "
                             f"are divided: split: {SPLIT_BY_POOL} (proportional to available tokens) or "
                             f"weights: {{language: fraction}}")
        return replace(row, split=split)

    def weights(self, raw: Any, row: MixRow, loc: str) -> dict[str, float]:
        if not isinstance(raw, dict) or not raw:
            raise self.error(loc, "field 'weights': must map each of the row's languages to a fraction")
        weights: dict[str, float] = {}
        for key, value in raw.items():
            lang = self.language(str(key), loc, key="weights")
            if lang not in row.languages:
                raise self.error(loc, f"field 'weights': {key!r} is not one of the row's languages {list(row.languages)}")
            weights[lang] = self.number(value, loc, f"weights.{key}", required=True, positive=True)
        absent = [lang for lang in row.languages if lang not in weights]
        if absent:
            raise self.error(loc, f"field 'weights': no weight for {absent}")
        if abs(sum(weights.values()) - 1.0) > 1e-6:
            raise self.error(loc, f"field 'weights': fractions must add up to 1 (they add up to {sum(weights.values()):.6g})")
        return weights

    def one_or_many(self, raw: dict, one: str, many: str, loc: str) -> list:
        if (one in raw) == (many in raw):
            raise self.error(loc, f"field {one!r}: give exactly one of {one!r} or {many!r}")
        if one in raw:
            return [raw[one]]
        values = raw[many]
        if not isinstance(values, list) or not values:
            raise self.error(loc, f"field {many!r}: must be a non-empty list")
        return values

    def language(self, alias: Any, loc: str, key: str = "language") -> str:
        if not isinstance(alias, str):
            raise self.error(loc, f"field {key!r}: must be a language code (got {alias!r})")
        if alias.strip().lower() == CODE:
            return CODE
        try:
            return canonical(alias)
        except UnknownLanguageError as exc:
            raise self.error(loc, f"field {key!r}: {exc} or {CODE!r}") from None

    def optional_text(self, raw: dict, key: str, loc: str) -> str | None:
        return self.text(raw, key, loc, required=False)

    def groups(self, data: Any, total: int) -> dict[str, GroupTotal]:
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise self.error("groups", "must map group names to {percent: x} or {tokens: n}")
        groups: dict[str, GroupTotal] = {}
        for name, spec in data.items():
            loc = f"groups.{name}"
            if not isinstance(spec, dict) or len(spec) != 1 or not set(spec) <= {"percent", "tokens"}:
                raise self.error(loc, "must be {percent: x} or {tokens: n}")
            if "tokens" in spec:
                groups[str(name)] = GroupTotal(str(name), self.whole(spec["tokens"], loc, "tokens", required=True))
            else:
                percent = self.number(spec["percent"], loc, "percent", required=True, maximum=100.0)
                tokens = round(Fraction(self.decimal(spec["percent"], loc, "percent")) * total / 100)
                groups[str(name)] = GroupTotal(str(name), tokens, percent)
        return groups

    def resolutions(self, data: Any, groups: dict[str, GroupTotal]) -> dict[str, Resolution]:
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise self.error("resolution", "must map group names to {policy: ..., note: ...}")
        out: dict[str, Resolution] = {}
        for name, spec in data.items():
            loc = f"resolution.{name}"
            if str(name) not in groups:
                raise self.error(loc, f"group {name!r} is not declared under groups")
            if not isinstance(spec, dict):
                raise self.error(loc, "must be {policy: keep_rows | scale_rows_to_group, note: ...}")
            self.unknown_keys(spec, {"policy", "note"}, loc)
            policy = spec.get("policy")
            if policy not in (KEEP_ROWS, SCALE_ROWS_TO_GROUP):
                raise self.error(loc, f"field 'policy': must be {KEEP_ROWS!r} or {SCALE_ROWS_TO_GROUP!r} (got {policy!r})")
            out[str(name)] = Resolution(str(name), policy, self.text(spec, "note", loc))
        return out
