"""pipelines.storage: the same file operations on a local folder and on an fsspec URL (memory://),
and atomic writes that publish nothing when the writer fails."""

from __future__ import annotations

import uuid
from pathlib import Path

import pyarrow as pa
import pytest

from pipelines import storage
from pipelines.runtime.runner import done_parts
from pipelines.storage.parquet_io import (
    AtomicParquetWriter,
    parquet_parts,
    read_table,
    write_json_atomic,
)


@pytest.fixture(params=["local", "memory"])
def root(request, tmp_path: Path) -> str:
    return str(tmp_path / "root") if request.param == "local" else f"memory://seamix-{uuid.uuid4().hex}"


def _relative(root: str, paths: list[str]) -> list[str]:
    return [p[len(root):].lstrip("/") for p in paths]


def test_listing_reading_and_removing_agree_on_local_and_remote_roots(root: str) -> None:
    for part in ("a/part-00000.parquet", "a/part-00001.parquet", "a/_dropped/part-00000.parquet", "b/.part-00002.parquet.tmp"):
        storage.write_text("x", storage.join(root, part))
    write_json_atomic({"docs_in": 3}, storage.join(root, "a", "_stats", "src", "part-00000.json"))

    assert _relative(root, parquet_parts(root)) == ["a/part-00000.parquet", "a/part-00001.parquet"]
    assert _relative(root, storage.glob(storage.join(root, "*", "part-*.parquet"))) == ["a/part-00000.parquet", "a/part-00001.parquet"]
    assert [storage.name(p) for p in storage.subfolders(root)] == ["a", "b"]
    assert done_parts(storage.join(root, "a")) == {"src/part-00000"}
    assert storage.read_text(storage.join(root, "a", "_stats", "src", "part-00000.json")) == '{\n  "docs_in": 3\n}\n'
    assert storage.isfile(storage.join(root, "a", "part-00000.parquet"))
    assert not storage.isfile(storage.join(root, "a"))

    storage.remove(storage.join(root, "a", "part-00001.parquet"), inside=root)
    storage.remove(storage.join(root, "a", "missing.parquet"), inside=storage.join(root, "a"))
    storage.remove_tree(storage.join(root, "b"), inside=root)
    assert _relative(root, storage.find(root)) == [
        "a/_dropped/part-00000.parquet", "a/_stats/src/part-00000.json", "a/part-00000.parquet"]


@pytest.mark.parametrize(("target", "owner"), [
    ("x/../sentinel.txt", "x"),        # '..' climbs out of the owner
    ("x/..", "x"),                     # a source named '..': the owner's parent
    ("x/.", "x"),                      # a source named '.': the owner itself
    ("x", "x"),
    ("sentinel.txt", "x"),             # a sibling of the owner
    ("xy/sentinel.txt", "x"),          # a prefix that is not a folder boundary
])
def test_nothing_outside_the_owning_folder_can_be_removed(root: str, target: str, owner: str) -> None:
    for sentinel in ("sentinel.txt", "x/keep.txt", "xy/sentinel.txt"):
        storage.write_text("keep", storage.join(root, sentinel))
    path, folder = storage.join(root, *target.split("/")), storage.join(root, owner)
    with pytest.raises(storage.OutsideFolderError, match=f"refusing to remove {path}: it is not strictly inside {folder}"):
        storage.remove(path, inside=folder)
    with pytest.raises(storage.OutsideFolderError, match="refusing to remove"):
        storage.remove_tree(path, inside=folder)
    assert _relative(root, storage.find(root)) == ["sentinel.txt", "x/keep.txt", "xy/sentinel.txt"]


def test_a_symlink_out_of_the_owning_folder_is_not_followed_for_removal(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "data").mkdir(parents=True)
    (outside / "data" / "sentinel.txt").write_text("keep")
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "link").symlink_to(outside / "data")
    with pytest.raises(storage.OutsideFolderError):
        storage.remove_tree(str(tmp_path / "root" / "link"), inside=str(tmp_path / "root"))
    assert (outside / "data" / "sentinel.txt").read_text() == "keep"


def test_a_failed_writer_publishes_nothing_and_leaves_no_temp_file(root: str, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    target = storage.join(root, "part-00000.parquet")
    with pytest.raises(RuntimeError, match="boom"), AtomicParquetWriter(target) as writer:
        writer.write(pa.table({"id": ["a"]}))
        raise RuntimeError("boom")
    assert not storage.exists(target)
    assert storage.find(root) == [] and list(scratch.iterdir()) == []

    with AtomicParquetWriter(target) as writer:
        writer.write(pa.table({"id": ["a", "b"]}))
    assert read_table(target).column("id").to_pylist() == ["a", "b"]
    assert _relative(root, storage.find(root)) == ["part-00000.parquet"] and list(scratch.iterdir()) == []


def test_roots_and_urls_are_normalised(tmp_path: Path) -> None:
    assert storage.normalize_root("s3://bucket/prefix/") == "s3://bucket/prefix"
    assert storage.normalize_root(f"file://{tmp_path}/x") == str(tmp_path / "x")
    assert storage.join("s3://bucket/prefix", "curate", "ingest") == "s3://bucket/prefix/curate/ingest"
    assert storage.is_remote("gs://b/p") and not storage.is_remote(f"file://{tmp_path}") and not storage.is_remote(tmp_path)
