"""Export throughput and memory: `export_mix` per format vs a bare loop of `encode_batch_fast` + a numpy write.

Same shards, same run, each variant in a fresh process (peak RSS is the process's own), --rounds
times in the order A B C C B A (a drift in load hits every variant alike); a variant's seconds are
its best run (the least disturbed by other jobs on a shared machine, as timeit reports), and the
median run's ratio is printed beside it, and the paired ratio: per round, the bare loop's two runs
(first and last) over the variant's two (symmetric in time about the round's middle, so a drift
linear over the round cancels), as the median and the range over the rounds. Text: the
real books in ../shared/realdata/text/books cut into ~2,000-character documents, counted with Gemma 3,
sampled into a mix at --scales epochs (1x, then the same pool repeated), so the mix grows while the
pool stays the same.

    .venv/bin/python bench/export_bench.py [--scales 1,4,8] [--formats megatron,jsonl,mds] [--rounds 3] [--work /tmp/export-bench]

Prints tokens/s per variant (best run), the ratio export / bare loop for the best and the median
runs and the paired ratio per round (target >= 0.9), the least CPU seconds (user + system, all
threads) of a run and peak RSS per mix size (target: flat as the mix grows).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
LANGUAGES = {"little_women": "eng_Latn", "ponniyin": "tam_Taml", "call_to_arms": "cmn_Hani", "pure_heart": "vie_Latn"}


def documents() -> list[dict]:
    """The books as ~2,000-character documents with their Gemma 3 counts."""
    from pipelines.tokens.counts import count_tokens

    records = []
    for path in sorted((REALDATA / "text" / "books").glob("*.txt")):
        language = next(lang for key, lang in LANGUAGES.items() if path.name.startswith(key))
        current = ""
        for paragraph in path.read_text(encoding="utf-8").split("\n"):
            current += paragraph + "\n"
            if len(current) >= 2000:
                records.append({"id": f"{path.stem}/{len(records)}", "text": current, "url": None,
                                "source": "books", "language": language})
                current = ""
    if not records:
        raise SystemExit(f"no books under {REALDATA}; this benchmark needs ../shared/realdata")
    for record, count in zip(records, count_tokens([r["text"] for r in records], "gemma3")):
        record["tokens_gemma3"] = count
    return records


def build_mix(work: Path, scale: int, records: list[dict]) -> tuple[str, str]:
    """Sample the books at ``scale`` epochs into <work>/data; return the data root and the spec file."""
    from pipelines.mix.plan import plan_mix
    from pipelines.mix.sample import sample_mix
    from pipelines.mix.spec import load_mix_spec
    from pipelines.mix.stages import shard_dir
    from pipelines.storage.layout import DataLayout

    work.mkdir(parents=True, exist_ok=True)
    docs = work / "docs.parquet"
    pq.write_table(pa.Table.from_pylist(records), docs)
    totals = {lang: sum(r["tokens_gemma3"] for r in records if r["language"] == lang) for lang in LANGUAGES.values()}
    rows = [{"id": lang, "language": lang, "source": "books", "tokens": tokens * scale} for lang, tokens in totals.items()]
    spec_file = work / f"mix-{scale}x.yaml"
    spec_file.write_text(yaml.safe_dump({
        "name": f"bench-{scale}x", "tokenizer": "gemma3", "total_tokens": sum(r["tokens"] for r in rows), "seed": 1,
        "max_epochs": scale, "shard": {"max_tokens": 500_000}, "rows": rows,
        "export": {"seq_len": 8192, "pack": True, "bos": "<bos>", "eos": "<eos>"}}))
    spec = load_mix_spec(spec_file)
    pool = pa.table({"language": list(totals), "source": ["books"] * len(totals), "mix_source": ["books"] * len(totals),
                     "docs": [sum(r["language"] == lang for r in records) for lang in totals], "bytes": [0] * len(totals),
                     "tokens_gemma3": list(totals.values())})
    layout = DataLayout.at(work / "data")
    sample_mix(spec, plan_mix(spec, pool), [str(docs)], {"books": "books"}, shard_dir(layout, spec), str(work / "tmp"))
    return layout.root, str(spec_file)


def child(variant: str, root: str, spec_file: str) -> dict:
    """Run one variant in this process; return tokens, seconds and peak RSS."""
    from pipelines import storage
    from pipelines.export.config import load_export_settings
    from pipelines.export.stage import export_dir, export_mix
    from pipelines.mix.spec import load_mix_spec
    from pipelines.mix.stages import shard_dir
    from pipelines.storage.layout import DataLayout
    from pipelines.tokens.registry import load_tokenizer

    layout, spec = DataLayout.at(root), load_mix_spec(spec_file)
    settings = load_export_settings(spec_file, spec.tokenizer)  # the spec is read before the clock, as for the bare loop
    tok = load_tokenizer("gemma3")  # loaded before the clock starts, for every variant
    if variant == "mds":
        import pipelines.export.mds  # noqa: F401  (streaming imports torch: seconds, once per process, not per token)
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    start = time.perf_counter()
    if variant == "bare":
        folder = Path(shard_dir(layout, spec))
        tokens = 0
        with open(Path(root) / "bare.bin", "wb") as out:
            for shard in json.loads((folder / "manifest.json").read_text())["shards"]:
                for batch in pq.ParquetFile(folder / shard["file"]).iter_batches(batch_size=1024, columns=["text"]):
                    encodings = tok.encode_batch_fast(batch.column("text").to_pylist(), add_special_tokens=False)
                    ids = np.concatenate([np.asarray(e.ids, dtype=np.int32) for e in encodings])
                    ids.tofile(out)
                    tokens += len(ids)
    else:
        storage.remove_tree(export_dir(layout, spec, variant), inside=layout.root)  # the second run of a variant starts clean too
        before = resource.getrusage(resource.RUSAGE_SELF)
        cpu_before = before.ru_utime + before.ru_stime
        start = time.perf_counter()
        tokens = export_mix(layout, spec, settings, variant)["totals"]["text_tokens"]
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"tokens": tokens, "seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime - cpu_before,
            "rss_mb": usage.ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1,4,8")
    parser.add_argument("--formats", default="megatron,jsonl,mds")
    parser.add_argument("--rounds", type=int, default=3, help="A B C C B A rounds: each variant runs 2x this often")
    parser.add_argument("--work", default="/tmp/export-bench")
    parser.add_argument("--child", nargs=3, metavar=("VARIANT", "ROOT", "SPEC"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    records = documents()
    print(f"{len(records):,} documents, {sum(r['tokens_gemma3'] for r in records):,} Gemma 3 tokens per epoch")
    print(f"{'mix':>5} {'variant':>9} {'tokens':>11} {'best s':>8} {'tokens/s':>10} {'vs bare':>8} {'median':>7} "
          f"{'CPU s':>6} {'peak RSS MB':>12}  {'paired: median (range)':>22}")
    for scale in [int(s) for s in args.scales.split(",")]:
        root, spec_file = build_mix(work / f"{scale}x", scale, records)
        variants = ["bare", *args.formats.split(",")]
        runs: dict[str, list[dict]] = {v: [] for v in variants}
        round_seconds: list[dict[str, float]] = []
        for _ in range(args.rounds):
            round_seconds.append(dict.fromkeys(variants, 0.0))
            for variant in variants + variants[::-1]:
                proc = subprocess.run([sys.executable, __file__, "--child", variant, root, spec_file],
                                      capture_output=True, text=True, check=False)
                if proc.returncode != 0:
                    print(f"{scale:>4}x {variant:>9}  failed: {proc.stderr.strip().splitlines()[-1]}")
                    round_seconds[-1][variant] = float("nan")
                    continue
                runs[variant].append(json.loads(proc.stdout.strip().splitlines()[-1]))
                round_seconds[-1][variant] += runs[variant][-1]["seconds"]
        best = {v: min(r["seconds"] for r in results) for v, results in runs.items() if results}
        median = {v: statistics.median(r["seconds"] for r in results) for v, results in runs.items() if results}
        for variant, results in runs.items():
            if not results or "bare" not in best:
                continue
            rate = results[0]["tokens"] / best[variant]
            paired = sorted(r["bare"] / r[variant] for r in round_seconds  # rounds where both ran twice
                            if not (math.isnan(r["bare"]) or math.isnan(r[variant])))
            paired_text = f"{statistics.median(paired):>8.2f}x ({paired[0]:.2f}-{paired[-1]:.2f})" if paired else "no full round"
            print(f"{scale:>4}x {variant:>9} {results[0]['tokens']:>11,} {best[variant]:>8.2f} {rate:>10,.0f} "
                  f"{best['bare'] / best[variant]:>7.2f}x {median['bare'] / median[variant]:>6.2f}x "
                  f"{min(r['cpu'] for r in results):>6.2f} {max(r['rss_mb'] for r in results):>12,.0f}  "
                  f"{paired_text}")

if __name__ == "__main__":
    main()
