"""Benchmark: dedup phase 2 (clusters) at 10M documents, spread over 1 and 2 workers and Ray, beside datatrove.

Generates ``--docs`` documents' signature files directly (no text: MinHash of 10M texts takes
hours on 2 cores; generation time is printed apart and excluded). Each original gets 120 MinHash
values from a counter-based 64-bit mix; a ``--dup-fraction`` of the documents are planted copies
of an original within 5% of the documents around it: a third exact copies (same exact hash and signature), the rest near copies whose
MinHash values each equal the original's with probability J, J uniform in [0.75, 0.95] (estimated
Jaccard about J); a further ``--decoy-fraction`` are decoys with J in [0.3, 0.5], which must *not*
be merged. Band hashes are a numpy 64-bit mix of each band's 6 values instead of BLAKE2b (phase 2
compares them only for equality). Ids are shuffled against file order; 70% eng_Latn, 30%
ind_Latn; two sources. The files have the schema and 500-row row groups of write_signatures.

Each run is a spawned process (time, peak RSS of the process and of its largest worker process by
resource.getrusage):

* seamix find_duplicates with 1 worker pinned to one core, 2 workers on two cores (local
  executor) and 2 workers on a local Ray cluster (``ray.init(num_cpus=2)``); the tables of the
  three runs are compared row by row;
* datatrove's MinhashDedupBuckets (14 tasks, one per band) and MinhashDedupCluster on the first
  ``--datatrove-docs`` documents, its signature files written from the same MinHash values (its
  MinhashDedupSignature stage needs text; default 14 bands x 8 of the 120 values, 64-bit), beside
  seamix on the same subset; both pinned to one core, with their CPU seconds.

Recall: planted copies in the cluster of their original; precision: removed documents whose
survivor is from their own planted group (a merged decoy counts against it).

    python bench/dedup_scale.py --docs 10000000
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dedup_bench import peak_rss_mb, run_quietly

NUM_PERM, BANDS, ROWS, ROW_GROUP = 120, 20, 6, 500
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finalizer: a 64-bit hash of each uint64 value."""
    x = x.astype(np.uint64, copy=True)
    x ^= x >> np.uint64(30)
    x *= _M1
    x ^= x >> np.uint64(27)
    x *= _M2
    x ^= x >> np.uint64(31)
    return x


def uniform(x: np.ndarray, salt: int) -> np.ndarray:
    """A float in [0, 1) per value of ``x``, fixed by ``x`` and ``salt``."""
    return (mix64(x.astype(np.uint64) + np.uint64(salt * 0x9E3779B97F4A7C15 % 2**64)) >> np.uint64(11)) / float(1 << 53)


