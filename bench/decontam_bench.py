"""Benchmark: seamix decontamination against datatrove's ``NGramsDecontFilter`` on the same documents
and eval items, for indexes of 1k, 10k and 100k items (word 13-grams for both).

Documents: real English web and news text from ../shared/realdata (Dolma's CC-MAIN head JSONL, the
NTREX English variants, the MinHash plagiarism news), ``--plant`` of them with one eval item pasted
in as a paragraph. Eval items: sentences of at least 10 words from the English book (Little Women),
then, past the book's sentences, synthetic sentences of 15-40 words drawn from its vocabulary.
English only: datatrove's non-English word tokenizers need its multilingual extra (torch, TensorFlow),
which seamix does not install; its English default is spaCy's blank English tokenizer.

Each system runs in its own spawned process, single-threaded (DuckDB threads = 1); ``docs/cpu-s`` is
documents per CPU-second of that process (docs/s per core, independent of other load on a shared
machine), ``docs/s`` the wall-clock rate; peak RSS (resource.getrusage) is the process's own:

* seamix: ensure_index (timed apart) and Matcher.match in batches of 500 documents;
* datatrove: the label n-gram hashes of NGramsDecontIndexer.compute_hashes, computed with the same
  datatrove helpers (word tokenizer, simplify_text, ngrams, hash function; the indexer itself needs
  lighteval) and saved as its ``.index.hashes`` file, then NGramsDecontFilter.filter on every document.

Recall: the share of planted documents reported contaminated. Prints numbers only.

    python bench/decontam_bench.py --sizes 1000,10000,100000
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
N = 13


def documents(limit: int) -> list[str]:
    """Real English documents (web, news), at most ``limit``."""
    texts: list[str] = []
    for path in sorted((REALDATA / "jsonl" / "dolma_tests").glob("multiple_files__cc_en_head-*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle]
    with open(REALDATA / "dedup" / "ntrex_english_variants" / "docs.jsonl", encoding="utf-8") as handle:
        texts += [json.loads(line)["text"] for line in handle]
    for path in sorted((REALDATA / "dedup" / "minhash_plagiarism").glob("articles_2500.train")):
        texts += [line.split(" ", 1)[1] for line in path.read_text(encoding="utf-8").splitlines() if " " in line]
    return [t for t in texts if t.strip()][:limit]


def eval_items(count: int, seed: int = 1) -> list[str]:
    """``count`` item texts: the book's sentences of 10+ words, then synthetic ones from its vocabulary."""
    book = (REALDATA / "text" / "books" / "little_women_louisa_may_alcott.txt").read_text(encoding="utf-8")
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(book.split())) if len(s.split()) >= 10]
    items = list(dict.fromkeys(sentences))[:count]
    rng = random.Random(seed)
    vocabulary = sorted(set(book.split()))
    while len(items) < count:
        items.append(" ".join(rng.choice(vocabulary) for _ in range(rng.randint(15, 40))))
    return items


def plant(docs: list[str], items: list[str], count: int, seed: int = 2) -> tuple[list[str], set[int]]:
    """Docs with ``count`` of them holding one item as a paragraph; the planted positions."""
    rng = random.Random(seed)
    positions = set(rng.sample(range(len(docs)), count))
    out = [f"{d}\n{rng.choice(items)}\nContinued." if i in positions else d for i, d in enumerate(docs)]
    return out, positions


