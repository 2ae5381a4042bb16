"""Common Crawl path listings: selection (segments, first N, shard i of n), expansion against a base
URL, crawl id on every document, and clear errors for bad listings and options."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from test_sources import LoopbackFileServer, read_all, warc_record, write_warc_gz

from pipelines.ingest.commoncrawl.listing import (
    ListingError,
    ListingSelection,
    crawl_id,
    expand_listing,
    read_listing,
    select,
)
from pipelines.ingest.config import SourceConfig, load_sources
from pipelines.ingest.files import list_input_files

CRAWL = "CC-MAIN-2024-22"
SEGMENTS = ("1715971057216.39", "1715971058009.41", "1715971059632.19")


def listed(segment: str, n: int, kind: str = "warc") -> str:
    return f"crawl-data/{CRAWL}/segments/{segment}/{kind}/{CRAWL.replace('MAIN-', 'MAIN-2024052')}-{n:05d}.{kind}.gz"


#: Two files per segment, in Common Crawl's order (by segment, then file number).
ENTRIES = [listed(s, 2 * i + j) for i, s in enumerate(SEGMENTS) for j in range(2)]


def write_listing(folder: Path, entries: list[str] = ENTRIES, name: str = "warc.paths.gz") -> Path:
    path = folder / "crawl-data" / CRAWL / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(("\n".join(entries) + "\n").encode()))
    return path


def source(listing: Path | str, kind: str = "warc", crawl: str | None = None, **selection: object) -> SourceConfig:
    return SourceConfig(name="cc", kind=kind, paths=(str(listing),), crawl=crawl, options={"listing": selection} if selection else {})


def test_crawl_id_and_listing_detection() -> None:
    assert crawl_id(f"https://data.commoncrawl.org/crawl-data/{CRAWL}/warc.paths.gz") == CRAWL
    assert crawl_id(f"s3://commoncrawl/{ENTRIES[0]}") == CRAWL
    assert crawl_id("/data/my-crawl/part-0.warc.gz") is None


def test_read_listing_skips_blank_lines_and_rejects_absolute_paths(tmp_path: Path) -> None:
    assert read_listing(str(write_listing(tmp_path, ["", ENTRIES[0], "  "]))) == [ENTRIES[0]]
    plain = tmp_path / "wet.paths"
    plain.write_text(f"{ENTRIES[0]}\n/etc/passwd\n")
    with pytest.raises(ListingError, match=r"wet.paths: line 2: expected a relative path or URL"):
        read_listing(str(plain))
    empty = tmp_path / "empty.paths"
    empty.write_text("\n")
    with pytest.raises(ListingError, match="names no files"):
        read_listing(str(empty))


def test_selection_segments_then_first_then_shard() -> None:
    assert select(ENTRIES, ListingSelection(first=3)) == ENTRIES[:3]
    assert select(ENTRIES, ListingSelection(segments=(1, 2))) == ENTRIES[2:]
    assert select(ENTRIES, ListingSelection(segments=(1, 1), first=1)) == [ENTRIES[2]]
    shards = [select(ENTRIES, ListingSelection(shard=(i, 3))) for i in range(3)]
    assert sorted(sum(shards, [])) == sorted(ENTRIES)
    assert all(len(s) == 2 for s in shards) and shards[1] == [ENTRIES[1], ENTRIES[4]]
    assert select(ENTRIES, ListingSelection(first=4, shard=(1, 2))) == [ENTRIES[1], ENTRIES[3]]
    with pytest.raises(ListingError, match="range 2-3 but the listing has 3 segments"):
        select(ENTRIES, ListingSelection(segments=(2, 3)))


@pytest.mark.parametrize(("options", "message"), [
    ({"first": 0}, "first must be a positive integer"),
    ({"shard": "3/3"}, "shard: index must be below the shard count"),
    ({"shard": "x"}, "shard must look like 'a/b'"),
    ({"segments": "5-2"}, "segments: need 0 <= a <= b"),
    ({"limit": 3}, "unknown key.*limit"),
])
def test_bad_selection_options_are_named(options: dict, message: str) -> None:
    with pytest.raises(ListingError, match=message):
        ListingSelection.from_options({"listing": options})


def test_selection_options_parse_strings_lists_and_single_segments() -> None:
    parsed = ListingSelection.from_options({"listing": {"segments": 4, "first": 10, "shard": [2, 8], "base_url": "s3://commoncrawl/"}})
    assert parsed == ListingSelection(segments=(4, 4), first=10, shard=(2, 8), base_url="s3://commoncrawl/")
    assert ListingSelection.from_options({"listing": {"segments": "0-9", "shard": "0/4"}}).segments == (0, 9)


def test_expand_listing_resolves_against_the_base_url_and_checks_the_crawl(tmp_path: Path) -> None:
    listing = str(write_listing(tmp_path))
    urls = expand_listing(listing, ListingSelection(first=2))
    assert urls == [f"https://data.commoncrawl.org/{e}" for e in ENTRIES[:2]]
    assert expand_listing(listing, ListingSelection(first=1, base_url="s3://commoncrawl"), crawl=CRAWL) == [f"s3://commoncrawl/{ENTRIES[0]}"]
    with pytest.raises(ListingError, match=f"listing is for crawl {CRAWL} but the source says crawl: CC-MAIN-2023-50"):
        expand_listing(listing, ListingSelection(), crawl="CC-MAIN-2023-50")


def test_list_input_files_expands_a_listing_and_validates_the_source(tmp_path: Path) -> None:
    listing = write_listing(tmp_path)
    files = list_input_files(source(listing, segments="2", base_url=str(tmp_path)))
    assert files == sorted(f"{tmp_path}/{e}" for e in ENTRIES[4:])
    with pytest.raises(ValueError, match=r"source 'cc': .* names .*\.warc\.gz, not a wet file"):
        list_input_files(source(listing, kind="wet"))
    with pytest.raises(ValueError, match="source 'cc': options.listing: unknown key"):
        list_input_files(source(listing, take=1))
    with pytest.raises(ValueError, match="options.listing is set but no path is a Common Crawl listing"):
        list_input_files(SourceConfig(name="cc", kind="warc", paths=(str(tmp_path),), options={"listing": {"first": 1}}))


def test_documents_from_listed_files_carry_crawl_id_and_record_id(tmp_path: Path) -> None:
    entries = ENTRIES[:2]
    for n, entry in enumerate(entries):
        target = tmp_path / entry
        target.parent.mkdir(parents=True, exist_ok=True)
        write_warc_gz(target, [warc_record(10 * n + i) for i in range(3)])
    sources_yaml = tmp_path / "sources.yaml"
    sources_yaml.write_text(
        "sources:\n"
        f"  - {{name: cc, kind: warc, paths: crawl-data/{CRAWL}/warc.paths.gz,\n"
        f"     options: {{listing: {{first: 2, shard: '1/2', base_url: '{tmp_path}'}}}}}}\n"
    )
    write_listing(tmp_path)
    (cc,) = load_sources(sources_yaml)
    (path,) = list_input_files(cc)
    assert path == f"{tmp_path}/{entries[1]}"
    table, errors = read_all(cc, path)
    assert errors.errors == 0
    assert table.column("dump").to_pylist() == [CRAWL] * 3
    assert table.column("id").to_pylist() == [f"cc/00000000-0000-0000-0000-0000000000{10 + i:02x}" for i in range(3)]


def test_remote_listing_and_files_over_http(tmp_path: Path) -> None:
    warc = tmp_path / "w.warc.gz"
    write_warc_gz(warc, [warc_record(n) for n in range(2)])
    served = {f"/{e}": warc.read_bytes() for e in ENTRIES}
    served[f"/crawl-data/{CRAWL}/warc.paths.gz"] = write_listing(tmp_path).read_bytes()
    with LoopbackFileServer(served) as server:
        cc = source(f"{server.url}/crawl-data/{CRAWL}/warc.paths.gz", crawl=CRAWL, segments="1-2", shard="0/2", base_url=server.url)
        files = list_input_files(cc)
        assert files == [f"{server.url}/{e}" for e in (ENTRIES[2], ENTRIES[4])]
        table, errors = read_all(cc, files[0])
    assert errors.errors == 0 and table.num_rows == 2
    assert set(table.column("dump").to_pylist()) == {CRAWL}
