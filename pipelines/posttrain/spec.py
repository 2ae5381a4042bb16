"""Post-training mix spec: rows of language x category x source with targets in conversations or
trainable tokens (see docs/posttrain-mix.md); a pydantic model read through pipelines.config_file."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from pipelines.config_file import (
    ConfigError,
    Identifier,
    StrictModel,
    read_yaml,
    validate,
)
from pipelines.langid.languages import UnknownLanguageError, canonical
from pipelines.posttrain.layouts.common import normalise_category
from pipelines.posttrain.tokens_task import total_column, trainable_column

#: Any value of a dimension (every category or source the pool has for the row's languages).
ANY = "*"
CONVERSATIONS = "conversations"
TRAINABLE_TOKENS = "trainable_tokens"
#: The pool columns a posttrain plan cell is keyed by, after ``language``, with the row field of each.
DIMENSIONS = (("category", "categories"), ("mix_source", "sources"))


def _one_or_many(data: Any, one: str, many: str) -> Any:
    """``{one: x}`` → ``{many: [x]}`` so rows may name one value or a list."""
    if isinstance(data, dict) and one in data:
        if many in data:
            raise ValueError(f"give {one!r} or {many!r}, not both")
        data = {**data, many: [data[one]]}
        del data[one]
    return data


class PosttrainShard(StrictModel):
    """How output shards are cut: at most ``max_rows`` conversations each, Parquet (zstd) or JSON lines."""

    max_rows: int = Field(10_000, ge=1)
    format: Literal["parquet", "jsonl"] = "parquet"
    compression_level: int = Field(3, ge=1)


class PosttrainRow(StrictModel):
    """One row: ``target`` (in the spec's unit) drawn from the cells languages x categories x sources."""

    id: Identifier
    languages: tuple[str, ...] = Field(min_length=1)
    categories: tuple[str, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    target: int = Field(ge=0)
    split: Literal["by_pool", "weights"] | None = None
    weights: dict[str, float] | None = None
    max_epochs: float | None = Field(None, gt=0)
    group: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _lists(cls, data: Any) -> Any:
        for one, many in (("language", "languages"), ("category", "categories"), ("source", "sources")):
            data = _one_or_many(data, one, many)
        return data

    @field_validator("languages")
    @classmethod
    def _canonical_languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        try:
            languages = tuple(canonical(v) for v in value)
        except UnknownLanguageError as exc:
            raise ValueError(str(exc)) from None
        if len(set(languages)) != len(languages):
            raise ValueError("duplicate languages")
        return languages

    @field_validator("categories", "sources")
    @classmethod
    def _labels(cls, value: tuple[str, ...], info) -> tuple[str, ...]:
        if any(not isinstance(v, str) or not v.strip() for v in value):
            raise ValueError("labels must be non-empty strings")
        if ANY in value and len(value) > 1:
            raise ValueError(f"{ANY!r} must stand alone")
        labels = tuple(v if v == ANY or info.field_name == "sources" else normalise_category(v) for v in value)
        if len(set(labels)) != len(labels):
            raise ValueError("duplicate entries")
        return labels

    @field_validator("weights")
    @classmethod
    def _canonical_weights(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        if value is None:
            return None
        try:
            weights = {canonical(k): float(v) for k, v in value.items()}
        except UnknownLanguageError as exc:
            raise ValueError(str(exc)) from None
        if any(v <= 0 for v in weights.values()) or abs(sum(weights.values()) - 1) > 1e-6:
            raise ValueError("weights must be positive fractions adding up to 1")
        return weights

    @model_validator(mode="after")
    def _split(self) -> PosttrainRow:
        spans = len(self.languages) > 1 or any(len(v) > 1 or ANY in v for v in (self.categories, self.sources))
        if self.weights is not None:
            if self.split != "weights":
                raise ValueError("weights are given, so write split: weights")
            if set(self.weights) != set(self.languages):
                raise ValueError(f"weights must name exactly the row's languages {list(self.languages)}")
        elif self.split == "weights":
            raise ValueError("split is 'weights' but no weights are given")
        elif self.split is None and spans:
            raise ValueError("the row spans several cells; say how its target is divided: split: by_pool "
                             "(in proportion to what the pool has) or split: weights with weights: {language: fraction}")
        return self

    @property
    def tokens(self) -> int:
        """The target under the planner's name for it (in the spec's unit, not necessarily tokens)."""
        return self.target


class PosttrainSpec(StrictModel):
    """A post-training mix: rows, unit, tokenizer and chat-template length limit, seed, epochs, shards."""

    name: Identifier
    tokenizer: str
    unit: Literal["conversations", "trainable_tokens"]
    total: int = Field(ge=1)
    seed: int = Field(ge=0)
    max_epochs: float = Field(gt=0)
    max_length: int | None = Field(None, ge=1)  # conversations with more template tokens are left out
    shard: PosttrainShard = PosttrainShard()
    notes: str | None = None
    rows: tuple[PosttrainRow, ...] = Field(min_length=1)
    path: str | None = None
    sha256: str | None = None

    @model_validator(mode="after")
    def _rows_add_up(self) -> PosttrainSpec:
        seen: set[str] = set()
        for row in self.rows:
            if row.id in seen:
                raise ValueError(f"rows: duplicate id {row.id!r}")
            seen.add(row.id)
        row_sum = sum(row.target for row in self.rows)
        if row_sum != self.total:
            raise ValueError(f"rows add up to {row_sum:,} {self.unit} but total is {self.total:,} "
                             f"(difference {row_sum - self.total:+,})")
        return self

    @property
    def token_column(self) -> str:
        """The pool column the planner sums: ``docs`` (conversations) or trainable template tokens."""
        return "docs" if self.unit == CONVERSATIONS else trainable_column(self.tokenizer)

    @property
    def total_column(self) -> str:
        """The pool column of all template tokens of this spec's tokenizer."""
        return total_column(self.tokenizer)

    @property
    def row_tokens(self) -> int:
        """Sum of the row targets (the planner's name for it)."""
        return self.total


def load_posttrain_spec(path: str | Path) -> PosttrainSpec:
    """Read and validate a post-training mix spec; a ConfigError names the file, row and field."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a post-training mix spec must be a mapping of fields")
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return validate(PosttrainSpec, {**data, "path": str(path), "sha256": digest}, str(path))
