"""Build the end-to-end benchmark corpus: WARC files of real web pages carrying real text in the
eleven languages, with every record distinct so that dedup does not collapse the repeats.

Pages: the 210 HTML responses of the real web archives in ../shared/realdata/warc (their markup,
boilerplate and charsets as crawled). Text: real sentences per language from
../shared/realdata/multilingual (NTREX-128 news, the lingua Leipzig sentences, Burmese NTREX
converted from Zawgyi) and ../shared/realdata/text/books. Record ``i`` takes page ``i mod 210``
and inserts, after ``<body>``, an ``<article>`` of 24-48 sentences drawn at random (seeded) from
one language's pool, languages in turn; every record has its own WARC-Record-ID and URL.
Planted duplicates: 3% of records repeat an earlier record's payload exactly and 2% repeat it
with one sentence changed (near duplicates), under new ids and URLs.

Files are gzip-per-record WARC/1.0, about ``file_mb`` MB of uncompressed HTML each, so a run
splits into several work items per stage."""

from __future__ import annotations

import gzip
import html
import random
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from fastwarc.warc import ArchiveIterator, WarcRecordType
from resiliparse.parse.encoding import bytes_to_str, detect_encoding

from pipelines.langid.normalize import normalize_text

REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"
NTREX = {
    "eng_Latn": "newstest2019-src.eng.txt", "cmn_Hani": "newstest2019-ref.zho-CN.txt",
    "ind_Latn": "newstest2019-ref.ind.txt", "zsm_Latn": "newstest2019-ref.msa.txt",
    "fil_Latn": "newstest2019-ref.fil.txt", "vie_Latn": "newstest2019-ref.vie.txt",
    "tha_Thai": "newstest2019-ref.tha.txt", "tam_Taml": "newstest2019-ref.tam.txt",
    "mya_Mymr": "newstest2019-ref.mya.txt", "khm_Khmr": "newstest2019-ref.khm.txt",
    "lao_Laoo": "newstest2019-ref.lao.txt",
}
LINGUA = {"eng_Latn": "en", "cmn_Hani": "zh", "ind_Latn": "id", "zsm_Latn": "ms", "fil_Latn": "tl",
          "vie_Latn": "vi", "tha_Thai": "th", "tam_Taml": "ta"}
