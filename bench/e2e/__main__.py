"""End-to-end benchmark: seamix's curate pipeline vs a datatrove reference pipeline vs the bare
libraries, on the same WARC corpus, in one run.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/e2e [--mb 200] [--rss-mb 100,400] [--work-dir .cache/bench-e2e]

Builds (once) a corpus of ``--mb`` MB of HTML from the real WARCs in ../shared/realdata (see
corpus.py), then runs, each in its own measured process:

* seamix, 1 worker pinned to one core and 2 workers on two cores, twice each in the order
  1, 2, 2, 1 (every stage in its own process, as a Dagster run of one asset: the pass over each
  file for ingest → extract → langid → quality, then dedup and tokens);
* the datatrove reference (reference.py), pinned to one core;
* the floor (floor.py): the bare libraries in one loop, pinned to one core;
* seamix, 1 worker, on corpora of each ``--rss-mb`` size, to show peak RSS as input grows, and
  2 workers on the largest (the per-stage start-up of each worker weighs less there).

Prints per stage and end to end: seconds, docs/s, MB/s of input HTML, peak RSS, and the ratios
seamix / reference and seamix / floor (on one core, wall time equals CPU time up to I/O waits);
then the bytes each stage wrote (every write() call, spills and deleted files included) against the
final curated parts it leaves. ``--per-stage`` adds a 1-worker run of the stages one by one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the project root, for `pipelines`

from corpus import CorpusInfo, build_corpus  # noqa: E402
from floor import run_floor  # noqa: E402
from measure import Measured, machine_scaling, mean_of, measure  # noqa: E402
from reference import run_reference  # noqa: E402
from seamix_side import COVERS, bench_stages, output_bytes, run_seamix, write_sources  # noqa: E402

from pipelines.langid.identify import default_model_path  # noqa: E402
from pipelines.tokens.registry import resolve_tokenizer  # noqa: E402

ONE_CORE, TWO_CORES = {0}, {0, 1}


def corpus(work: Path, megabytes: float) -> CorpusInfo:
    """The corpus of ``megabytes`` MB under ``work`` (built on first use)."""
    return build_corpus(work / f"corpus-{megabytes:g}mb", megabytes)


STAGES = bench_stages()


def seamix_root(work: Path, info: CorpusInfo, workers: int, one_pass: bool = True) -> Path:
    """The data root of a seamix run."""
    return work / f"seamix-{len(info.files)}files-{workers}w{'' if one_pass else '-per-stage'}" / "data"


def seamix_run(work: Path, info: CorpusInfo, workers: int, cores: set[int], one_pass: bool = True) -> dict[str, Measured]:
    """seamix on a fresh data root."""
    root = seamix_root(work, info, workers, one_pass).parent
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    return run_seamix(write_sources(info.files, root / "sources.yaml"), root / "data", workers, cores, one_pass)


def seamix_one_and_two_workers(work: Path, info: CorpusInfo) -> tuple[dict[str, Measured], dict[str, Measured]]:
    """seamix on 1 worker and on 2, each twice in the order 1, 2, 2, 1 (so that a drift in the shared
    machine's speed weighs on both alike); per stage, the mean of the two runs."""
    runs: dict[int, list[dict[str, Measured]]] = {1: [], 2: []}
    for workers in (1, 2, 2, 1):
        runs[workers].append(seamix_run(work, info, workers, ONE_CORE if workers == 1 else TWO_CORES))
    for workers, repeats in runs.items():
        walls = ", ".join(f"{sum(m.wall for m in run.values()):.1f} s" for run in repeats)
        print(f"seamix, {workers} worker{'s' * (workers > 1)}, end to end: {walls} (order 1, 2, 2, 1 workers; the tables show means)")
    return tuple({stage: mean_of([run[stage] for run in repeats]) for stage in STAGES} for repeats in runs.values())


def _row(label: str, seconds: float, docs: int | None, mb: float, rss: float | None = None, extra: str = "") -> str:
    rate = f"{docs / seconds:9.1f}" if docs is not None and seconds else f"{'':9}"
    rss_text = f"{rss:8.0f}" if rss is not None else f"{'':8}"
    return f"  {label:<26} {seconds:9.2f} {rate} {mb / seconds if seconds else 0:8.2f} {rss_text}  {extra}"


def report(info: CorpusInfo, one: dict[str, Measured], two: dict[str, Measured], ref: Measured, floor: Measured) -> None:
    """Per-stage and end-to-end table with the ratios."""
    mb = info.html_bytes / 1e6
    ref_seconds, ref_counts = ref.result["seconds"], ref.result["counts"]
    floor_seconds, floor_counts = floor.result["seconds"], floor.result["counts"]
    print(f"\n  {'stage / system':<26} {'seconds':>9} {'docs/s':>9} {'MB/s':>8} {'RSS MiB':>8}  ratios (seconds)")
    for stage in STAGES:
        s, covers = one[stage], COVERS.get(stage, (stage,))
        print(f"{stage}" + (f" ({' → '.join(covers)})" if len(covers) > 1 else ""))
        print(_row("seamix, 1 worker", s.wall, s.result[0], mb, s.peak_rss_mb))
        print(_row("seamix, 2 workers", two[stage].wall, two[stage].result[0], mb, two[stage].peak_rss_mb,
                   f"2w speedup {s.wall / two[stage].wall:.2f}x"))
        r, f = (sum(seconds.get(c, 0.0) for c in covers) for seconds in (ref_seconds, floor_seconds))
        print(_row("datatrove reference", r, ref_counts.get(covers[0]), mb, None, f"reference / seamix {r / s.wall:.1f}x"))
        print(_row("floor (bare libraries)", f, floor_counts.get(covers[0]), mb, None, f"seamix / floor {s.wall / f:.2f}x" if f else ""))
    one_wall, one_cpu = sum(m.wall for m in one.values()), sum(m.cpu for m in one.values())
    two_wall = sum(m.wall for m in two.values())
    docs = one[STAGES[0]].result[0]
    print("end to end")
    print(_row("seamix, 1 worker", one_wall, docs, mb, max(m.peak_rss_mb for m in one.values()), f"CPU {one_cpu:.1f} s"))
    print(_row("seamix, 2 workers", two_wall, docs, mb, max(m.peak_rss_mb for m in two.values()),
               f"2w speedup {one_wall / two_wall:.2f}x"))
    print(_row("datatrove reference", ref.wall, ref_counts.get("ingest"), mb, ref.peak_rss_mb,
               f"CPU {ref.cpu:.1f} s; reference / seamix per core {ref.cpu / one_cpu:.1f}x"))
    print(_row("floor (bare libraries)", floor.wall, floor_counts["ingest"], mb, floor.peak_rss_mb,
               f"CPU {floor.cpu:.1f} s; seamix / floor {one_cpu / floor.cpu:.2f}x"))
    kept = {"seamix": one["tokens"].result[1], "reference": ref_counts.get("tokens"), "floor": floor_counts["tokens"]}
    print(f"documents tokenized: {kept}; reference filter errors (datatrove's Tamil splitter): {ref_counts.get('filter_errors', 0)}")


def bytes_report(one: dict[str, Measured], outputs: dict[str, int], ref: Measured,
                 per_stage: dict[str, Measured] | None) -> None:
    """Bytes written per stage (1 worker) against the final curated parts the run leaves."""
    def mb(n: float) -> str:
        return f"{n / 1e6:9.1f}"

    print("\nbytes written (MB; every write() call of the stage's process and its workers, spills and deleted files included)")
    for stage in STAGES:
        print(f"  {stage:<26} {mb(one[stage].written)}")
    total = sum(m.written for m in one.values())
    curated, drops = outputs["curated"], outputs["drops"]
    print(f"  {'seamix, all stages':<26} {mb(total)}  = {total / curated:.2f}x the final curated parts "
          f"({curated / 1e6:.1f} MB: text parts + token counts), {total / (curated + drops):.2f}x with the drop rows "
          f"({drops / 1e6:.1f} MB)")
    if per_stage:
        staged = sum(m.written for m in per_stage.values())
        print(f"  {'seamix, stage by stage':<26} {mb(staged)}  = {staged / curated:.2f}x (" + ", ".join(
            f"{stage} {m.written / 1e6:.1f}" for stage, m in per_stage.items()) + f"; {sum(m.wall for m in per_stage.values()):.1f} s)")
    print(f"  {'datatrove reference':<26} {mb(ref.written)}")


def write_rates(path: Path, info: CorpusInfo, one: dict[str, Measured], two: dict[str, Measured], root: Path,
                outputs: dict[str, int]) -> None:
    """The per-core rates of the 1-worker run that bench/cost_model.py scales up, written to ``path``."""
    import duckdb

    tokens = duckdb.connect().execute(f"SELECT sum(tokens_gemma3), sum(text_bytes) FROM read_parquet('{root}/curate/tokens/*/part-*.parquet')").fetchone()
    kept = one["tokens"].result[1]
    rates = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "pass_html_mb_per_core_s": info.html_bytes / 1e6 / one["pass"].cpu,
        "dedup_docs_per_core_s": one["dedup"].result[0] / one["dedup"].cpu,
        "tokens_docs_per_core_s": one["tokens"].result[0] / one["tokens"].cpu,
        "html_bytes_per_record": info.html_bytes / info.records,
        "html_per_gzip_byte": info.html_bytes / sum(f.stat().st_size for f in info.files),
        "kept_docs_per_record": kept / info.records,
        "curated_bytes_per_kept_doc": outputs["curated"] / kept,
        "text_bytes_per_kept_doc": tokens[1] / kept,
        "gemma3_tokens_per_text_byte": tokens[0] / tokens[1],
        "written_per_curated_byte": sum(m.written for m in one.values()) / outputs["curated"],
        "two_worker_speedup": sum(m.wall for m in one.values()) / sum(m.wall for m in two.values()),
    }
    path.write_text(json.dumps(rates, indent=1))


