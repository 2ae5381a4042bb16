"""Benchmark: WARC ingest + HTML extraction, seamix against datatrove, per core, on the real web
archives in ../shared/realdata/warc, in one run.

* seamix: ``pipelines.sources.read_documents`` (FastWARC, charset detection) then
  ``pipelines.extract.html.extract_batch`` (Resiliparse, or ``--seamix-extractor trafilatura``);
* datatrove: its own ``WarcReader`` (warcio, cchardet, python-magic) then its ``Trafilatura``
  extractor (which runs trafilatura in a sandbox subprocess), chained as a datatrove pipeline.

Both read the same files (every ``*.warc(.gz)`` except the deliberately truncated one, on which
datatrove's reader raises) ``--repeat`` times, each system in its own spawned process. CPU time
is that process's plus its children's (datatrove's extractor subprocess), so docs per CPU second
is throughput per core. MB are compressed input bytes. Numbers only, no asserts. Needs
``warcio``, ``trafilatura``, ``faust-cchardet`` and ``python-magic`` for the datatrove side.

    python bench/ingest_bench.py [--warc-dir DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

DEFAULT_WARC_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "realdata" / "warc"
#: Cut off mid gzip member on purpose; datatrove's WarcReader raises EOFError on it.
EXCLUDED = ("resiliparse__clipped.warc.gz",)


def bench_files(folder: Path) -> list[Path]:
    """The WARC files both systems can read."""
    return sorted(p for p in folder.iterdir() if re.search(r"\.warc(\.gz)?$", p.name) and p.name not in EXCLUDED)


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_seamix(files: list[str], repeat: int, extractor: str) -> dict[str, float]:
    """Read and extract every file ``repeat`` times; counts are of all passes."""
    import pyarrow as pa

    from pipelines.extract.html import ExtractOptions, extract_batch
    from pipelines.ingest.config import SourceConfig
    from pipelines.ingest.readers import read_documents
    from pipelines.runtime.problems import ErrorLog

    options = ExtractOptions(extractor=extractor)
    docs_in = docs_out = chars = 0
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    for _ in range(repeat):
        for path in files:
            source = SourceConfig(name="bench", kind="warc", paths=(path,))
            for batch in read_documents(source, path, ErrorLog()):
                kept, _ = extract_batch(pa.Table.from_batches([batch]), options=options)
                docs_in += batch.num_rows
                docs_out += kept.num_rows
                chars += sum(len(t) for t in kept.column("text").to_pylist())
    return {"wall": time.perf_counter() - started, "cpu": _cpu_seconds() - cpu_started,
            "docs_in": docs_in, "docs_out": docs_out, "chars": chars}


def run_datatrove(files: list[str], repeat: int) -> dict[str, float]:
    """datatrove's WarcReader -> Trafilatura pipeline over the same files, ``repeat`` times."""
    from datatrove.pipeline.extractors import Trafilatura
    from datatrove.pipeline.readers import WarcReader

    folder = str(Path(files[0]).parent)
    names = [Path(f).name for f in files]
    docs_in = docs_out = chars = 0
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    for _ in range(repeat):
        for name in names:
            reader = WarcReader(folder, glob_pattern=name)
            counted = []

            def counting(documents):
                for document in documents:
                    counted.append(1)
                    yield document

            for document in Trafilatura(timeout=10).run(counting(reader.run())):
                docs_out += 1
                chars += len(document.text)
            docs_in += len(counted)
    return {"wall": time.perf_counter() - started, "cpu": _cpu_seconds() - cpu_started,
            "docs_in": docs_in, "docs_out": docs_out, "chars": chars}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warc-dir", type=Path, default=DEFAULT_WARC_DIR)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seamix-extractor", default="resiliparse", choices=("resiliparse", "trafilatura"))
    args = parser.parse_args()
    files = [str(p) for p in bench_files(args.warc_dir)]
    megabytes = sum(Path(f).stat().st_size for f in files) * args.repeat / 1e6
    print(f"{len(files)} WARC files, {megabytes / args.repeat:.2f} MB compressed, {args.repeat} passes; one process per system")
    context = multiprocessing.get_context("spawn")
    results = {}
    for name, job, job_args in (("seamix", run_seamix, (files, args.repeat, args.seamix_extractor)),
                                ("datatrove", run_datatrove, (files, args.repeat))):
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            results[name] = pool.submit(job, *job_args).result()
    print(f"{'system':<10} {'wall s':>7} {'CPU s':>7} {'docs in':>8} {'docs out':>8} {'docs/s/core':>11} {'MB/s/core':>9} {'out chars':>10}")
    for name, r in results.items():
        print(f"{name:<10} {r['wall']:>7.2f} {r['cpu']:>7.2f} {r['docs_in']:>8} {r['docs_out']:>8} "
              f"{r['docs_out'] / r['cpu']:>11.1f} {megabytes / r['cpu']:>9.2f} {r['chars']:>10,}")
    seamix, datatrove = results["seamix"], results["datatrove"]
    print(f"seamix / datatrove per core: {datatrove['cpu'] / seamix['cpu']:.1f}x less CPU for the same files, "
          f"{(seamix['docs_out'] / seamix['cpu']) / (datatrove['docs_out'] / datatrove['cpu']):.1f}x output docs per CPU second")


if __name__ == "__main__":
    main()
