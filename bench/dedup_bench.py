"""Benchmark: seamix dedup against datatrove's MinHash stages on the same generated documents.

Generates ``--docs`` English-like documents (Zipf-distributed words from a random
vocabulary) in ``--files`` Parquet files, a ``--dup-fraction`` of them planted copies of
another document: a third exact (case/spacing changed), the rest with 1-2% of words
replaced (word 5-gram Jaccard about 0.8-0.9). Each system runs in its own spawned process,
one task at a time, so that time and peak RSS (resource.getrusage) are its own (the
data is generated in a third process, so that the parent stays small):

* seamix: write_signatures per file, find_duplicates, apply_dedup per file (kept rows
  written to Parquet);
* datatrove: MinhashDedupSignature, MinhashDedupBuckets, MinhashDedupCluster and
  MinhashDedupFilter (ParquetReader in, ParquetWriter out) with its default MinhashConfig,
  words split on whitespace like seamix's shingles.

Recall: the fraction of planted pairs whose two documents end in the same cluster.
Prints numbers only. Needs the datatrove extras ``regex`` and ``xxhash``.

    python bench/dedup_bench.py --docs 100000
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import resource
import struct
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def generate(out_dir: Path, docs: int, files: int, dup_fraction: float, seed: int) -> list[tuple[str, str]]:
    """Write ``files`` Parquet files of documents; return the planted (original id, copy id) pairs."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocabulary = np.array(["".join(rng.choice(letters, rng.integers(2, 10))) for _ in range(50_000)])
    weights = 1.0 / np.arange(1, len(vocabulary) + 1) ** 1.05
    weights /= weights.sum()
    copies = int(docs * dup_fraction)
    originals = docs - copies
    texts: list[str] = []
    for _ in range(originals):
        texts.append(" ".join(rng.choice(vocabulary, rng.integers(80, 600), p=weights)))
    planted: list[tuple[int, int]] = []
    for copy_number in range(copies):
        source = int(rng.integers(originals))
        words = texts[source].split()
        if copy_number % 3 == 0:
            text = "  ".join(words).upper()
        else:
            changes = max(1, int(len(words) * rng.uniform(0.01, 0.02)))
            for position in rng.choice(len(words), changes, replace=False):
                words[position] = str(rng.choice(vocabulary))
            text = " ".join(words)
        planted.append((source, len(texts)))
        texts.append(text)
    order = rng.permutation(docs)  # planted copies spread over all files
    ids = np.array([f"doc{i:08d}" for i in range(docs)])
    sources = np.where(rng.random(docs) < 0.5, "fineweb2", "sealion_pile")
    for file_index, rows in enumerate(np.array_split(order, files)):
        table = pa.table(
            {
                "id": ids[rows],
                "text": [texts[r] for r in rows],
                "source": sources[rows],
                "language": ["eng_Latn"] * len(rows),
                "n_chars": pa.array([len(texts[r]) for r in rows], pa.int64()),
            }
        )
        pq.write_table(table, out_dir / f"{file_index:05d}.parquet")
    return [(ids[a], ids[b]) for a, b in planted]


def recall(labels: dict[str, object], planted: list[tuple[str, str]]) -> float:
    """Fraction of planted pairs whose documents carry the same cluster label."""
    found = sum(1 for a, b in planted if a in labels and labels.get(a) == labels.get(b))
    return found / len(planted) if planted else 1.0


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_seamix(input_dir: str, work_dir: str, planted: list[tuple[str, str]]) -> dict:
    """seamix's three phases; returns timings, peak RSS, removals and recall."""
    from pipelines.dedup.apply import apply_dedup
    from pipelines.dedup.clusters import find_duplicates
    from pipelines.dedup.config import DedupConfig
    from pipelines.dedup.signatures import write_signatures

    config = DedupConfig()
    inputs = sorted(Path(input_dir).glob("*.parquet"))
    work = Path(work_dir)
    (work / "sigs").mkdir(parents=True)
    (work / "out").mkdir()
    times = {}
    start = time.perf_counter()
    signatures = []
    for path in inputs:
        signature = str(work / "sigs" / path.name)
        write_signatures(str(path), signature, config)
        signatures.append(signature)
    times["signatures"] = time.perf_counter() - start
    start = time.perf_counter()
    duplicates = str(work / "duplicates.parquet")
    summary = find_duplicates(signatures, duplicates, config, str(work / "duckdb"))
    times["clusters"] = time.perf_counter() - start
    start = time.perf_counter()
    kept_rows = 0
    for path in inputs:
        kept, _ = apply_dedup(str(path), duplicates)
        pq.write_table(kept, work / "out" / path.name)
        kept_rows += kept.num_rows
    times["filter"] = time.perf_counter() - start
    rows = pq.read_table(duplicates, columns=["id", "duplicate_of"]).to_pylist()
    labels = {row["id"]: row["duplicate_of"] or row["id"] for row in rows}
    return {
        "config": f"{config.num_perm} perms, {config.bands}x{config.rows}, threshold {config.threshold():.3f}, verified",
        "times": times,
        "peak_rss_mb": peak_rss_mb(),
        "removed": summary.removed_exact + summary.removed_near,
        "kept": kept_rows,
        "recall": recall(labels, planted),
    }


