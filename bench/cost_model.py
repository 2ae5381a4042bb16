"""Cost model: core-hours, bytes read and bytes written for the project's big workloads, scaled
from the per-core rates ``bench/e2e`` measured on this machine (its ``rates.json``).

    .venv/bin/python bench/cost_model.py [--rates .cache/bench-e2e/rates.json] [--cores 1000]

Every input that is not a measurement is an ASSUMPTIONS entry below, with where it comes from;
change them and re-run. The model is linear: per-core rates times volumes, as the bench's
workload (HTML pages carrying target-language text, 3% exact and 2% near duplicates) behaves.
What it leaves out is listed at the end of the output (docs/scale.md discusses it)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

TiB, TB = 2**40, 1e12

#: Volumes, with their source. Not measured here.
ASSUMPTIONS = {
    # SEA-LION Pile v2's window, October 2020 to April 2024 (../shared/reference): ~25 crawls of
    # ~90 TiB of WARC each (issue 16's figures).
    "crawls": 25,
    "warc_bytes_per_crawl": 90 * TiB,
    # what the columnar index selects per crawl for the nine SEA languages (docs/cc-index.md's table
    # from Common Crawl's language statistics; an order of magnitude)
    "sea_record_bytes_per_crawl": 2.5 * TB,
    # FineWeb-2's eleven languages as Parquet text: an assumption (the Hub is unreachable here to
    # read the per-language sizes; FineWeb-2 holds ~8 TB of compressed text over 1,000+ languages)
    "fineweb2_text_bytes": 3 * TB,
    # the Gemma-SEA-LION-v4 mix: 500B tokens sampled from a pool of ~1T tokens (../shared/reference)
    "gemma_pool_tokens": 1e12,
    "gemma_mix_tokens": 500e9,
}


def _workloads(r: dict, a: dict) -> list[dict]:
    """Each workload's core-seconds, bytes read and bytes written."""
    def curate_html(html_bytes: float) -> tuple[float, float]:
        records = html_bytes / r["html_bytes_per_record"]
        kept = records * r["kept_docs_per_record"]
        seconds = (html_bytes / 1e6 / r["pass_html_mb_per_core_s"] + records * r["kept_docs_per_record"]
                   / r["dedup_docs_per_core_s"] + kept / r["tokens_docs_per_core_s"])
        return seconds, kept * r["curated_bytes_per_kept_doc"] * r["written_per_curated_byte"]

    def curate_text(text_bytes: float) -> tuple[float, float]:
        # text input skips extraction; charged at the HTML pass rate per byte of text it yields, an upper bound
        docs = text_bytes / r["text_bytes_per_kept_doc"]
        html_equivalent = docs / r["kept_docs_per_record"] * r["html_bytes_per_record"]
        seconds = (html_equivalent / 1e6 / r["pass_html_mb_per_core_s"] + docs / r["dedup_docs_per_core_s"]
                   + docs / r["tokens_docs_per_core_s"])
        return seconds, docs * r["curated_bytes_per_kept_doc"] * r["written_per_curated_byte"]

    whole_warc = a["crawls"] * a["warc_bytes_per_crawl"]
    whole_html = whole_warc * r["html_per_gzip_byte"]
    # whole WARCs: every record is parsed and extracted, only the SEA share is kept afterwards
    sea_share = a["sea_record_bytes_per_crawl"] / a["warc_bytes_per_crawl"]
    pass_seconds = whole_html / 1e6 / r["pass_html_mb_per_core_s"]
    kept_seconds, kept_written = curate_html(whole_html * sea_share)
    kept_seconds -= whole_html * sea_share / 1e6 / r["pass_html_mb_per_core_s"]
    index_read = a["crawls"] * a["sea_record_bytes_per_crawl"]
    index_seconds, index_written = curate_html(index_read * r["html_per_gzip_byte"])
    text_seconds, text_written = curate_text(a["fineweb2_text_bytes"])
    pool_text = a["gemma_pool_tokens"] / r["gemma3_tokens_per_text_byte"]
    pool_seconds, pool_written = curate_text(pool_text)
    return [
        {"workload": "SEA-Pile v2 window, whole WARCs", "core_s": pass_seconds + kept_seconds,
         "read": whole_warc, "written": kept_written},
        {"workload": "SEA-Pile v2 window, via the columnar index", "core_s": index_seconds,
         "read": index_read, "written": index_written},
        {"workload": "FineWeb-2, eleven languages (text)", "core_s": text_seconds,
         "read": a["fineweb2_text_bytes"], "written": text_written},
        {"workload": "Gemma-SEA-LION-v4 pool (~1T tokens of text)", "core_s": pool_seconds,
         "read": pool_text, "written": pool_written},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", type=Path, default=Path(".cache/bench-e2e/rates.json"))
    parser.add_argument("--cores", type=int, default=1000, help="cluster size for the wall-time column")
    args = parser.parse_args()
    rates = json.loads(args.rates.read_text())
    print(f"rates measured by bench/e2e on {rates['machine']} ({args.rates}):")
    for key, value in rates.items():
        if key != "machine":
            print(f"  {key:<30} {value:,.4g}")
    print(f"\n  {'workload':<46} {'core-hours':>12} {'read':>10} {'written':>10} {f'hours on {args.cores:,} cores':>20}")
    for w in _workloads(rates, ASSUMPTIONS):
        hours = w["core_s"] / 3600
        print(f"  {w['workload']:<46} {hours:>12,.0f} {w['read'] / TB:>8,.1f} TB {w['written'] / TB:>8,.2f} TB "
              f"{hours / args.cores:>20,.1f}")
    print("\nleft out: network and object-store throughput (the whole-WARC read is ~2 PiB), the index query "
          "itself, dedup's clustering beyond one machine's memory, sampling and export; the cluster column "
          "assumes the per-core rate holds on every core (2 workers here: "
          f"{rates['two_worker_speedup']:.2f}x one)")


if __name__ == "__main__":
    main()
