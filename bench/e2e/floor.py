"""The floor: the same work done by the bare libraries in one tight loop, no framework, no files
in between: FastWARC parse, Resiliparse extract, fastText predict, word segmentation (ICU /
rjieba, whitespace for spaced languages), datasketch MinHash + MinHashLSH, `tokenizers`
encode_batch for Gemma 3 and Qwen3. Every call is timed into its stage. Like seamix, fastText
sees the first ``MAX_CHARS`` characters of a document."""

from __future__ import annotations

import time
import zlib
from collections import defaultdict

from datasketch import MinHash, MinHashLSH
from fastwarc.warc import ArchiveIterator, WarcRecordType
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding

from pipelines.langid.identify import MAX_CHARS, default_model_path
from pipelines.langid.languages import is_spaced, lookup
from pipelines.quality.segment import words
from pipelines.tokens.registry import load_tokenizer

NUM_PERM, NGRAM, BATCH = 120, 5, 1000


def _shingles(text: str, spaced: bool) -> list[bytes]:
    if spaced:
        tokens = text.lower().split()
        return [" ".join(tokens[i : i + NGRAM]).encode() for i in range(max(1, len(tokens) - NGRAM + 1))]
    chars = "".join(text.lower().split())
    return [chars[i : i + NGRAM].encode() for i in range(max(1, len(chars) - NGRAM + 1))]


def run_floor(files: list[str], tokenizers: tuple[str, ...] = ("gemma3", "qwen3"), min_score: float = 0.5) -> dict:
    """Process ``files``; return per-stage seconds and the number of documents each stage received."""
    import fasttext

    seconds: dict[str, float] = defaultdict(float)
    counts = {"ingest": 0, "extract": 0, "langid": 0, "quality": 0, "dedup": 0, "tokens": 0}

    def timed(stage: str, fn, *args):
        started = time.perf_counter()
        result = fn(*args)
        seconds[stage] += time.perf_counter() - started
        return result

    model = timed("langid", fasttext.load_model, default_model_path())
    encoders = [timed("tokens", load_tokenizer, name) for name in tokenizers]
    lsh = MinHashLSH(threshold=0.6, num_perm=NUM_PERM)
    pending: list[str] = []

    def encode(texts: list[str]) -> None:
        for encoder in encoders:
            timed("tokens", encoder.encode_batch_fast, texts, False)

    for path in files:
        with open(path, "rb") as stream:
            records = iter(ArchiveIterator(stream, record_types=WarcRecordType.response, parse_http=True))
            while (record := timed("ingest", next, records, None)) is not None:
                counts["ingest"] += 1
                body = timed("ingest", record.reader.read)
                counts["extract"] += 1
                html = timed("extract", bytes_to_str, body, detect_encoding(body))
                text = timed("extract", lambda: extract_plain_text(html, main_content=True))
                if not text:
                    continue
                counts["langid"] += 1
                labels, scores = timed("langid", model.predict, " ".join(text[:MAX_CHARS].split()))
                language = lookup(labels[0])
                if language is None or scores[0] < min_score:
                    continue
                counts["quality"] += 1
                spaced = is_spaced(language)
                timed("quality", lambda: text.split() if spaced else words(text, language))
                counts["dedup"] += 1
                minhash = timed("dedup", lambda: next(MinHash.generator([_shingles(text, spaced)], num_perm=NUM_PERM, hashfunc=zlib.crc32)))
                if timed("dedup", lsh.query, minhash):
                    continue
                timed("dedup", lsh.insert, f"{path}:{counts['ingest']}", minhash)
                pending.append(text)
                if len(pending) == BATCH:
                    encode(pending)
                    counts["tokens"] += len(pending)
                    pending = []
    if pending:
        encode(pending)
        counts["tokens"] += len(pending)
    return {"seconds": dict(seconds), "counts": counts}

