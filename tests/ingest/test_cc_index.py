"""Index-driven Common Crawl ingest: selection, work lists, dry run, ranged fetch with retries."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
import yaml
from cc_fixtures import (
    Page,
    RangeServer,
    gzip_members,
    index_rows,
    write_index,
    write_warc,
)

from eval.realdata import REALDATA as SHARED_REALDATA
from pipelines.ingest.commoncrawl.index import (
    WORK_LIST_SCHEMA,
    build_work_list,
    dry_run,
)
from pipelines.ingest.commoncrawl.index_reader import fetch_records, read_cc_index
from pipelines.ingest.commoncrawl.range_fetch import FetchOptions, RangeFetcher
from pipelines.ingest.commoncrawl.selection import (
    INDEX_CODES,
    CcIndexSelection,
    crawl_date,
    sample_key,
)
from pipelines.ingest.config import SourceConfig, load_sources
from pipelines.ingest.files import list_input_files
from pipelines.ingest.readers import read_documents
from pipelines.ingest.warc import read_warc, response_fields
from pipelines.langid.languages import BY_CODE
from pipelines.runtime.problems import ErrorLog

REALDATA = SHARED_REALDATA

CRAWLS = {"CC-MAIN-2024-10": 3, "CC-MAIN-2023-50": 1}  # crawl -> number of WARC files
LANGS = ["tha,eng", "eng,tha", "msa", "tgl,eng", "zho", "vie", "fra", None, "ind", "lao,tha", "mya", "khm"]


def _pages(crawl: str, n_file: int) -> list[Page]:
    pages = []
    for i in range(24):
        langs = LANGS[i % len(LANGS)]
        body = f"<html><body><p>{crawl} file {n_file} page {i} {langs} สวัสดี</p>{'x' * (i * 37)}</body></html>"
        status, mime = (404, "text/html") if i == 5 else (200, "application/pdf") if i == 17 else (200, "text/html")
        host = "news.example.th" if i % 3 == 0 else "blog.example.com"
        pages.append(Page(f"https://{host}/{crawl}/{n_file}/{i}", body.encode("utf-8"), langs, status, mime))
    return pages


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict:
    """WARC files under ``warcs/`` (paths as in Common Crawl) and the index under ``index/``."""
    root = tmp_path_factory.mktemp("cc")
    rows_by_crawl: dict[str, list[dict]] = {}
    for crawl, n_files in CRAWLS.items():
        for n in range(n_files):
            name = f"crawl-data/{crawl}/segments/1709476180000.0/warc/{crawl}-{n:05d}.warc.gz"
            path = root / "warcs" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            pages = _pages(crawl, n)
            seed = len(rows_by_crawl.get(crawl, [])) + 1000 * len(rows_by_crawl)  # distinct record ids across files
            rows_by_crawl.setdefault(crawl, []).extend(index_rows(name, pages, write_warc(path, pages, seed=seed)))
    for crawl, rows in rows_by_crawl.items():
        write_index(root / "index", crawl, rows)
    rows = [row | {"crawl": crawl} for crawl, crawl_rows in rows_by_crawl.items() for row in crawl_rows]
    return {"root": root, "index": [str(root / "index" / "crawl=*" / "subset=warc" / "*.parquet")], "rows": rows}


def _expected(rows: list[dict], codes: set[str], primary_only: bool = True, crawls: set[str] | None = None) -> set[tuple[str, int]]:
    keep = set()
    for row in rows:
        langs = (row["content_languages"] or "").split(",")
        hit = langs[0] in codes if primary_only else bool(codes & set(langs))
        if hit and row["fetch_status"] == 200 and row["content_mime_type"] == "text/html" and (crawls is None or row["crawl"] in crawls):
            keep.add((row["warc_filename"], row["warc_record_offset"]))
    return keep


def _work_rows(work_list) -> list[dict]:
    return [row for chunk in work_list.chunks for row in pq.read_table(chunk).to_pylist()]


def test_index_codes_cover_the_registry_and_follow_cld2():
    assert set(INDEX_CODES) == set(BY_CODE)
    selection = CcIndexSelection(languages=("MS", "tl", "zh", "tha_Thai", "th"))
    assert selection.languages == ("zsm_Latn", "fil_Latn", "cmn_Hani", "tha_Thai")
    assert selection.index_codes == {"msa": "zsm_Latn", "tgl": "fil_Latn", "fil": "fil_Latn", "zho": "cmn_Hani", "tha": "tha_Thai"}
    with pytest.raises(ValueError, match="unknown language 'klingon'"):
        CcIndexSelection(languages=("klingon",))


def test_crawl_dates_and_date_range():
    assert str(crawl_date("CC-MAIN-2024-10")) == "2024-03-04"
    selection = CcIndexSelection(languages=("th",), date_range=("2020-10", "2024-04"))
    available = ["CC-MAIN-2020-10", "CC-MAIN-2020-40", "CC-MAIN-2020-45", "CC-MAIN-2024-18", "CC-MAIN-2024-22"]
    assert selection.crawl_ids(available) == ["CC-MAIN-2020-45", "CC-MAIN-2024-18"]  # 2020-40 starts 2020-09-28
    with pytest.raises(ValueError, match="CC-MAIN-YYYY-WW"):
        CcIndexSelection(languages=("th",), crawls=("2024-10",))
    with pytest.raises(ValueError, match="ends before it starts"):
        CcIndexSelection(languages=("th",), date_range=("2024-04", "2020-10"))


def test_work_list_holds_exactly_the_selected_records(corpus, tmp_path):
    selection = CcIndexSelection(languages=("th", "ms", "fil"))
    work_list = build_work_list(corpus["index"], selection, tmp_path / "wl", chunk_records=7)
    rows = _work_rows(work_list)
    assert {(r["warc_filename"], r["warc_record_offset"]) for r in rows} == _expected(corpus["rows"], {"tha", "msa", "tgl"})
    assert work_list.records == len(rows) and work_list.bytes == sum(r["warc_record_length"] for r in rows)
    per_crawl = {crawl: sum(r["crawl"] == crawl for r in rows) for crawl in sorted(CRAWLS)}
    assert [Path(c).relative_to(tmp_path / "wl").as_posix() for c in work_list.chunks] == [
        f"crawl={crawl}/chunk-{i:05d}.parquet" for crawl, n in per_crawl.items() for i in range(-(-n // 7))]
    for chunk in work_list.chunks:
        table = pq.read_table(chunk)
        assert table.schema == WORK_LIST_SCHEMA and table.num_rows <= 7
        assert set(table.column("crawl").to_pylist()) == {Path(chunk).parent.name.removeprefix("crawl=")}
        keys = list(zip(table.column("warc_filename").to_pylist(), table.column("warc_record_offset").to_pylist()))
        assert keys == sorted(keys)
    by_lang = {r["content_languages"]: r["language"] for r in rows}
    assert by_lang == {"tha,eng": "tha_Thai", "msa": "zsm_Latn", "tgl,eng": "fil_Latn"}
    empty = build_work_list(corpus["index"], CcIndexSelection(languages=("vi",)), tmp_path / "none")
    assert (empty.chunks, empty.records) == ((), 0)  # every Vietnamese capture is a 404 or a PDF


def test_any_position_and_url_filters(corpus, tmp_path):
    anywhere = CcIndexSelection(languages=("th",), primary_only=False, crawls=("CC-MAIN-2024-10",))
    rows = _work_rows(build_work_list(corpus["index"], anywhere, tmp_path / "any"))
    assert {(r["warc_filename"], r["warc_record_offset"]) for r in rows} == _expected(
        corpus["rows"], {"tha"}, primary_only=False, crawls={"CC-MAIN-2024-10"})
    assert {r["content_languages"] for r in rows} == {"tha,eng", "eng,tha", "lao,tha"}
    assert {r["language"] for r in rows} == {"tha_Thai"}
    hosts = CcIndexSelection(languages=("th", "vi"), host_like="news.%", url_regex=r"/[0-9]+$")
    rows = _work_rows(build_work_list(corpus["index"], hosts, tmp_path / "host"))
    assert rows and all(r["url"].startswith("https://news.example.th/") for r in rows)


def test_sample_fraction_is_deterministic_and_matches_md5(corpus, tmp_path):
    selection = CcIndexSelection(languages=tuple(BY_CODE), primary_only=False, sample_fraction=0.5, sample_seed="s1")
    first = _work_rows(build_work_list(corpus["index"], selection, tmp_path / "a"))
    second = _work_rows(build_work_list(corpus["index"], selection, tmp_path / "b"))
    assert first == second
    everything = _work_rows(build_work_list(corpus["index"], CcIndexSelection(languages=tuple(BY_CODE), primary_only=False), tmp_path / "c"))
    expected = [r for r in everything if sample_key("s1", r["url"]) < 0.5 * 2**60]
    assert first == expected and 0 < len(first) < len(everything)


def test_work_list_is_reused_when_unchanged_and_replaced_when_changed(corpus, tmp_path):
    selection = CcIndexSelection(languages=("th",))
    first = build_work_list(corpus["index"], selection, tmp_path / "wl", chunk_records=5)
    mtimes = [Path(c).stat().st_mtime_ns for c in first.chunks]
    again = build_work_list(corpus["index"], selection, tmp_path / "wl", chunk_records=5)
    assert again == first and [Path(c).stat().st_mtime_ns for c in again.chunks] == mtimes
    bigger = build_work_list(corpus["index"], selection, tmp_path / "wl", chunk_records=100)
    assert len(bigger.chunks) == 2 and sorted(str(p) for p in (tmp_path / "wl").glob("crawl=*/chunk-*.parquet")) == sorted(bigger.chunks)


def test_unknown_crawl_and_bad_layout_are_named(corpus, tmp_path):
    with pytest.raises(ValueError, match="CC-MAIN-2019-04 not found in the index paths; found: CC-MAIN-2023-50, CC-MAIN-2024-10"):
        build_work_list(corpus["index"], CcIndexSelection(languages=("th",), crawls=("CC-MAIN-2019-04",)), tmp_path / "x")
    flat = tmp_path / "flat.parquet"
    pq.write_table(pa.table({"url": ["u"]}), flat)
    with pytest.raises(ValueError, match="not under a crawl=CC-MAIN-YYYY-WW/ folder"):
        dry_run([str(flat)], CcIndexSelection(languages=("th",)))


def test_dry_run_counts_records_and_bytes_per_crawl_and_language(corpus, tmp_path):
    selection = CcIndexSelection(languages=("th", "ms", "vi", "lo"))
    table = dry_run(corpus["index"], selection, tmp_path / "dry.parquet")
    assert pq.read_table(tmp_path / "dry.parquet").equals(table)
    got = {(r["crawl"], r["language"]): (r["records"], r["bytes"], r["warc_files"]) for r in table.to_pylist()}
    expected: dict[tuple[str, str], list] = {}
    for row in corpus["rows"]:
        primary = (row["content_languages"] or "").split(",")[0]
        code = {"tha": "tha_Thai", "msa": "zsm_Latn", "vie": "vie_Latn", "lao": "lao_Laoo"}.get(primary)
        if code and row["fetch_status"] == 200 and row["content_mime_type"] == "text/html":
            entry = expected.setdefault((row["crawl"], code), [0, 0, set()])
            entry[0] += 1
            entry[1] += row["warc_record_length"]
            entry[2].add(row["warc_filename"])
    assert got == {k: (n, b, len(files)) for k, (n, b, files) in expected.items()}


def _fetcher(base_url: str, **options) -> RangeFetcher:
    return RangeFetcher(FetchOptions(base_url=base_url, concurrency=3, backoff_s=0.0, **options))


def test_fetched_records_are_byte_identical_and_parse_like_the_whole_file(corpus, tmp_path):
    warcs = corpus["root"] / "warcs"
    work_list = build_work_list(corpus["index"], CcIndexSelection(languages=("th", "ms")), tmp_path / "wl", chunk_records=10)
    with RangeServer(warcs) as server:
        fetcher = _fetcher(server.base_url)
        errors = ErrorLog()
        fetched = [(entry, data) for chunk in work_list.chunks for entry, data in fetch_records(chunk, fetcher, errors)]
        source = SourceConfig(name="cc", kind="cc-index", paths=(str(tmp_path / "wl"),), options={"base_url": server.base_url, "concurrency": 3})
        docs = [row for chunk in work_list.chunks for batch in read_cc_index(source, chunk, errors) for row in batch.to_pylist()]
    assert errors.counts == {} and len(fetched) == work_list.records
    for entry, data in fetched:
        with open(warcs / entry.warc_filename, "rb") as f:
            f.seek(entry.offset)
            assert data == f.read(entry.length)
    assert fetcher.bytes_fetched == work_list.bytes
    assert server.bytes_sent == 2 * work_list.bytes  # fetch_records and read_cc_index, nothing else
    whole = {}
    for path in sorted(warcs.rglob("*.warc.gz")):
        plain = SourceConfig(name="cc", kind="warc", paths=(str(path),))
        whole.update({row["id"]: row for batch in read_warc(plain, str(path), ErrorLog()) for row in batch.to_pylist()})
    assert len(docs) == work_list.records
    for doc in docs:
        reference = whole[doc["id"]]
        assert (doc["url"], doc["date"], doc["html"], doc["content_charset"]) == (
            reference["url"], reference["date"], reference["html"], reference["content_charset"])
        assert doc["dump"] in CRAWLS and doc["source_file"].startswith(server.base_url)


def test_throttled_ranges_are_retried_and_failures_logged_with_file_and_offset(corpus, tmp_path):
    work_list = build_work_list(corpus["index"], CcIndexSelection(languages=("zh",)), tmp_path / "wl")
    with RangeServer(corpus["root"] / "warcs") as server:
        fetcher = _fetcher(server.base_url + "flaky/")
        errors = ErrorLog()
        got = [entry for chunk in work_list.chunks for entry, _ in fetch_records(chunk, fetcher, errors)]
        assert len(got) == work_list.records and errors.counts == {}
        assert server.statuses[503] == work_list.records == fetcher.retries
        gone = _fetcher(server.base_url + "missing/", max_attempts=2)
        assert list(fetch_records(work_list.chunks[0], gone, errors)) == []
    first = pq.read_table(work_list.chunks[0]).to_pylist()[0]
    assert errors.errors == pq.read_metadata(work_list.chunks[0]).num_rows
    sample = errors.samples[0]
    assert sample.file == f"{server.base_url}missing/{first['warc_filename']}"
    assert sample.where == f"offset {first['warc_record_offset']} length {first['warc_record_length']}"
    assert "HTTP 404" in sample.message


def test_local_folder_base_url_uses_fsspec(corpus, tmp_path):
    work_list = build_work_list(corpus["index"], CcIndexSelection(languages=("km",)), tmp_path / "wl")
    fetcher = _fetcher(str(corpus["root"] / "warcs"))
    got = [data for chunk in work_list.chunks for _, data in fetch_records(chunk, fetcher, ErrorLog())]
    assert len(got) == work_list.records and all(response_fields(d)["html"] for d in got)


def test_cc_index_source_from_yaml_runs_through_the_reader_registry(corpus, tmp_path):
    selection = {"languages": ["th"], "crawls": ["CC-MAIN-2024-10"]}
    work_list = build_work_list(corpus["index"], CcIndexSelection(languages=("th",), crawls=("CC-MAIN-2024-10",)), tmp_path / "wl", chunk_records=4)
    with RangeServer(corpus["root"] / "warcs") as server:
        entry = {"name": "cc-th", "kind": "cc-index", "paths": "wl", "crawl": "CC-MAIN-2024-10",
                 "options": {"index": corpus["index"], "selection": selection, "base_url": server.base_url, "backoff_s": 0}}
        (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"sources": [entry]}), encoding="utf-8")
        (source,) = load_sources(tmp_path / "sources.yaml")
        files = list_input_files(source)
        assert files == sorted(work_list.chunks)
        errors = ErrorLog()
        docs = [row for path in files for batch in read_documents(source, path, errors) for row in batch.to_pylist()]
    assert len(docs) == work_list.records and {d["dump"] for d in docs} == {"CC-MAIN-2024-10"}
    bad = dict(entry, options={"selection": {"languages": ["th"], "sample_fraction": 2}})
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump({"sources": [bad]}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"field 'options': field 'selection': 'sample_fraction' must be in \(0, 1\]"):
        load_sources(tmp_path / "bad.yaml")
    with pytest.raises(ValueError, match="field .base_ulr.: unknown field"):
        SourceConfig(name="x", kind="cc-index", paths=("wl",), options={"base_ulr": "http://x/"})


@pytest.mark.integration
def test_real_common_crawl_warc_records_fetched_by_range(tmp_path):
    """A genuine CC-MAIN-2020-34 WARC slice: index its response members, fetch them by range and
    compare with reading the whole file."""
    warc = REALDATA / "warc" / "resiliparse__warcfile.warc.gz"
    if not warc.exists():
        pytest.skip(f"real data not found at {warc} (../shared/realdata is absent in a fresh clone)")
    data = warc.read_bytes()
    pages, spans = [], []
    for offset, length in gzip_members(warc):
        fields = response_fields(data[offset : offset + length])
        if fields is not None and fields["html"] is not None:
            pages.append(Page(fields["url"], b"", "tha"))
            spans.append((offset, length))
    assert len(pages) >= 10
    (tmp_path / "warcs").mkdir()
    (tmp_path / "warcs" / warc.name).symlink_to(warc)
    write_index(tmp_path / "index", "CC-MAIN-2020-34", index_rows(warc.name, pages, spans), files=1)
    work_list = build_work_list([str(tmp_path / "index" / "crawl=*" / "subset=warc" / "*.parquet")],
                                CcIndexSelection(languages=("th",)), tmp_path / "wl")
    with RangeServer(tmp_path / "warcs") as server:
        source = SourceConfig(name="cc", kind="cc-index", paths=(str(tmp_path / "wl"),), options={"base_url": server.base_url})
        errors = ErrorLog()
        docs = [row for chunk in work_list.chunks for batch in read_cc_index(source, chunk, errors) for row in batch.to_pylist()]
    whole = [row for batch in read_warc(SourceConfig(name="cc", kind="warc", paths=(str(warc),)), str(warc), ErrorLog()) for row in batch.to_pylist()]
    assert errors.counts == {}
    assert [(d["id"], d["url"], d["html"], d["content_charset"]) for d in docs] == [
        (w["id"], w["url"], w["html"], w["content_charset"]) for w in whole]


def test_index_paths_may_be_a_cc_index_table_listing(corpus, tmp_path):
    root = corpus["root"]
    parts = sorted((root / "index" / "crawl=CC-MAIN-2024-10" / "subset=warc").glob("*.parquet"))
    listing = root / "crawl-data" / "CC-MAIN-2024-10" / "cc-index-table.paths.gz"
    listing.parent.mkdir(parents=True, exist_ok=True)
    lines = [p.relative_to(root).as_posix() for p in parts] + ["index/crawl=CC-MAIN-2024-10/subset=robotstxt/part-00000.parquet"]
    listing.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    selection = CcIndexSelection(languages=("th", "km"))
    from_listing = dry_run([str(listing)], selection)
    assert from_listing.num_rows == 2
    assert from_listing.equals(dry_run(corpus["index"], selection).filter(pc.field("crawl") == "CC-MAIN-2024-10"))


def test_cli_builds_work_lists_and_stores_the_dry_run_in_duckdb(corpus, tmp_path, capsys):
    from pipelines.cli import main
    from pipelines.outputs.catalog import query
    from pipelines.storage.layout import DataLayout

    entry = {"name": "cc-th", "kind": "cc-index", "paths": "wl",
             "options": {"index": corpus["index"], "selection": {"languages": ["th", "vi"]}}}
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"sources": [entry]}), encoding="utf-8")
    data = tmp_path / "data"
    assert main(["cc-dry-run", "--sources", str(tmp_path / "sources.yaml"), "--data-root", str(data)]) == 0
    assert not (tmp_path / "wl").exists(), "a dry run fetches and writes nothing but its table"
    assert main(["cc-work-list", "--sources", str(tmp_path / "sources.yaml"), "--data-root", str(data)]) == 0
    work_rows = sum(pq.read_metadata(p).num_rows for p in (tmp_path / "wl").glob("crawl=*/chunk-*.parquet"))
    expected = _expected(corpus["rows"], {"tha", "vie"})
    assert work_rows == len(expected) > 0
    totals = query(DataLayout.at(data), "SELECT source, sum(records) AS records FROM cc_dry_run GROUP BY source").to_pylist()
    assert totals == [{"source": "cc-th", "records": len(expected)}]
    assert "cc-th:" in capsys.readouterr().out