def growth_report(work: Path, sizes: list[float]) -> None:
    """Peak RSS per stage of seamix (1 worker) as the input grows, and 2 workers on the largest input."""
    print("\npeak RSS (MiB) of seamix, 1 worker, per stage, as input grows")
    print(f"  {'input':>10} {'docs':>7} " + " ".join(f"{s:>8}" for s in STAGES) + f" {'seconds':>8}")
    for size in sizes:
        info = corpus(work, size)
        run = seamix_run(work, info, 1, ONE_CORE)
        print(f"  {info.html_bytes / 1e6:>7.0f} MB {info.records:>7} " + " ".join(f"{run[s].peak_rss_mb:>8.0f}" for s in STAGES)
              + f" {sum(m.wall for m in run.values()):>8.1f}")
    two = seamix_run(work, info, 2, TWO_CORES)
    one_wall, two_wall = sum(m.wall for m in run.values()), sum(m.wall for m in two.values())
    print(f"  2 workers on {info.html_bytes / 1e6:.0f} MB: {two_wall:.1f} s, speedup {one_wall / two_wall:.2f}x over 1 worker "
          f"(per stage: " + ", ".join(f"{s} {run[s].wall / two[s].wall:.2f}x" for s in STAGES) + ")")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=200.0, help="MB of HTML in the main corpus")
    parser.add_argument("--rss-mb", default="100,400", help="corpus sizes (MB) for the peak-RSS comparison (2 workers also run on the last); '' skips it")
    parser.add_argument("--work-dir", type=Path, default=Path(".cache/bench-e2e"))
    parser.add_argument("--per-stage", action="store_true", help="also run seamix (1 worker) stage by stage, for its bytes and seconds")
    args = parser.parse_args()
    if len(os.sched_getaffinity(0)) < 2:
        raise SystemExit("this benchmark needs two cores (1 worker on one, 2 workers on two)")
    args.work_dir.mkdir(parents=True, exist_ok=True)
    work = args.work_dir.resolve()
    info = corpus(work, args.mb)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"corpus: {len(info.files)} WARC files, {info.records} records, {info.html_bytes / 1e6:.0f} MB HTML "
          f"({sum(f.stat().st_size for f in info.files) / 1e6:.0f} MB gzip), planted duplicates: "
          f"{info.exact_duplicates} exact, {info.near_duplicates} near")
    print(f"machine scaling: two parallel CPU-bound loops run {machine_scaling():.2f}x one (the ceiling for 2 workers)")
    one, two = seamix_one_and_two_workers(work, info)
    tokenizer_files = [str(resolve_tokenizer(name)) for name in ("gemma3", "qwen3")]
    ref_dir = work / "reference"
    shutil.rmtree(ref_dir, ignore_errors=True)
    ref = measure(run_reference, str(info.files[0].parent), str(ref_dir), default_model_path(), tokenizer_files,
                  cores=ONE_CORE, log=str(work / "reference.log"))
    floor = measure(run_floor, [str(f) for f in info.files], cores=ONE_CORE, log=str(work / "floor.log"))
    report(info, one, two, ref, floor)
    per_stage = seamix_run(work, info, 1, ONE_CORE, one_pass=False) if args.per_stage else None
    outputs = output_bytes(seamix_root(work, info, 1))  # the last 1-worker run's outputs
    bytes_report(one, outputs, ref, per_stage)
    write_rates(work / "rates.json", info, one, two, seamix_root(work, info, 1), outputs)
    print(f"\nper-core rates for bench/cost_model.py: {work / 'rates.json'}")
    if args.rss_mb:
        growth_report(work, [float(s) for s in args.rss_mb.split(",")])


if __name__ == "__main__":
    main()
