"""Benchmark: HTML -> text with Resiliparse vs Trafilatura (pipelines.extract.html.html_to_text) on the
real web archives in ../shared/realdata/warc, in one run.

The HTML responses of every readable ``*.warc(.gz)`` file are read once with the seamix WARC
reader (not timed), then each extractor converts all of them ``--repeat`` times in this process.
Prints documents and HTML MB per CPU second (one core), output characters and empty outputs per
extractor, and the speed ratio. Numbers only, no asserts.

    python bench/extract_bench.py [--warc-dir DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from pipelines.extract.html import EXTRACTORS, html_to_text
from pipelines.ingest.config import SourceConfig
from pipelines.ingest.readers import read_documents
from pipelines.runtime.problems import ErrorLog

DEFAULT_WARC_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "realdata" / "warc"


def warc_files(folder: Path) -> list[Path]:
    """The WARC files of ``folder`` (not WET/WAT/ARC)."""
    return sorted(p for p in folder.iterdir() if re.search(r"\.warc(\.gz)?$", p.name))


def load_pages(files: list[Path]) -> list[tuple[bytes, str | None]]:
    """(html, charset) of every HTML response in ``files``."""
    pages: list[tuple[bytes, str | None]] = []
    for path in files:
        source = SourceConfig(name="bench", kind="warc", paths=(str(path),))
        for batch in read_documents(source, str(path), ErrorLog()):
            pages.extend(zip(batch.column("html").to_pylist(), batch.column("content_charset").to_pylist()))
    return pages


def run(extractor: str, pages: list[tuple[bytes, str | None]], repeat: int) -> dict[str, float]:
    """Extract every page ``repeat`` times; counts are of one pass."""
    html_to_text(pages[0][0], pages[0][1], extractor=extractor)  # imports and warm-up outside the timing
    chars = empty = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for round_no in range(repeat):
        for html, charset in pages:
            text = html_to_text(html, charset, extractor=extractor)
            if round_no == 0:
                chars += len(text)
                empty += not text
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    docs = len(pages) * repeat
    megabytes = sum(len(html) for html, _ in pages) * repeat / 1e6
    return {"seconds": seconds, "cpu": cpu, "docs_s": docs / cpu, "mb_s": megabytes / cpu, "chars": chars, "empty": empty}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warc-dir", type=Path, default=DEFAULT_WARC_DIR)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = warc_files(args.warc_dir)
    pages = load_pages(files)
    html_mb = sum(len(h) for h, _ in pages) / 1e6
    print(f"{len(files)} WARC files, {len(pages)} HTML pages, {html_mb:.2f} MB of HTML, {args.repeat} passes each")
    results = {name: run(name, pages, args.repeat) for name in EXTRACTORS}
    print("rates per CPU second of this single-threaded process (one core); wall seconds for reference")
    print(f"{'extractor':<12} {'wall s':>7} {'CPU s':>7} {'docs/s':>9} {'MB/s':>7} {'out chars':>10} {'empty':>6}")
    for name, r in results.items():
        print(f"{name:<12} {r['seconds']:>7.2f} {r['cpu']:>7.2f} {r['docs_s']:>9.1f} {r['mb_s']:>7.2f} {r['chars']:>10,} {r['empty']:>6}")
    fast, slow = results["resiliparse"], results["trafilatura"]
    print(f"resiliparse / trafilatura speed: {fast['docs_s'] / slow['docs_s']:.1f}x; "
          f"output characters: {fast['chars'] / max(slow['chars'], 1):.2f}x")


if __name__ == "__main__":
    main()
