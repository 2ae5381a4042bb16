"""Token counting throughput: seamix vs the bare `tokenizers` library vs datatrove's TokensCounter.

Same text, same process, same run. Text: the real books and NTREX documents in ../shared/realdata
(cut into ~2,000-character documents at paragraph breaks), repeated up to --mb megabytes.

    .venv/bin/python bench/tokens_bench.py [--mb 20] [--tokenizers gemma3,qwen3]

Prints MB/s and docs/s per variant and the ratio seamix / bare encode_batch (target >= 0.9).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pyarrow as pa

from pipelines.tokens.counts import add_token_counts
from pipelines.tokens.registry import load_tokenizer, resolve_tokenizer

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


def corpus(megabytes: float) -> list[str]:
    """Real multilingual documents of about 2,000 characters, repeated to ``megabytes`` of UTF-8."""
    files = sorted((REALDATA / "text" / "books").glob("*.txt")) + sorted((REALDATA / "multilingual" / "ntrex128").glob("newstest2019-*.txt"))
    if not files:
        raise SystemExit(f"no text found under {REALDATA}; this benchmark needs ../shared/realdata")
    docs: list[str] = []
    for path in files:
        current = ""
        for paragraph in path.read_text(encoding="utf-8").split("\n"):
            current += paragraph + "\n"
            if len(current) >= 2000:
                docs.append(current)
                current = ""
    target = int(megabytes * 1e6)
    out, size, i = [], 0, 0
    while size < target:
        doc = docs[i % len(docs)]
        out.append(doc)
        size += len(doc.encode("utf-8"))
        i += 1
    return out


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--tokenizers", default="gemma3,qwen3")
    args = parser.parse_args()
    texts = corpus(args.mb)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"corpus: {len(texts):,} documents, {mb:.1f} MB")

    from datatrove.data import Document
    from datatrove.pipeline.tokens.counter import TokensCounter

    for name in args.tokenizers.split(","):
        tok = load_tokenizer(name)
        tok.encode_batch_fast(texts[:64], add_special_tokens=False)  # warm-up (thread pool)
        results = {
            "bare encode_batch": timed(lambda: [len(e.ids) for e in tok.encode_batch(texts, add_special_tokens=False)]),
            "bare encode_batch_fast": timed(
                lambda: [len(e.ids) for e in tok.encode_batch_fast(texts, add_special_tokens=False)]
            ),
            "seamix add_token_counts": timed(lambda: add_token_counts(pa.table({"text": texts}), [name])),
        }
        counter = TokensCounter(tokenizer_name_or_path=str(resolve_tokenizer(name)), batch_size=1000)
        documents = [Document(text=t, id=str(i)) for i, t in enumerate(texts)]
        results["datatrove TokensCounter"] = timed(lambda: list(counter.run(iter(documents))))
        base = results["bare encode_batch"]
        print(f"\n{name}: {tok.get_vocab_size():,} vocab")
        print(f"{'variant':26s} {'seconds':>8s} {'MB/s':>8s} {'docs/s':>9s} {'vs bare encode_batch':>21s}")
        for variant, seconds in results.items():
            print(f"{variant:26s} {seconds:8.2f} {mb / seconds:8.2f} {len(texts) / seconds:9.0f} {base / seconds:20.2f}x")


if __name__ == "__main__":
    main()