def run_datatrove(input_dir: str, work_dir: str, planted: list[tuple[str, str]]) -> dict:
    """datatrove's four MinHash stages, one task at a time; returns the same numbers as run_seamix."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.readers import ParquetReader
    from datatrove.pipeline.writers import ParquetWriter
    from datatrove.utils.word_tokenizers import WordTokenizer

    class SpaceTokenizer(WordTokenizer):
        """Whitespace words (datatrove's own English tokenizers need nltk or spaCy)."""

        def word_tokenize(self, text: str) -> list[str]:
            return text.split()

        def sent_tokenize(self, text: str) -> list[str]:
            return text.splitlines()

        def span_tokenize(self, text: str) -> list[tuple[int, int]]:
            return [m.span() for m in re.finditer(r"[^\n]+", text)]

    config = MinhashConfig()
    files = len(list(Path(input_dir).glob("*.parquet")))
    work = Path(work_dir)

    def reader() -> ParquetReader:
        return ParquetReader(input_dir, glob_pattern="*.parquet", text_key="text", id_key="id")

    stages = {
        "signatures": ([reader(), MinhashDedupSignature(str(work / "sigs"), config, language=SpaceTokenizer())], files),
        "buckets": ([MinhashDedupBuckets(str(work / "sigs"), str(work / "buckets"), config=config)], config.num_buckets),
        "clusters": ([MinhashDedupCluster(str(work / "buckets"), str(work / "remove"), config, save_cluster_id=True)], 1),
        "filter": ([reader(), MinhashDedupFilter(str(work / "remove")), ParquetWriter(str(work / "out"))], files),
    }
    times = {}
    for name, (pipeline, tasks) in stages.items():
        start = time.perf_counter()
        LocalPipelineExecutor(pipeline, tasks=tasks, workers=1, logging_dir=str(work / "logs" / name)).run()
        times[name] = time.perf_counter() - start
    labels: dict[str, object] = {}
    removed = 0
    for rank, path in enumerate(sorted(Path(input_dir).glob("*.parquet"))):
        ids = pq.read_table(path, columns=["id"]).column("id").to_pylist()
        clusters = work / "remove" / f"{rank:06d}.clusters"
        if clusters.exists():
            data = clusters.read_bytes()
            for doc, cluster in struct.iter_unpack("<2I", data):
                labels[ids[doc]] = cluster
        remove = work / "remove" / f"{rank:06d}.remove"
        removed += remove.stat().st_size // 4 if remove.exists() else 0
    kept = sum(pq.read_metadata(p).num_rows for p in (work / "out").rglob("*.parquet"))
    return {
        "config": f"{config.num_buckets * config.hashes_per_bucket} perms, {config.num_buckets}x{config.hashes_per_bucket}, "
        f"threshold {(1 / config.num_buckets) ** (1 / config.hashes_per_bucket):.3f}, unverified",
        "times": times,
        "peak_rss_mb": peak_rss_mb(),
        "removed": removed,
        "kept": kept,
        "recall": recall(labels, planted),
    }


def run_quietly(runner: Callable[..., dict], log_path: str, *args: object) -> dict:
    """Run ``runner(*args)`` with this process's stdout and stderr sent to ``log_path``."""
    with open(log_path, "w") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        return runner(*args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--dup-fraction", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work-dir", default=None, help="where data and intermediate files go (default: a temp dir)")
    parser.add_argument("--systems", default="seamix,datatrove", help="which to run, comma-separated")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.work_dir) as tmp:
        root = Path(tmp)
        (root / "input").mkdir()
        start = time.perf_counter()
        # every step runs in a fresh spawned process: a child forked from a big parent would
        # inherit the parent's peak RSS in getrusage
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(1, mp_context=spawn) as pool:
            planted = pool.submit(generate, root / "input", args.docs, args.files, args.dup_fraction, args.seed).result()
        size_mb = sum(p.stat().st_size for p in (root / "input").iterdir()) / 2**20
        print(f"generated {args.docs} docs in {args.files} files ({size_mb:.0f} MiB parquet), "
              f"{len(planted)} planted duplicates, in {time.perf_counter() - start:.1f} s")
        results = {}
        runners = {"seamix": run_seamix, "datatrove": run_datatrove}
        for name in args.systems.split(","):
            runner = runners[name]
            with ProcessPoolExecutor(1, mp_context=spawn) as pool:
                log = str(root / f"{name}.log")
                results[name] = pool.submit(run_quietly, runner, log, str(root / "input"), str(root / name), planted).result()
        for name, result in results.items():
            phases = ", ".join(f"{phase} {seconds:.1f}s" for phase, seconds in result["times"].items())
            total = sum(result["times"].values())
            print(f"{name:10s} {result['config']}")
            print(f"{'':10s} total {total:.1f} s ({phases}); peak RSS {result['peak_rss_mb']:.0f} MiB; "
                  f"removed {result['removed']}, kept {result['kept']}; recall of planted pairs {result['recall']:.4f}")
        if set(results) != set(runners):
            return
        seamix, datatrove = results["seamix"], results["datatrove"]
        print(f"ratios seamix/datatrove: time {sum(seamix['times'].values()) / sum(datatrove['times'].values()):.2f}, "
              f"peak RSS {seamix['peak_rss_mb'] / datatrove['peak_rss_mb']:.2f}, "
              f"recall {seamix['recall'] / datatrove['recall']:.3f}")


if __name__ == "__main__":
    main()