def run_seamix(docs: list[str], items: list[str], planted: set[int], work: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from pipelines.decontaminate.config import DecontamConfig
    from pipelines.decontaminate.evalsets import EvalSet
    from pipelines.decontaminate.index import ensure_index
    from pipelines.decontaminate.matcher import Matcher

    path = Path(work) / "items.jsonl"
    path.write_text("".join(json.dumps({"q": t}) + "\n" for t in items), encoding="utf-8")
    evalset = EvalSet(name="bench", paths=(str(path),), fields=("q",), language="en")
    start = time.perf_counter()
    index = ensure_index([evalset], DecontamConfig(ngram_size=N), str(Path(work) / "index"))
    build = time.perf_counter() - start
    matcher = Matcher(index, threads=1)
    start, cpu = time.perf_counter(), time.process_time()
    found = set()
    for first in range(0, len(docs), 500):
        batch = docs[first : first + 500]
        for offset, matches in enumerate(matcher.match(batch, ["eng_Latn"] * len(batch))):
            if matches:
                found.add(first + offset)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"build_s": build, "match_s": seconds, "cpu_s": cpu, "found": found, "ngrams": index.summary["ngrams"],
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_datatrove(docs: list[str], items: list[str], planted: set[int], work: str) -> dict:
    import numpy as np
    from datatrove.data import Document
    from datatrove.pipeline.decont.n_grams import NGramsDecontConfig, NGramsDecontFilter
    from datatrove.utils.hashing import create_hash_func
    from datatrove.utils.text import ngrams, simplify_text
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    config = NGramsDecontConfig(n_grams=N, find_query_ngrams=False, find_overlap_ngrams=False)
    folder = Path(work) / "datatrove"
    start = time.perf_counter()
    tokenizer, hash_func = load_word_tokenizer("en"), create_hash_func(config.hash_config)
    hashes = set()
    for text in items:  # the label n-grams of NGramsDecontIndexer.compute_hashes, from the same helpers
        words = tokenizer.word_tokenize(simplify_text(text, config.norm_config))
        hashes.update(hash_func(" ".join(gram)) for gram in ngrams(words, config.n_grams))
    folder.mkdir(parents=True, exist_ok=True)
    np.array(sorted(hashes), dtype=config.hash_config.np_descr).tofile(folder / "bench.index.hashes")
    build = time.perf_counter() - start
    decont = NGramsDecontFilter(str(folder), config=config)
    decont.filter(Document(text="warm up", id="0"))  # loads the index
    start, cpu = time.perf_counter(), time.process_time()
    found = {i for i, text in enumerate(docs) if decont.filter(Document(text=text, id=str(i))) is not True}
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"build_s": build, "match_s": seconds, "cpu_s": cpu, "found": found, "ngrams": len(hashes),
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure(system: str, docs: list[str], items: list[str], planted: set[int]) -> dict:
    """Run one system in a fresh spawned process (its own time and peak RSS)."""
    target = {"seamix": run_seamix, "datatrove": run_datatrove}[system]
    with (tempfile.TemporaryDirectory(prefix="decontam-bench-") as work,
          multiprocessing.get_context("spawn").Pool(1) as pool):
        return pool.apply(target, (docs, items, planted, work))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="eval items per index, comma-separated")
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--plant", type=int, default=60)
    parser.add_argument("--systems", default="seamix,datatrove")
    args = parser.parse_args()
    base = documents(args.docs)
    chars = sum(map(len, base)) / len(base)
    print(f"{len(base)} English documents, {chars:.0f} characters on average; {args.plant} planted; n = {N}; one core")
    print(f"{'items':>7} {'system':>9} {'ngrams':>10} {'build s':>8} {'docs/s':>8} {'docs/cpu-s':>10} "
          f"{'peak RSS MB':>11} {'recall':>6} {'other hits':>10}")
    for size in (int(s) for s in args.sizes.split(",")):
        items = eval_items(size)
        docs, planted = plant(base, items, args.plant)
        rates = {}
        for system in args.systems.split(","):
            result = measure(system, docs, items, planted)
            rates[system] = len(docs) / result["cpu_s"]
            recall = len(result["found"] & planted) / len(planted)
            print(f"{size:>7} {system:>9} {result['ngrams']:>10,} {result['build_s']:>8.1f} "
                  f"{len(docs) / result['match_s']:>8.0f} {rates[system]:>10.0f} {result['rss_mb']:>11.0f} "
                  f"{recall:>6.2f} {len(result['found'] - planted):>10}", flush=True)
        if len(rates) == 2:
            print(f"{size:>7} {'ratio':>9} seamix / datatrove docs per CPU-second = "
                  f"{rates['seamix'] / rates['datatrove']:.1f}", flush=True)


if __name__ == "__main__":
    main()
