"""Benchmark: index-driven ranged fetch of a Common Crawl selection vs reading the whole WARCs.

Generates ``--records`` HTML responses in ``--files`` WARC files (one gzip member per record, as
Common Crawl writes them) with a columnar index over them (cc-index-table column names and
types). ``--sea-share`` of the records are tagged with one of the nine SEA languages, the rest
English or Chinese. A loopback HTTP server with Range support serves the WARCs. Both paths end
with the same documents (the SEA-tagged HTML responses) in INGEST_SCHEMA batches:

* whole WARCs: GET each file in full, then read every record with the ``warc`` reader and keep
  the selected URLs;
* index: ``build_work_list`` (DuckDB over the index) then the ``cc-index`` reader, which fetches
  only the selected records by HTTP Range, ``--concurrency`` at a time.

Prints bytes transferred and wall time of each path and their ratios. Loopback has no latency,
which flatters many small requests; ``--latency-ms`` adds a per-response delay to see where
ranged fetching stops paying off at a given ``--concurrency``.

    python bench/cc_index_bench.py --records 4000 --files 8 --sea-share 0.05
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import urllib3

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from cc_fixtures import Page, RangeServer, index_rows, write_index, write_warc  # noqa: E402

from pipelines.ingest.commoncrawl.index import build_work_list  # noqa: E402
from pipelines.ingest.commoncrawl.index_reader import read_cc_index  # noqa: E402
from pipelines.ingest.commoncrawl.selection import CcIndexSelection  # noqa: E402
from pipelines.ingest.config import SourceConfig  # noqa: E402
from pipelines.ingest.warc import read_warc  # noqa: E402
from pipelines.runtime.problems import ErrorLog  # noqa: E402

CRAWL = "CC-MAIN-2024-10"
SEA = ("tha", "vie", "ind", "msa", "tgl", "tam", "mya", "khm", "lao")


def make_corpus(root: Path, records: int, files: int, sea_share: float, seed: int) -> list[str]:
    """WARCs under ``root/warcs`` and the index under ``root/index``; returns the index glob."""
    rng = random.Random(seed)
    vocabulary = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 10))) for _ in range(5000)]
    rows = []
    for n in range(files):
        pages = []
        for i in range(n, records, files):
            tag = rng.choice(SEA) + ",eng" if rng.random() < sea_share else rng.choice(["eng", "eng", "eng,zho", "zho"])
            words = " ".join(rng.choices(vocabulary, k=rng.randint(1500, 6000)))  # ~10-40 KB of HTML
            pages.append(Page(f"https://site{i % 97}.example/{i}", f"<html><body><p>{words}</p></body></html>".encode(), tag))
        name = f"crawl-data/{CRAWL}/segments/1709476180000.0/warc/{CRAWL}-{n:05d}.warc.gz"
        (root / "warcs" / name).parent.mkdir(parents=True, exist_ok=True)
        rows += index_rows(name, pages, write_warc(root / "warcs" / name, pages, seed=n))
    write_index(root / "index", CRAWL, rows, files=4)
    return [str(root / "index" / "crawl=*" / "subset=warc" / "*.parquet")]


def whole_warcs(root: Path, base_url: str, wanted: set[str]) -> tuple[int, int, int]:
    """Download every WARC and read all its records; (bytes, documents kept, documents read)."""
    http = urllib3.PoolManager()
    downloaded = kept = read = 0
    local = root / "downloaded"
    for path in sorted((root / "warcs").rglob("*.warc.gz")):
        target = local / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        response = http.request("GET", base_url + path.relative_to(root / "warcs").as_posix(), preload_content=False)
        with open(target, "wb") as f:
            for block in response.stream(1 << 20):
                downloaded += len(block)
                f.write(block)
        response.release_conn()
        source = SourceConfig(name="bench", kind="warc", paths=(str(target),))
        for batch in read_warc(source, str(target), ErrorLog()):
            read += batch.num_rows
            kept += sum(url in wanted for url in batch.column("url").to_pylist())
    return downloaded, kept, read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=4000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--sea-share", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay the server adds to every response")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="cc-index-bench-"))
    try:
        index = make_corpus(root, args.records, args.files, args.sea_share, args.seed)
        warc_bytes = sum(p.stat().st_size for p in (root / "warcs").rglob("*.warc.gz"))
        selection = CcIndexSelection(languages=SEA, primary_only=True)
        with RangeServer(root / "warcs", latency_s=args.latency_ms / 1000) as server:
            start = time.perf_counter()
            work_list = build_work_list(index, selection, root / "worklist", chunk_records=1000)
            select_s = time.perf_counter() - start
            source = SourceConfig(name="bench", kind="cc-index", paths=(str(root / "worklist"),),
                                  options={"base_url": server.base_url, "concurrency": args.concurrency})
            errors = ErrorLog()
            wanted: set[str] = set()
            for chunk in work_list.chunks:
                for batch in read_cc_index(source, chunk, errors):
                    wanted.update(batch.column("url").to_pylist())
            index_s = time.perf_counter() - start
            index_bytes = server.bytes_sent
            start = time.perf_counter()
            whole_bytes, whole_kept, whole_read = whole_warcs(root, server.base_url, wanted)
            whole_s = time.perf_counter() - start
        print(f"corpus: {args.records:,} records in {args.files} WARC files, {warc_bytes / 1e6:.1f} MB; "
              f"server latency {args.latency_ms:g} ms, concurrency {args.concurrency}; selected {work_list.records:,} ({work_list.records / args.records:.2%}) SEA-tagged records")
        print(f"whole WARCs : {whole_bytes / 1e6:9.2f} MB transferred  {whole_s:7.2f} s  "
              f"({whole_read:,} documents parsed, {whole_kept:,} kept)")
        print(f"index+range : {index_bytes / 1e6:9.2f} MB transferred  {index_s:7.2f} s  "
              f"({len(wanted):,} documents; work list {select_s:.2f} s; {errors.errors} fetch errors)")
        print(f"ratio index/whole: bytes {index_bytes / whole_bytes:.3f}  time {index_s / whole_s:.3f}  "
              f"(speed-up x{whole_s / index_s:.1f})")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
