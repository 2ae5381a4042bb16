"""Eval-set registry (``evalsets/*.yaml``): which benchmarks to look for, where their files are, and
which fields of each row hold text to index.

An entry names a benchmark, its files (JSONL, optionally compressed, or Parquet; local paths, fsspec
URLs, ``hf://datasets/...``), the fields to index as dotted paths (``prompts.text`` walks into a list
of dicts and takes every ``text``; a list of strings gives one text per element), the language of the
texts (``field_languages`` overrides it per field, e.g. the reference of a translation task), the split
and a version (bump it to force a new index when files change in place under the same names)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from pydantic import Field, field_validator

from pipelines import storage
from pipelines.config_file import (
    ConfigError,
    Identifier,
    StrictModel,
    read_yaml,
    validate,
)
from pipelines.langid.languages import canonical


class EvalSet(StrictModel):
    """One benchmark (in one language and split) and the fields of its rows to index."""

    name: Identifier  # the benchmark, as it appears in reports and drop reasons
    paths: tuple[str, ...] = Field(min_length=1)
    fields: tuple[str, ...] = Field(min_length=1)  # dotted paths into each row
    language: str
    field_languages: dict[str, str] = Field(default_factory=dict)  # field -> language, when a field is in another language
    split: str = "test"
    version: str = "1"
    id_field: str | None = None  # row field holding the item id; None: the row's number (from 0, over all paths)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        return canonical(value)

    @field_validator("field_languages")
    @classmethod
    def _field_languages(cls, value: dict[str, str]) -> dict[str, str]:
        return {name: canonical(code) for name, code in value.items()}

    @field_validator("paths", "fields")
    @classmethod
    def _non_empty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not all(isinstance(v, str) and v.strip() for v in value):
            raise ValueError("every entry must be a non-empty string")
        return value

    def language_of(self, field: str) -> str:
        """The language of the texts of ``field``."""
        return self.field_languages.get(field, self.language)


class EvalSetsFile(StrictModel):
    """The registry file: a top-level ``evalsets:`` list."""

    evalsets: list[EvalSet] = Field(min_length=1)


@dataclass(frozen=True)
class EvalText:
    """One text of one eval item: the unit that is normalised, segmented and indexed."""

    benchmark: str
    language: str
    split: str
    item_id: str
    field: str
    text: str


def load_evalsets(path: str | Path) -> list[EvalSet]:
    """The entries of an eval-set registry; relative local paths resolve against the file's folder.
    A bad entry, the same benchmark listed twice with the same paths or an unknown field is a
    ConfigError naming it."""
    path = Path(path)
    data = read_yaml(path)
    registry = validate(EvalSetsFile, data, str(path))
    seen: set[tuple[str, tuple[str, ...]]] = set()
    resolved = []
    for index, entry in enumerate(registry.evalsets):
        key = (entry.name, entry.paths)
        if key in seen:
            raise ConfigError(f"{path}: evalsets[{index}] ({entry.name}): listed twice with the same paths {entry.paths}")
        seen.add(key)
        unknown = sorted(set(entry.field_languages) - set(entry.fields))
        if unknown:
            raise ConfigError(f"{path}: evalsets[{index}] ({entry.name}): field 'field_languages': {unknown} not in fields")
        paths = tuple(p if "://" in p or Path(p).is_absolute() else str(path.parent / p) for p in entry.paths)
        resolved.append(entry.model_copy(update={"paths": paths}))
    return resolved


def evalset_files(evalset: EvalSet) -> list[str]:
    """The files of ``evalset`` (globs expanded, sorted); a pattern matching nothing is an error."""
    files = []
    for pattern in evalset.paths:
        matched = storage.glob(pattern) if any(c in pattern for c in "*?[") else [pattern]
        if not matched or not all(storage.isfile(f) for f in matched):
            raise FileNotFoundError(f"eval set {evalset.name} ({evalset.language}): no file at {pattern}")
        files += matched
    return files


def evalset_texts(evalset: EvalSet) -> Iterator[EvalText]:
    """Every text of every row of ``evalset``'s files. A malformed row is an error naming file and line;
    a field present in no row of a file is an error (a typo would silently index nothing)."""
    number = 0
    for path in evalset_files(evalset):
        found = dict.fromkeys(evalset.fields, False)
        rows = 0
        for row in _rows(path):
            item_id = str(_lookup(row, evalset.id_field)) if evalset.id_field else str(number)
            number += 1
            rows += 1
            for field in evalset.fields:
                values = list(_strings(_lookup(row, field)))
                found[field] = found[field] or bool(values) or _has_path(row, field)
                for value in values:
                    yield EvalText(evalset.name, evalset.language_of(field), evalset.split, item_id, field, value)
        missing = [f for f, seen in found.items() if not seen]
        if missing and rows:
            raise ValueError(f"eval set {evalset.name}: {path}: field(s) {missing} found in no row")


def _rows(path: str) -> Iterator[dict]:
    """The rows of a JSONL or Parquet file."""
    if path.endswith(".parquet"):
        source, fs = storage.arrow_path(path)
        for batch in pq.ParquetFile(source, filesystem=fs).iter_batches(batch_size=1000):
            yield from batch.to_pylist()
        return
    with storage.open_input(path, "r", compression="infer") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}: line {number}: not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise ValueError(f"{path}: line {number}: expected a JSON object, got {type(row).__name__}")
            yield row


def _lookup(value: Any, dotted: str) -> Any:
    """The value at ``dotted`` (``a.b``), mapping over lists on the way; None when absent."""
    for key in dotted.split("."):
        if isinstance(value, list):
            value = [_lookup(v, key) for v in value]
        elif isinstance(value, dict):
            value = value.get(key)
        else:
            return None
    return value


def _has_path(row: dict, dotted: str) -> bool:
    head = dotted.split(".", 1)[0]
    return head in row


def _strings(value: Any) -> Iterator[str]:
    """The non-empty strings in ``value`` (a string, or nested lists of them)."""
    if isinstance(value, str):
        if value.strip():
            yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