def plan(docs: int, dup_fraction: float, decoy_fraction: float, seed: int) -> dict[str, np.ndarray]:
    """Per document: ``base`` (whose MinHash values it starts from), ``similarity`` (the chance
    that each value is kept; 1 for originals and exact copies), ``exact`` (exact copy), ``group``
    (its planted group: the original's number) and ``id_number`` (a permutation)."""
    rng = np.random.default_rng(seed)
    index = np.arange(docs)
    role = rng.permutation(docs)
    copies, decoys = int(docs * dup_fraction), int(docs * decoy_fraction)
    copy_rows, decoy_rows = role[:copies], role[copies : copies + decoys]
    originals = role[copies + decoys :]
    base, group = index.copy(), index.copy()
    similarity = np.ones(docs)
    exact = np.zeros(docs, bool)
    base[copy_rows] = group[copy_rows] = nearby(np.sort(originals), copy_rows, docs // 20, rng)
    exact[copy_rows[: copies // 3]] = True
    similarity[copy_rows[copies // 3 :]] = rng.uniform(0.75, 0.95, copies - copies // 3)
    base[decoy_rows] = nearby(np.sort(originals), decoy_rows, docs // 20, rng)
    similarity[decoy_rows] = rng.uniform(0.3, 0.5, decoys)
    return {"base": base, "similarity": similarity, "exact": exact, "group": group, "id_number": rng.permutation(docs)}


def nearby(originals: np.ndarray, rows: np.ndarray, spread: int, rng: np.random.Generator) -> np.ndarray:
    """For each of ``rows``, an original (sorted ``originals``) within about ``spread`` rows of it,
    so that copies sit in their original's file or the next ones (and a prefix of the files holds
    whole groups)."""
    target = rows + rng.integers(-spread, spread + 1, len(rows))
    return originals[np.clip(np.searchsorted(originals, target), 0, len(originals) - 1)]


def signatures(rows: np.ndarray, docs: dict[str, np.ndarray]) -> np.ndarray:
    """(len(rows), NUM_PERM) uint32 MinHash values of documents ``rows``."""
    k = np.arange(NUM_PERM, dtype=np.uint64)
    cell = rows.astype(np.uint64)[:, None] * np.uint64(NUM_PERM) + k
    from_base = docs["base"][rows].astype(np.uint64)[:, None] * np.uint64(NUM_PERM) + k
    values = mix64(from_base)
    replaced = uniform(cell, 1) >= docs["similarity"][rows][:, None]
    values[replaced] = mix64(cell[replaced] + np.uint64(1 << 40))
    return (values & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def band_hashes(values: np.ndarray) -> np.ndarray:
    """(rows, BANDS) uint64 hash of each band's ROWS values."""
    bands = values.reshape(len(values), BANDS, ROWS).astype(np.uint64)
    h = np.full(bands.shape[:2], 0x243F6A8885A308D3, np.uint64)
    for j in range(ROWS):
        h = mix64(h ^ (bands[:, :, j] + np.uint64(j << 33)))
    return h


def write_signature_files(out_dir: Path, docs: dict[str, np.ndarray], files: int) -> list[str]:
    """Write ``files`` signature files in the schema of write_signatures; return their paths."""
    from pipelines.dedup.config import DedupConfig
    from pipelines.dedup.signatures import signature_schema

    schema = signature_schema(DedupConfig())
    paths = []
    for number, rows in enumerate(np.array_split(np.arange(len(docs["base"])), files)):
        path = out_dir / f"sig-{number:05d}.parquet"
        with pq.ParquetWriter(path, schema) as writer:
            for chunk in np.array_split(rows, max(1, len(rows) // 50_000)):
                writer.write_table(signature_table(chunk, docs, schema), row_group_size=ROW_GROUP)
        paths.append(str(path))
    return paths


def signature_table(rows: np.ndarray, docs: dict[str, np.ndarray], schema: pa.Schema) -> pa.Table:
    """Signature-file rows of documents ``rows``."""
    values = signatures(rows, docs)
    bands = band_hashes(values)
    group = docs["group"][rows]
    exact_source = np.where(docs["exact"][rows], group, rows).astype(np.uint64)
    columns = {
        "id": pa.array([f"doc{n:09d}" for n in docs["id_number"][rows]]),
        "language": pa.array(np.where(uniform(group, 2) < 0.7, "eng_Latn", "ind_Latn")),
        "source": pa.array(np.where(uniform(rows, 3) < 0.5, "fineweb2", "sealion_pile")),
        "n_chars": pa.array(500 + (mix64(rows.astype(np.uint64)) % np.uint64(5000)).astype(np.int64)),
        "exact_hash": pa.array(mix64(exact_source + np.uint64(1 << 50))),
        **{f"band_{b}": pa.array(bands[:, b]) for b in range(BANDS)},
        "signature": pa.FixedSizeListArray.from_arrays(pa.array(values.ravel()), NUM_PERM),
    }
    return pa.table(columns, schema=schema)


def generate(out_dir: Path, docs: int, files: int, dup_fraction: float, decoy_fraction: float, seed: int) -> None:
    """Write the signature files and the plan (``plan.npz``) to ``out_dir``."""
    documents = plan(docs, dup_fraction, decoy_fraction, seed)
    np.savez(out_dir / "plan.npz", **documents)
    write_signature_files(out_dir, documents, files)


def planted(plan_path: Path, docs: int) -> tuple[np.ndarray, np.ndarray]:
    """``(group, id_number)`` of the first ``docs`` documents, each group named by its first
    document among them (a copy whose original lies beyond them may head its group)."""
    plan_arrays = np.load(plan_path)
    _, first, inverse = np.unique(plan_arrays["group"][:docs], return_index=True, return_inverse=True)
    return first[inverse], plan_arrays["id_number"][:docs]


def quality(duplicates: str, group: np.ndarray, id_number: np.ndarray) -> dict:
    """Removed documents, recall and precision of a duplicates table against the planted groups."""
    order = np.argsort(id_number)

    def rows_of(ids: list[str]) -> np.ndarray:
        return order[np.searchsorted(id_number, np.array([int(i[3:]) for i in ids], np.int64), sorter=order)]

    table = pq.read_table(duplicates, columns=["id", "keep", "duplicate_of"])
    table = table.filter(pc.invert(table["keep"]))
    removed = rows_of(table.column("id").to_pylist())
    survivors = rows_of(table.column("duplicate_of").to_pylist())
    label = np.arange(len(group))
    label[removed] = survivors
    copies = np.flatnonzero(group != np.arange(len(group)))
    return {
        "removed": len(removed),
        "recall": float(np.mean(label[copies] == label[group[copies]])),
        "precision": float(np.mean(group[removed] == group[survivors])) if len(removed) else 1.0,
    }


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def children_peak_mb() -> float:
    """Peak RSS of the largest finished child process of this process, in MiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run_seamix(signature_paths: list[str], work: str, workers: int, ray_cpus: int) -> dict:
    """find_duplicates over ``signature_paths`` with ``workers`` (local processes, or Ray when ray_cpus);
    one worker runs pinned to one core."""
    from pipelines.dedup.clusters import find_duplicates
    from pipelines.dedup.config import DedupConfig
    from pipelines.runtime.executors import ExecutorConfig, RayOptions, executor_factory

    factory = None
    if workers == 1:  # one worker gets one core (as in bench/e2e), else its DuckDB uses both
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if ray_cpus:
        import ray

        ray.init(num_cpus=ray_cpus, include_dashboard=False, log_to_driver=False)
        factory = executor_factory(ExecutorConfig(kind="ray", workers=workers, ray=RayOptions(mem_per_cpu_gb=2)))
    start, cpu_start = time.perf_counter(), cpu_seconds()
    duplicates = str(Path(work) / "duplicates.parquet")
    summary = find_duplicates(signature_paths, duplicates, DedupConfig(), str(Path(work) / "duckdb"), workers, factory)
    return {"seconds": time.perf_counter() - start, "cpu_s": cpu_seconds() - cpu_start, "peak_rss_mb": peak_rss_mb(),
            "workers_peak_mb": children_peak_mb(), "duplicates": duplicates, "clusters": summary.clusters}


def write_datatrove_signatures(signature_paths: list[str], out_dir: Path) -> None:
    """datatrove's signature files (bucket_XXX/NNNNN.minhash.sig: 8 uint64 values and the document's
    row, sorted) from the first 112 MinHash values of each signature file."""
    from datatrove.pipeline.dedup.minhash import MinhashConfig

    config = MinhashConfig()
    per_bucket = config.hashes_per_bucket
    dtype = np.dtype([(f"field{i + 1}", "<u8") for i in range(per_bucket)] + [(f"field{per_bucket + 1}", "<u4")])
    for rank, path in enumerate(signature_paths):
        column = pq.read_table(path, columns=["signature"]).column("signature").combine_chunks()
        values = column.flatten().to_numpy().reshape(-1, NUM_PERM)
        for bucket in range(config.num_buckets):
            records = np.empty(len(values), dtype)
            for i in range(per_bucket):
                records[f"field{i + 1}"] = values[:, bucket * per_bucket + i]
            records[f"field{per_bucket + 1}"] = np.arange(len(values), dtype=np.uint32)
            records.sort(order=dtype.names)
            folder = out_dir / f"bucket_{bucket:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{rank:05d}.minhash.sig").write_bytes(records.tobytes())


def run_datatrove(signature_paths: list[str], work: str, workers: int, ray_cpus: int) -> dict:
    """datatrove's MinhashDedupBuckets (one task per band) and MinhashDedupCluster, one task at a time."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster

    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as seamix's one worker
    config, root = MinhashConfig(), Path(work)
    write_datatrove_signatures(signature_paths, root / "sigs")
    start, cpu_start = time.perf_counter(), cpu_seconds()
    stages = [
        ([MinhashDedupBuckets(str(root / "sigs"), str(root / "buckets"), config=config)], config.num_buckets),
        ([MinhashDedupCluster(str(root / "buckets"), str(root / "remove"), config, save_cluster_id=True)], 1),
    ]
    seconds = []
    for pipeline, tasks in stages:
        LocalPipelineExecutor(pipeline, tasks=tasks, workers=workers, logging_dir=str(root / "logs" / str(len(seconds)))).run()
        seconds.append(time.perf_counter() - start - sum(seconds))
    return {"seconds": sum(seconds), "cpu_s": cpu_seconds() - cpu_start, "buckets_s": seconds[0], "cluster_s": seconds[1], "peak_rss_mb": peak_rss_mb(),
            "workers_peak_mb": children_peak_mb(), "remove": str(root / "remove")}


def datatrove_quality(remove_dir: str, signature_paths: list[str], plan_path: Path, docs: int) -> dict:
    """Removed documents, recall and precision of datatrove's clusters ((file, row) pairs) on the first ``docs`` documents."""
    group, _ = planted(plan_path, docs)
    offsets = np.cumsum([0] + [pq.read_metadata(p).num_rows for p in signature_paths])
    label = np.arange(docs)
    removed = []
    for rank in range(len(signature_paths)):
        clusters = Path(remove_dir) / f"{rank:06d}.clusters"
        if clusters.exists():
            pairs = np.frombuffer(clusters.read_bytes(), "<u4").reshape(-1, 2).astype(np.int64)
            label[offsets[rank] + pairs[:, 0]] = -1 - pairs[:, 1]  # cluster ids, apart from row numbers
        remove = Path(remove_dir) / f"{rank:06d}.remove"
        if remove.exists():
            removed.append(offsets[rank] + np.frombuffer(remove.read_bytes(), "<u4").astype(np.int64))
    removed = np.concatenate(removed) if removed else np.array([], np.int64)
    copies = np.flatnonzero(group != np.arange(docs))
    # each cluster's survivor is its member that is not removed
    kept = np.ones(docs, bool)
    kept[removed] = False
    clustered = np.flatnonzero(label < 0)
    survivor_of = dict(zip(label[clustered[kept[clustered]]].tolist(), clustered[kept[clustered]].tolist()))
    survivors = np.array([survivor_of[c] for c in label[removed].tolist()], np.int64)
    return {"removed": len(removed), "recall": float(np.mean(label[copies] == label[group[copies]])),
            "precision": float(np.mean(group[removed] == group[survivors])) if len(removed) else 1.0}


def in_process(runner: Callable[..., dict], log: str, *args: object) -> dict:
    """Run ``runner(*args)`` in a fresh spawned process, its output sent to ``log``."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(run_quietly, runner, log, *args).result()


def same_table(a: str, b: str) -> bool:
    return pq.read_table(a).equals(pq.read_table(b))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000_000)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--dup-fraction", type=float, default=0.1)
    parser.add_argument("--decoy-fraction", type=float, default=0.01)
    parser.add_argument("--datatrove-docs", type=int, default=1_000_000, help="documents datatrove runs on (whole files)")
    parser.add_argument("--runs", default="1,2,ray,datatrove", help="comma-separated: 1, 2 (workers), ray, datatrove")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work-dir", default=None, help="where data and intermediate files go (default: a temp dir)")
    args = parser.parse_args()
    runs = args.runs.split(",")
    if args.work_dir:
        Path(args.work_dir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.work_dir) as tmp:
        root = Path(tmp)
        (root / "data").mkdir()
        start = time.perf_counter()
        in_process(generate, str(root / "generate.log"), root / "data", args.docs, args.files, args.dup_fraction,
                   args.decoy_fraction, args.seed)
        paths = sorted(str(p) for p in (root / "data").glob("sig-*.parquet"))
        size_gb = sum(Path(p).stat().st_size for p in paths) / 2**30
        print(f"generated {args.docs:,} documents' signatures in {args.files} files ({size_gb:.1f} GiB), "
              f"{args.dup_fraction:.0%} planted copies, {args.decoy_fraction:.0%} decoys, "
              f"in {time.perf_counter() - start:.0f} s (not counted)")
        results = {}
        for run in runs:
            if run == "datatrove":
                continue
            workers, ray_cpus = (2, 2) if run == "ray" else (int(run), 0)
            result = in_process(run_seamix, str(root / f"seamix-{run}.log"), paths, str(root / f"seamix-{run}"), workers, ray_cpus)
            results[run] = result
            print(f"seamix {run:>3s} {'worker (1 core)' if run == '1' else 'workers (2 cores)'}: {result['seconds']:.1f} s, "
                  f"{args.docs / result['seconds'] / 1e3:.0f}k docs/s; peak RSS {result['peak_rss_mb']:,.0f} MiB "
                  + (f"(largest worker process {result['workers_peak_mb']:,.0f} MiB); " if run != "ray" else "(driver; Ray's workers not measured); ")
                  + ", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v:,}"
                              for k, v in quality(result["duplicates"], *planted(root / "data" / "plan.npz", args.docs)).items()))
        if "1" in results and "2" in results:
            print(f"2 workers / 1 worker: {results['1']['seconds'] / results['2']['seconds']:.2f}x; "
                  f"same duplicates table: {same_table(results['1']['duplicates'], results['2']['duplicates'])}")
        if "ray" in results and "1" in results:
            print(f"Ray run: same duplicates table as 1 worker: {same_table(results['1']['duplicates'], results['ray']['duplicates'])}")
        if "datatrove" in runs:
            subset, docs = [], 0
            for path in paths:
                if docs >= args.datatrove_docs:
                    break
                subset.append(path)
                docs += pq.read_metadata(path).num_rows
            plan_path = root / "data" / "plan.npz"
            ours = in_process(run_seamix, str(root / "seamix-subset.log"), subset, str(root / "seamix-subset"), 1, 0)
            theirs = in_process(run_datatrove, str(root / "datatrove.log"), subset, str(root / "datatrove"), 1, 0)
            print(f"on the first {docs:,} documents ({len(subset)} files), 1 worker each:")
            print(f"  seamix    {ours['seconds']:.1f} s (CPU {ours['cpu_s']:.1f} s), peak RSS {ours['peak_rss_mb']:,.0f} MiB; "
                  + ", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v:,}"
                              for k, v in quality(ours["duplicates"], *planted(plan_path, docs)).items()))
            print(f"  datatrove {theirs['seconds']:.1f} s (CPU {theirs['cpu_s']:.1f} s; buckets {theirs['buckets_s']:.1f} s, "
                  f"cluster {theirs['cluster_s']:.1f} s), "
                  f"peak RSS {theirs['peak_rss_mb']:,.0f} MiB; "
                  + ", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v:,}"
                              for k, v in datatrove_quality(theirs["remove"], subset, plan_path, docs).items()))
            print(f"  ratio seamix/datatrove: time {ours['seconds'] / theirs['seconds']:.2f}, "
                  f"CPU {ours['cpu_s'] / theirs['cpu_s']:.2f}, "
                  f"peak RSS {ours['peak_rss_mb'] / theirs['peak_rss_mb']:.2f}")


if __name__ == "__main__":
    main()
