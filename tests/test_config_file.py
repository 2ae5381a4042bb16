"""pipelines.config_file: YAML + pydantic with errors that name file, entry and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.config_file import (
    ConfigError,
    Identifier,
    StrictModel,
    check_identifier,
    read_yaml,
    validate,
)


class Entry(StrictModel):
    name: Identifier
    size: int = 1


def test_errors_name_file_entry_and_field(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("entries:\n  - {name: ok, size: two}\n")
    data = read_yaml(path)
    with pytest.raises(ConfigError, match=r"x.yaml: entries\[0\]: field 'size': Input should be a valid integer"):
        validate(Entry, data["entries"][0], f"{path}: entries[0]")
    with pytest.raises(ConfigError, match="field 'colour': unknown field"):
        validate(Entry, {"name": "a", "colour": 1}, "here")


@pytest.mark.parametrize("bad", ["..", ".", "../x", "/tmp/x", "a/b", "", "a b", "x\\y"])
def test_identifiers_reject_paths(bad: str) -> None:
    with pytest.raises(ValueError, match="not a valid name"):
        check_identifier(bad)
    with pytest.raises(ConfigError, match="field 'name'"):
        validate(Entry, {"name": bad}, "spec")


def test_identifiers_accept_names() -> None:
    assert validate(Entry, {"name": "gemma-sea-lion-v4.5_sft"}, "spec").name == "gemma-sea-lion-v4.5_sft"


def test_missing_and_invalid_files_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        read_yaml(tmp_path / "absent.yaml")
    (tmp_path / "bad.yaml").write_text("a: [1, 2\n")
    with pytest.raises(ConfigError, match="bad.yaml: not valid YAML"):
        read_yaml(tmp_path / "bad.yaml")


class Row(StrictModel):
    id: Identifier
    tokens: int


class Spec(StrictModel):
    shard: Entry
    rows: list[Row]


def test_locations_name_the_list_entry_by_its_id_and_the_field() -> None:
    data = {"shard": {"name": "s", "size": "x"}, "rows": [{"id": "a", "tokens": 1}, {"id": "b", "tokens": "many"}]}
    with pytest.raises(ConfigError) as info:
        validate(Spec, data, "mix.yaml")
    assert str(info.value) == ("mix.yaml: shard: field 'size': Input should be a valid integer, unable to parse string "
                               "as an integer; rows[1] (id 'b'): field 'tokens': Input should be a valid integer, "
                               "unable to parse string as an integer")
