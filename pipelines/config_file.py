"""Config files as data with a schema: YAML read once, validated by a pydantic model, every error
naming the file, the entry and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

Model = TypeVar("Model", bound=BaseModel)

#: Characters an identifier (mix, source and row names) may use; also not "." or "..".
IDENTIFIER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


class ConfigError(ValueError):
    """A config file is missing, not YAML, or has an invalid entry; the message names file, entry and field."""


class StrictModel(BaseModel):
    """Base of every config model: unknown fields are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def check_identifier(value: str) -> str:
    """``value`` when it is a safe name for a folder (letters, digits, '.', '_', '-'; not '.' or '..')."""
    if not value or value in (".", "..") or not set(value) <= IDENTIFIER_CHARS:
        raise ValueError(
            f"{value!r} is not a valid name: use letters, digits, '.', '_' and '-' only (not '.' or '..'); "
            "names become folder names under the data root"
        )
    return value


#: A name that becomes a folder under the data root (mixes, sources, rows).
Identifier = Annotated[str, AfterValidator(check_identifier)]


def read_yaml(path: str | Path, empty_ok: bool = False) -> Any:
    """The parsed YAML of ``path``; a missing file, invalid YAML or (unless ``empty_ok``: None then) an
    empty one is a ConfigError naming it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except (IsADirectoryError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read as a UTF-8 YAML file ({exc})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if data is None and not empty_ok:
        raise ConfigError(f"{path}: the file is empty (or only comments)")
    return data


#: What each kind of config file is called, and the top-level key that marks it (executor settings have none).
KIND_NAMES = {"sources": "source registry", "mix": "mix spec", "posttrain": "post-training mix spec",
              "quality": "quality thresholds file", "evalsets": "eval-set registry", "executor": "executor settings file"}
_KIND_MARKERS = {"sources": "sources", "mix": "rows", "quality": "quality", "evalsets": "evalsets"}
#: Top-level keys of a post-training mix spec that a pretraining one (``total_tokens``) does not have.
_POSTTRAIN_KEYS = ("unit", "total")


def marked_kind(data: Any) -> str | None:
    """The kind (sources, mix, posttrain, quality, evalsets) whose top-level key the parsed YAML
    ``data`` has, if any: a spec with ``rows:`` is a post-training one when it has ``unit:`` or
    ``total:`` and no ``total_tokens:``."""
    if not isinstance(data, dict):
        return None
    kind = next((kind for kind, key in _KIND_MARKERS.items() if key in data), None)
    if kind == "mix" and "total_tokens" not in data and any(key in data for key in _POSTTRAIN_KEYS):
        return "posttrain"
    return kind


def expect_kind(data: Any, path: str | Path, kind: str) -> None:
    """ConfigError when ``data`` is plainly another kind of config file than ``kind`` (a wrong argument)."""
    found = marked_kind(data)
    if found is not None and found != kind:
        marker = "'rows:' with 'unit:' or 'total:'" if found == "posttrain" else f"'{_KIND_MARKERS[found]}:'"
        raise ConfigError(f"{path}: this is {_with_article(KIND_NAMES[found])} (top-level {marker}), "
                          f"not {_with_article(KIND_NAMES[kind])}")


def _with_article(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def validate(model: type[Model], data: Any, where: str, context: dict[str, Any] | None = None,
             error: type[ConfigError] = ConfigError) -> Model:
    """``data`` validated as ``model``; errors become one ``error`` naming ``where``, each entry and field."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise error(f"{where}: {describe_errors(exc, data)}") from None


def describe_errors(exc: ValidationError, data: Any = None) -> str:
    """pydantic's errors as ``entry: field 'a.b': message`` clauses joined by '; ' (see :func:`describe_location`)."""
    clauses = []
    for error in exc.errors(include_url=False):
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        clauses.append(describe_location(error["loc"], data) + message)
    return "; ".join(clauses)


def describe_location(loc: tuple[str | int, ...], data: Any) -> str:
    """``rows[3] (id 'x'): field 'tokens': `` for the location ``('rows', 3, 'tokens')`` in ``data``:
    the field is the last name in ``loc``, the entry everything before it (all of ``loc`` when it
    ends at a list entry), each list entry named by its ``id`` or ``name`` when it has one."""
    names = [i for i, part in enumerate(loc) if isinstance(part, str)]
    split = names[-1] if names and not isinstance(loc[-1], int) else len(loc)
    entry, node = "", data
    for part in loc[:split]:
        node = _child(node, part)
        if isinstance(part, int):
            entry += f"[{part}]"
            label = next((key for key in ("id", "name") if isinstance(node, dict) and key in node), None)
            if label is not None:
                entry += f" ({label} {node[label]!r})"
        else:
            entry += f".{part}" if entry else part
    field = ".".join(str(part) for part in loc[split:])
    return (f"{entry}: " if entry else "") + (f"field '{field}': " if field else "")


def _child(node: Any, key: str | int) -> Any:
    """``node[key]`` when it exists, else None (the location may point at a missing value)."""
    try:
        return node[key]
    except (KeyError, IndexError, TypeError):
        return None
