"""Benchmark: what the damage checks cost next to the work they guard, in one run.

* charset check (``choose_charset``) per page vs the Resiliparse extraction of the same page, on
  the HTML responses of the real web archives in ../shared/realdata/warc (or the bundled sample);
* done-marker checksum (xxh3-128) vs SHA-256 vs writing the same data as a zstd Parquet part.

Prints numbers and ratios, no asserts.

    python bench/damage_bench.py [--warc-dir DIR] [--repeat 3] [--mb 64]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.extract.html import html_to_text
from pipelines.ingest.charset import choose_charset
from pipelines.storage.checksums import file_digest, file_sha256

REPO = Path(__file__).resolve().parents[1]
DEFAULT_WARC_DIR = REPO.parent / "shared" / "realdata" / "warc"


def _pages(folder: Path) -> list[tuple[bytes, str | None]]:
    from extract_bench import load_pages, warc_files

    files = warc_files(folder) if folder.is_dir() else sorted((REPO / "sample" / "data" / "warc").glob("*.warc.gz"))
    return load_pages(files)


def _seconds(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warc-dir", type=Path, default=DEFAULT_WARC_DIR)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mb", type=int, default=64, help="size of the checksum test data")
    args = parser.parse_args()

    pages = _pages(args.warc_dir)
    utf8 = [(h, c) for h, c in pages if choose_charset(h, c).charset == "utf-8"]
    check = _seconds(lambda: [choose_charset(h, c) for h, c in utf8], args.repeat)
    extract = _seconds(lambda: [html_to_text(h, c) for h, c in utf8], args.repeat)
    megabytes = sum(len(h) for h, _ in utf8) / 1e6
    print(f"charset check on {len(utf8)} UTF-8 pages ({megabytes:.1f} MB): {check * 1e3:.1f} ms CPU, "
          f"extraction {extract * 1e3:.0f} ms; check / extraction = {check / extract:.2%}")
    lies = sum(1 for h, c in pages if choose_charset(h, c).problem)
    print(f"pages whose declared charset was replaced or reported: {lies} of {len(pages)}")

    rows = args.mb * 1_000_000 // 100
    table = pa.table({"text": [os.urandom(50).hex() for _ in range(rows)]})
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "part.parquet")
        write = _seconds(lambda: pq.write_table(table, path, compression="zstd"), 1)
        size = os.path.getsize(path) / 1e6
        xxh = _seconds(lambda: file_digest(path), args.repeat)
        sha = _seconds(lambda: file_sha256(path), args.repeat)
    print(f"part of {size:.0f} MB: write {write:.2f} s, xxh3-128 {xxh:.3f} s ({size / xxh:.0f} MB/s), "
          f"SHA-256 {sha:.3f} s ({size / sha:.0f} MB/s); xxh3 / write = {xxh / write:.1%}, SHA-256 / xxh3 = {sha / xxh:.1f}x")


if __name__ == "__main__":
    main()