BOOKS = {"eng_Latn": "english", "cmn_Hani": "chinese", "vie_Latn": "vietnamese", "tam_Taml": "tamil"}
EXACT_DUPLICATES, NEAR_DUPLICATES = 0.03, 0.02
_BODY = re.compile(rb"<body[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    """One real HTML response: URL, HTTP content type and body bytes."""

    url: str
    content_type: str
    body: bytes


@dataclass(frozen=True)
class CorpusInfo:
    """What was written: files, records, uncompressed HTML bytes and the planted duplicates."""

    files: list[Path]
    records: int
    html_bytes: int
    exact_duplicates: int
    near_duplicates: int


def real_pages(warc_dir: Path = REALDATA / "warc") -> list[Page]:
    """Every HTML response of the real archives (skipping the deliberately truncated file's tail)."""
    pages = []
    for path in sorted(warc_dir.glob("*.warc*")):
        with open(path, "rb") as stream:
            try:
                for record in ArchiveIterator(stream, record_types=WarcRecordType.response, parse_http=True):
                    content_type = (record.http_headers.get("Content-Type") or "") if record.http_headers else ""
                    if "html" in content_type.lower():
                        pages.append(Page(record.headers.get("WARC-Target-URI") or "", content_type, record.reader.read()))
            except Exception:  # resiliparse__clipped.warc.gz is cut mid-record on purpose
                continue
    if not pages:
        raise SystemExit(f"no HTML responses under {warc_dir}; the e2e benchmark needs ../shared/realdata")
    return pages


def sentence_pools() -> dict[str, list[str]]:
    """Real sentences per language (Burmese converted from Zawgyi; lines under 20 characters skipped)."""
    multilingual = REALDATA / "multilingual"
    pools: dict[str, list[str]] = {}
    for lang, name in NTREX.items():
        lines = (multilingual / "ntrex128" / name).read_text(encoding="utf-8").splitlines()
        if lang in LINGUA:
            lines += (multilingual / "lingua_testdata" / "sentences" / f"{LINGUA[lang]}.txt").read_text(encoding="utf-8").splitlines()
        if lang in BOOKS:
            book = next((REALDATA / "text" / "books").glob(f"*{BOOKS[lang]}*"), None)
            if book is not None:
                lines += book.read_text(encoding="utf-8").splitlines()[:3000]
        if lang == "mya_Mymr":
            lines = [normalize_text(line)[0] for line in lines]
        pools[lang] = [line.strip() for line in lines if len(line.strip()) >= 20]
    return pools


def _article(rng: random.Random, pool: list[str]) -> list[str]:
    return rng.sample(pool, rng.randint(24, 48))


def _payload(page: Page, sentences: list[str]) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(' '.join(sentences[i:i + 4]))}</p>\n" for i in range(0, len(sentences), 4))
    article = f"<article>\n{paragraphs}</article>\n".encode("utf-8")
    body = bytes_to_str(page.body, detect_encoding(page.body)).encode("utf-8")  # the record says utf-8
    match = _BODY.search(body)
    at = match.end() if match else 0
    return body[:at] + article + body[at:]


def _record(url: str, payload: bytes) -> bytes:
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            + f"Content-Length: {len(payload)}\r\n\r\n".encode()) + payload
    head = ("WARC/1.0\r\nWARC-Type: response\r\n"
            f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\nWARC-Date: 2024-10-01T00:00:00Z\r\n"
            f"WARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return gzip.compress(head + http + b"\r\n\r\n", compresslevel=1, mtime=0)


def build_corpus(out_dir: Path, megabytes: float, file_mb: float = 25.0, seed: int = 0) -> CorpusInfo:
    """Write ``megabytes`` MB of HTML as WARC files under ``out_dir`` (reused when already built)."""
    done = out_dir / "_DONE"
    if done.is_file():
        files = sorted(out_dir.glob("*.warc.gz"))
        records, html_bytes, exact, near = (int(v) for v in done.read_text().split())
        return CorpusInfo(files, records, html_bytes, exact, near)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    pages, pools = real_pages(), sentence_pools()
    languages = sorted(pools)
    history: list[tuple[Page, str, list[str]]] = []
    files: list[Path] = []
    records = html_bytes = exact = near = file_bytes = 0
    target, per_file = int(megabytes * 1e6), int(file_mb * 1e6)
    out = None
    while html_bytes < target:
        if out is None or file_bytes >= per_file:
            if out is not None:
                out.close()
            files.append(out_dir / f"e2e-{len(files):05d}.warc.gz")
            out, file_bytes = open(files[-1], "wb"), 0
        roll = rng.random()
        if history and roll < EXACT_DUPLICATES:
            page, _, sentences = rng.choice(history)
            exact += 1
        elif history and roll < EXACT_DUPLICATES + NEAR_DUPLICATES:
            page, lang, sentences = rng.choice(history)
            sentences = sentences[:-1] + [rng.choice(pools[lang])]
            near += 1
        else:
            page, lang = pages[records % len(pages)], languages[records % len(languages)]
            sentences = _article(rng, pools[lang])
            history.append((page, lang, sentences))
        payload = _payload(page, sentences)
        out.write(_record(f"https://e2e.example/{records}/{page.url.rsplit('/', 1)[-1][:80]}", payload))
        records += 1
        html_bytes += len(payload)
        file_bytes += len(payload)
    out.close()
    done.write_text(f"{records} {html_bytes} {exact} {near}\n")
    return CorpusInfo(files, records, html_bytes, exact, near)
