"""Generate the bundled sample data (``sample/data``) from the hand-written sentences in ``sample/sentences``.

Usage::

    python sample/make_sample.py [OUTPUT_DIR]      # default: sample/data next to this file

Writes a Common Crawl style WARC, a FineWeb2 Parquet tree, SEA-LION Pile mC4 JSON lines and
``PLANTED.json``, the list of junk planted for every curation stage (exact and near duplicates,
boilerplate, wrong-language documents). Deterministic: fixed seeds, no clock, gzip ``mtime=0``,
fixed Parquet options, so two runs give byte-identical files. Needs only the standard library and
pyarrow.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import random
import struct
import sys
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
SENTENCES_DIR = HERE / "sentences"
DEFAULT_OUTPUT = HERE / "data"
SEED = 20240220

# ------------------------------------------------------------------ languages and sizes

#: canonical code -> (ISO 639-1, FineWeb2 ``language``, FineWeb2 ``language_script``)
LANGUAGES: dict[str, tuple[str, str, str]] = {
    "eng_Latn": ("en", "eng", "Latn"),
    "cmn_Hani": ("zh", "cmn", "Hani"),
    "ind_Latn": ("id", "ind", "Latn"),
    "zsm_Latn": ("ms", "zsm", "Latn"),
    "fil_Latn": ("tl", "fil", "Latn"),
    "vie_Latn": ("vi", "vie", "Latn"),
    "tha_Thai": ("th", "tha", "Thai"),
    "tam_Taml": ("ta", "tam", "Taml"),
    "mya_Mymr": ("my", "mya", "Mymr"),
    "khm_Khmr": ("km", "khm", "Khmr"),
    "lao_Laoo": ("lo", "lao", "Laoo"),
}
#: SEA-Pile v2 languages of Qwen-SEA-LION, as ISO 639-1 folder names.
PILE_LANGUAGES: dict[str, str] = {"my": "mya_Mymr", "id": "ind_Latn", "ms": "zsm_Latn", "tl": "fil_Latn",
                                  "ta": "tam_Taml", "th": "tha_Thai", "vi": "vie_Latn"}
#: Site name used in the URLs of each language.
SITES: dict[str, str] = {
    "eng_Latn": "riverside-gazette", "cmn_Hani": "chengshi-xinwen", "ind_Latn": "kabar-kota",
    "zsm_Latn": "berita-kampung", "fil_Latn": "balita-bayan", "vie_Latn": "tin-tuc-pho",
    "tha_Thai": "khao-mueang", "tam_Taml": "ur-seithi", "mya_Mymr": "myo-thadinn",
    "khm_Khmr": "pordamean-khet", "lao_Laoo": "khao-muang-lao",
}
#: Menu of the <nav> on every page: home, news, sport, contact.
NAV_LABELS: dict[str, tuple[str, str, str, str]] = {
    "eng_Latn": ("Home", "News", "Sport", "Contact"),
    "cmn_Hani": ("首页", "新闻", "体育", "联系我们"),
    "ind_Latn": ("Beranda", "Berita", "Olahraga", "Kontak"),
    "zsm_Latn": ("Laman Utama", "Berita", "Sukan", "Hubungi Kami"),
    "fil_Latn": ("Tahanan", "Balita", "Palakasan", "Makipag-ugnayan"),
    "vie_Latn": ("Trang chủ", "Tin tức", "Thể thao", "Liên hệ"),
    "tha_Thai": ("หน้าแรก", "ข่าว", "กีฬา", "ติดต่อเรา"),
    "tam_Taml": ("முகப்பு", "செய்திகள்", "விளையாட்டு", "தொடர்புக்கு"),
    "mya_Mymr": ("ပင်မစာမျက်နှာ", "သတင်း", "အားကစား", "ဆက်သွယ်ရန်"),
    "khm_Khmr": ("ទំព័រដើម", "ព័ត៌មាន", "កីឡា", "ទំនាក់ទំនង"),
    "lao_Laoo": ("ໜ້າຫຼັກ", "ຂ່າວ", "ກິລາ", "ຕິດຕໍ່"),
}
WARC_PAGES_PER_LANGUAGE = 8
FINEWEB2_DOCS_PER_LANGUAGE = 25
PILE_DOCS_PER_LANGUAGE = 20
MIN_CHARS, MAX_CHARS = 600, 2500
#: Highest share of sentences (Jaccard of the sentence sets) two articles of a language may have in common,
#: so that clean articles stay far below the near-duplicate threshold.
MAX_SHARED_SENTENCES = 0.25
DRAWS_PER_ARTICLE = 500
FINEWEB2_DUMP = "CC-MAIN-2024-10"
FINEWEB2_FILE_PATH = ("s3://commoncrawl/crawl-data/CC-MAIN-2024-10/segments/1707947474649.44/warc/"
                      "CC-MAIN-20240225234904-20240226024904-{:05d}.warc.gz")
CRAWL_START = datetime(2024, 2, 25, 0, 0, 0, tzinfo=timezone.utc)
PILE_START = datetime(2021, 3, 4, 12, 0, 0, tzinfo=timezone.utc)
#: Charsets of the two pages not in UTF-8 (Python codec name, label sent in the HTTP header).
LEGACY_CHARSETS: dict[str, tuple[str, str]] = {"cmn_Hani": ("gbk", "GBK"), "tha_Thai": ("tis_620", "TIS-620")}
SENTENCE_END = ".。။។!?"
#: The two WARC responses that are not HTML (the pipeline must skip them).
NON_HTML_URLS = ("https://www.riverside-gazette.example/static/logo.png", "https://www.riverside-gazette.example/robots.txt")

WARC_FILE = "warc/sample.warc.gz"
PLANTED_FILE = "PLANTED.json"


def fineweb2_file(code: str) -> str:
    """Path, relative to the data folder, of the FineWeb2 Parquet file of ``code``."""
    return f"fineweb2/data/{code}/train/000_00000.parquet"


def pile_file(iso1: str) -> str:
    """Path, relative to the data folder, of the SEA-LION Pile JSON lines file of ``iso1``."""
    return f"sea-lion-pile/sea-pile-mc4/{iso1}/{iso1}.jsonl"


FINEWEB2_SCHEMA = pa.schema([
    ("text", pa.string()), ("id", pa.string()), ("dump", pa.string()), ("url", pa.string()),
    ("date", pa.string()), ("file_path", pa.string()), ("language", pa.string()),
    ("language_score", pa.float64()), ("language_script", pa.string()),
    ("minhash_cluster_size", pa.int64()), ("top_langs", pa.string()),
])

# ------------------------------------------------------------------ documents


@dataclass(frozen=True)
class Article:
    """A clean document: a title line and paragraphs, in one language."""

    language: str
    title: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        """Plain text as the extractor gives it: title, blank line, paragraphs separated by blank lines."""
        return "\n\n".join((self.title, *self.paragraphs))


def article_from_text(code: str, text: str) -> Article:
    """The Article whose ``text`` is ``text`` (title, blank line, paragraphs separated by blank lines)."""
    title, *paragraphs = text.split("\n\n")
    return Article(code, title, tuple(paragraphs))


def load_sentences(directory: Path = SENTENCES_DIR) -> dict[str, list[str]]:
    """The hand-written sentences of every language, one per line; errors name the file."""
    sentences = {}
    for code in LANGUAGES:
        path = directory / f"{code}.txt"
        if not path.is_file():
            raise FileNotFoundError(f"{path}: sentence file missing for {code}")
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        if len(lines) < 40:
            raise ValueError(f"{path}: needs at least 40 sentences, has {len(lines)}")
        sentences[code] = lines
    return sentences


def joiner(code: str) -> str:
    """What separates sentences inside a paragraph: nothing for Chinese, a space otherwise."""
    return "" if code == "cmn_Hani" else " "


class Composer:
    """Draws random articles from the sentence pools, each sharing little with the earlier ones."""

    def __init__(self, sentences: dict[str, list[str]], rng: random.Random) -> None:
        self.sentences = sentences
        self.rng = rng
        self.drawn: dict[str, list[frozenset[str]]] = {}

    def article(self, code: str) -> Article:
        """A random article sharing at most MAX_SHARED_SENTENCES of its sentences with any earlier one."""
        history = self.drawn.setdefault(code, [])
        for _ in range(DRAWS_PER_ARTICLE):
            article, used = self._draw(code)
            if all(len(used & old) / len(used | old) <= MAX_SHARED_SENTENCES for old in history):
                history.append(used)
                return article
        raise ValueError(f"{code}: no article sharing <= {MAX_SHARED_SENTENCES} of its sentences after "
                         f"{DRAWS_PER_ARTICLE} draws; add sentences to sample/sentences/{code}.txt")

    def _draw(self, code: str) -> tuple[Article, frozenset[str]]:
        """A title plus 3-6 paragraphs of 2-5 sentences, 600-2500 characters, sentences drawn at random;
        also returns the sentences used."""
        pool = list(self.sentences[code])
        self.rng.shuffle(pool)
        title_sentence = pool.pop()
        title = title_sentence.rstrip(SENTENCE_END)
        sizes = [self.rng.randint(2, 5) for _ in range(self.rng.randint(3, 6))]
        while _length(title, pool, sizes, code) < MIN_CHARS:
            growable = [i for i, n in enumerate(sizes) if n < 5]
            if growable:
                sizes[self.rng.choice(growable)] += 1
            elif len(sizes) < 6:
                sizes.append(2)
            else:
                raise ValueError(f"{code}: sentences too short for a {MIN_CHARS}-character article")
        while _length(title, pool, sizes, code) > MAX_CHARS:
            largest = max(range(len(sizes)), key=sizes.__getitem__)
            if sizes[largest] > 2:
                sizes[largest] -= 1
            elif len(sizes) > 3:
                sizes.pop()
            else:
                raise ValueError(f"{code}: sentences too long for a {MAX_CHARS}-character article")
        return Article(code, title, tuple(_paragraphs(pool, sizes, code))), frozenset([title_sentence, *pool[:sum(sizes)]])

    def unused_sentence(self, article: Article) -> str:
        """A sentence of the article's language that it does not contain."""
        return self.rng.choice([s for s in self.sentences[article.language] if s not in article.text])


def _paragraphs(pool: list[str], sizes: list[int], code: str) -> list[str]:
    out, start = [], 0
    for n in sizes:
        out.append(joiner(code).join(pool[start:start + n]))
        start += n
    return out


def _length(title: str, pool: list[str], sizes: list[int], code: str) -> int:
    return len("\n\n".join([title, *_paragraphs(pool, sizes, code)]))


# ------------------------------------------------------------------ near-duplicate edits


def change_words(article: Article, count: int, rng: random.Random) -> Article:
    """Copy of a spaced-language article with ``count`` body words replaced by other words of it."""
    words = [w for p in article.paragraphs for w in p.split(" ")]
    candidates = sorted({w for w in words if w.isalpha()})
    paragraphs = [p.split(" ") for p in article.paragraphs]
    slots = [(i, j) for i, p in enumerate(paragraphs) for j, w in enumerate(p) if w.isalpha()]
    for i, j in rng.sample(slots, count):
        paragraphs[i][j] = rng.choice([w for w in candidates if w != paragraphs[i][j]])
    return Article(article.language, article.title, tuple(" ".join(p) for p in paragraphs))


def change_han_characters(article: Article, count: int, rng: random.Random) -> Article:
    """Copy of a Chinese article with ``count`` body characters replaced by other Han characters of it."""
    body = "\n\n".join(article.paragraphs)
    han = sorted({c for c in body if "\u4e00" <= c <= "\u9fff"})
    chars = list(body)
    for k in rng.sample([k for k, c in enumerate(chars) if c in han], count):
        chars[k] = rng.choice([c for c in han if c != chars[k]])
    return Article(article.language, article.title, tuple("".join(chars).split("\n\n")))


def append_sentence(article: Article, sentence: str) -> Article:
    """Copy of an article with one more sentence at the end of its last paragraph."""
    *head, last = article.paragraphs
    return Article(article.language, article.title, (*head, last + joiner(article.language) + sentence))


# ------------------------------------------------------------------ boilerplate texts

LOREM_IPSUM = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et "
    "dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex "
    "ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu "
    "fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt "
    "mollit anim id est laborum."
)
COOKIE_BANNER_EN = (
    "This website uses cookies to improve your experience. By continuing to browse you agree to our cookie policy "
    "and privacy policy. Accept all cookies | Manage settings"
)
COOKIE_BANNER_ID = "\n".join([
    "Situs ini menggunakan cookie untuk meningkatkan pengalaman Anda.",
    "Dengan melanjutkan, Anda menyetujui kebijakan privasi serta syarat dan ketentuan kami.",
    "Terima semua cookie",
    "Hak cipta dilindungi undang-undang.",
])
NAV_MENU_TL = "\n".join(["Tahanan", "Balita", "Probinsya", "Palakasan", "Showbiz", "Negosyo", "Opinyon",
                         "Lifestyle", "Teknolohiya", "Panahon", "Mag-subscribe", "Mag-login", "Makipag-ugnayan"])
REPEATED_LINE_EN = "Click here to subscribe to our newsletter and get the best daily deals!"
REPEATED_LINE_TA = "எங்கள் செய்தி மடலுக்கு இப்போதே பதிவு செய்யுங்கள், சிறந்த சலுகைகளைப் பெறுங்கள்!"
KEYWORD_SPAM_ID = " ".join(["jual hp murah", "hp murah jakarta", "promo hp murah", "hp second murah",
                            "grosir hp murah"] * 12)
KEYWORD_SPAM_ZH = "".join(["减肥茶", "快速减肥", "减肥药", "减肥茶批发", "最好的减肥茶"] * 20)
TINY_TH = "หน้านี้กำลังปรับปรุง กรุณากลับมาใหม่ภายหลัง"
TINY_VI = "Trang đang bảo trì."
TINY_KM = "ទំព័រនេះកំពុងជួសជុល។"


def digits_page(rng: random.Random, currency: str) -> str:
    """A price table: rows of numbers and symbols, hardly any words."""
    rows = []
    for _ in range(40):
        price = rng.randint(100, 99999) / 100
        change = rng.randint(-500, 500) / 100
        rows.append(f"{rng.randint(1000, 9999)} | {currency} {price:.2f} | {change:+.2f} | {change / 7:+.1f}% | ***")
    return "\n".join(rows)


# ------------------------------------------------------------------ ids, urls, times


class Ids:
    """Deterministic UUIDs, URLs and timestamps."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.counters: dict[str, int] = {}

    def uuid(self) -> str:
        """A random (seeded) version-4 UUID."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def url(self, kind: str, code: str) -> str:
        """A URL never used before: ``kind`` is ``warc``, ``fineweb2`` or ``pile``."""
        key = f"{kind}/{code}"
        self.counters[key] = n = self.counters.get(key, 0) + 1
        site = SITES[code]
        if kind == "warc":
            return f"https://www.{site}.example/news/{n:04d}.html"
        if kind == "fineweb2":
            return f"https://{site}-{n % 4}.example/articles/{n:04d}"
        return f"http://blog.{site}.example/{2018 + n % 3}/{1 + n % 12:02d}/post-{n:04d}.html"

    def time(self, start: datetime, span_days: int) -> datetime:
        """A random (seeded) moment within ``span_days`` after ``start``."""
        return start + timedelta(seconds=self.rng.randint(0, span_days * 86400))


def iso(moment: datetime) -> str:
    """ISO 8601 UTC timestamp, as in WARC-Date and FineWeb2's ``date``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------ WARC


@dataclass(frozen=True)
class Response:
    """One HTTP response to archive."""

    url: str
    content_type: str  # full header value, charset included
    body: bytes


def html_page(article: Article, charset: str = "utf-8") -> bytes:
    """A news page: <nav> menu, <main><article> with <h1> and <p>, <footer>."""
    lang = LANGUAGES[article.language][0]
    home, news, sport, contact = NAV_LABELS[article.language]
    paragraphs = "\n".join(f"<p>{_escape(p)}</p>" for p in article.paragraphs)
    page = (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="{charset}">\n'
        f"<title>{_escape(article.title)}</title>\n</head>\n<body>\n"
        f'<nav><ul><li><a href="/">{home}</a></li><li><a href="/news/">{news}</a></li>'
        f'<li><a href="/sport/">{sport}</a></li><li><a href="/contact/">{contact}</a></li></ul></nav>\n'
        f"<main>\n<article>\n<h1>{_escape(article.title)}</h1>\n{paragraphs}\n</article>\n</main>\n"
        f"<footer><p>&copy; 2024 {SITES[article.language]}.example</p></footer>\n</body>\n</html>\n"
    )
    return page.encode(charset)


def bare_page(lang: str, title: str, body_html: str) -> bytes:
    """A UTF-8 page with the given body markup (boilerplate pages)."""
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n<title>{_escape(title)}</title>\n'
            f"</head>\n<body>\n{body_html}\n</body>\n</html>\n").encode("utf-8")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def tiny_png() -> bytes:
    """A valid 1x1 grey PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b"")


def warc_record(headers: list[tuple[str, str]], block: bytes) -> bytes:
    """One gzip member holding one WARC/1.0 record."""
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + f"Content-Length: {len(block)}\r\n\r\n"
    return gzip.compress(head.encode("utf-8") + block + b"\r\n\r\n", compresslevel=9, mtime=0)


def _digest(data: bytes) -> str:
    """WARC digest value: base32 SHA-1."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def http_response(response: Response, moment: datetime) -> bytes:
    """The HTTP/1.1 200 message (status line, headers, body) archived in a response record."""
    head = (f"HTTP/1.1 200 OK\r\nDate: {moment.strftime('%a, %d %b %Y %H:%M:%S GMT')}\r\nServer: nginx\r\n"
            f"Content-Type: {response.content_type}\r\nContent-Length: {len(response.body)}\r\n\r\n")
    return head.encode("ascii") + response.body


def http_request(url: str) -> bytes:
    """The GET request archived in a request record."""
    host, _, path = url.split("://", 1)[1].partition("/")
    return (f"GET /{path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: seamix-sample/1.0\r\n"
            "Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\nAccept-Language: *\r\n\r\n").encode("ascii")


def write_warc(path: Path, responses: list[Response], ids: Ids) -> None:
    """warcinfo, then request + response per page, then one metadata record about the first page."""
    info = (b"software: seamix sample/make_sample.py\r\nformat: WARC File Format 1.0\r\n"
            b"isPartOf: CC-SAMPLE-2024-10\r\ndescription: seamix bundled sample crawl\r\n")
    moment = CRAWL_START
    records = [warc_record([("WARC-Type", "warcinfo"), ("WARC-Record-ID", f"<urn:uuid:{ids.uuid()}>"),
                            ("WARC-Date", iso(moment)), ("WARC-Filename", path.name),
                            ("Content-Type", "application/warc-fields")], info)]
    first_response_id = None
    for response in responses:
        moment += timedelta(seconds=ids.rng.randint(1, 90))
        request_id, response_id = f"<urn:uuid:{ids.uuid()}>", f"<urn:uuid:{ids.uuid()}>"
        first_response_id = first_response_id or response_id
        request = http_request(response.url)
        records.append(warc_record([
            ("WARC-Type", "request"), ("WARC-Record-ID", request_id), ("WARC-Date", iso(moment)),
            ("WARC-Target-URI", response.url), ("WARC-Concurrent-To", response_id),
            ("WARC-Block-Digest", _digest(request)), ("Content-Type", "application/http; msgtype=request")], request))
        block = http_response(response, moment)
        records.append(warc_record([
            ("WARC-Type", "response"), ("WARC-Record-ID", response_id), ("WARC-Date", iso(moment)),
            ("WARC-Target-URI", response.url), ("WARC-Concurrent-To", request_id),
            ("WARC-IP-Address", f"192.0.2.{ids.rng.randint(1, 254)}"),
            ("WARC-Block-Digest", _digest(block)), ("WARC-Payload-Digest", _digest(response.body)),
            ("WARC-Identified-Payload-Type", response.content_type.split(";")[0]),
            ("Content-Type", "application/http; msgtype=response")], block))
    metadata = b"fetchTimeMs: 212\r\ncharset-detected: UTF-8\r\nlanguages-cld2: {\"reliable\":true}\r\n"
    records.append(warc_record([
        ("WARC-Type", "metadata"), ("WARC-Record-ID", f"<urn:uuid:{ids.uuid()}>"), ("WARC-Date", iso(moment)),
        ("WARC-Target-URI", responses[0].url), ("WARC-Refers-To", first_response_id),
        ("Content-Type", "application/warc-fields")], metadata))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(records))


# ------------------------------------------------------------------ the sample


@dataclass
class Sample:
    """Everything to write: WARC responses, FineWeb2 rows per code, Pile rows per ISO 639-1 code, planted items."""

    warc: list[Response] = field(default_factory=list)
    fineweb2: dict[str, list[dict]] = field(default_factory=dict)
    pile: dict[str, list[dict]] = field(default_factory=dict)
    planted: list[dict] = field(default_factory=list)

    def plant(self, kind: str, source_file: str, locator: str, of: str | None = None,
              true_language: str | None = None) -> None:
        item = {"kind": kind, "source_file": source_file, "locator": locator}
        if of is not None:
            item["of"] = of
        if true_language is not None:
            item["true_language"] = true_language
        self.planted.append(item)


class Builder:
    """Composes the clean documents of every source, then plants the junk."""

    def __init__(self, sentences: dict[str, list[str]], seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.compose = Composer(sentences, self.rng)
        self.ids = Ids(self.rng)
        self.sample = Sample()
        self.warc_articles: dict[str, list[tuple[str, Article]]] = {}

    # -- one document per source

    def add_warc(self, article: Article, charset: str = "utf-8", label: str = "utf-8") -> str:
        """A news page of ``article`` encoded with ``charset`` (declared as ``label``); returns its URL."""
        url = self.ids.url("warc", article.language)
        self.sample.warc.append(Response(url, f"text/html; charset={label}", html_page(article, charset)))
        self.warc_articles.setdefault(article.language, []).append((url, article))
        return url

    def add_warc_raw(self, code: str, content_type: str, body: bytes) -> str:
        """A page given as bytes (boilerplate pages), at a new URL of ``code``'s site."""
        url = self.ids.url("warc", code)
        self.sample.warc.append(Response(url, content_type, body))
        return url

    def add_fineweb2(self, folder: str, text: str, text_language: str | None = None) -> str:
        """A FineWeb2 row in ``folder``; its metadata claims the folder's language whatever the text."""
        url = self.ids.url("fineweb2", text_language or folder)
        _, lang3, script = LANGUAGES[folder]
        score = round(self.rng.uniform(0.72, 0.999), 4)
        self.sample.fineweb2.setdefault(folder, []).append({
            "text": text, "id": f"<urn:uuid:{self.ids.uuid()}>", "dump": FINEWEB2_DUMP, "url": url,
            "date": iso(self.ids.time(CRAWL_START, 4)), "file_path": FINEWEB2_FILE_PATH.format(self.rng.randint(0, 899)),
            "language": lang3, "language_score": score, "language_script": script,
            "minhash_cluster_size": self.rng.randint(1, 6), "top_langs": json.dumps({f"{folder}_score": score}),
        })
        return url

    def add_pile(self, iso1: str, text: str, text_language: str | None = None) -> str:
        """An mC4 line in the Pile file of ``iso1``; returns its URL."""
        url = self.ids.url("pile", text_language or PILE_LANGUAGES[iso1])
        self.sample.pile.setdefault(iso1, []).append(
            {"text": text, "timestamp": iso(self.ids.time(PILE_START, 300)), "url": url})
        return url

    # -- the whole sample

    def build(self) -> Sample:
        for code in LANGUAGES:
            legacy = LEGACY_CHARSETS.get(code)
            for k in range(WARC_PAGES_PER_LANGUAGE):
                article = self.compose.article(code)
                if legacy and k == 0:
                    self.add_warc(article, *legacy)
                else:
                    self.add_warc(article)
            for _ in range(FINEWEB2_DOCS_PER_LANGUAGE):
                self.add_fineweb2(code, self.compose.article(code).text)
        for iso1, code in PILE_LANGUAGES.items():
            for _ in range(PILE_DOCS_PER_LANGUAGE):
                self.add_pile(iso1, self.compose.article(code).text)
        self.add_non_html()
        self.plant_exact_duplicates()
        self.plant_near_duplicates()
        self.plant_boilerplate()
        self.plant_wrong_language()
        self.shuffle_rows()
        return self.sample

    def add_non_html(self) -> None:
        """Responses the pipeline must skip: an image and a robots.txt."""
        self.sample.warc.append(Response(NON_HTML_URLS[0], "image/png", tiny_png()))
        self.sample.warc.append(Response(NON_HTML_URLS[1], "text/plain; charset=utf-8",
                                         b"User-agent: *\nDisallow: /admin/\nSitemap: https://www.riverside-gazette.example/sitemap.xml\n"))

    def plant_exact_duplicates(self) -> None:
        """Verbatim copies: 6 across sources, 3 within one source."""
        s, kind = self.sample, "exact_duplicate"
        # FineWeb2 -> Pile, verbatim
        for code, iso1 in (("ind_Latn", "id"), ("tha_Thai", "th"), ("vie_Latn", "vi")):
            original = s.fineweb2[code][0]
            s.plant(kind, pile_file(iso1), self.add_pile(iso1, original["text"]), of=original["url"])
        # Pile -> FineWeb2
        original = s.pile["ta"][0]
        s.plant(kind, fineweb2_file("tam_Taml"), self.add_fineweb2("tam_Taml", original["text"]), of=original["url"])
        # WARC page text -> FineWeb2 (the text the HTML extractor gives)
        for code in ("zsm_Latn", "khm_Khmr"):
            url, article = self.warc_articles[code][1]
            s.plant(kind, fineweb2_file(code), self.add_fineweb2(code, article.text), of=url)
        # within one source
        original = s.fineweb2["fil_Latn"][0]
        s.plant(kind, fineweb2_file("fil_Latn"), self.add_fineweb2("fil_Latn", original["text"]), of=original["url"])
        original = s.pile["my"][0]
        s.plant(kind, pile_file("my"), self.add_pile("my", original["text"]), of=original["url"])
        url, article = self.warc_articles["eng_Latn"][1]
        s.plant(kind, WARC_FILE, self.add_warc(article), of=url)

    def plant_near_duplicates(self) -> None:
        """Copies with 1-3 words or Han characters changed, or one sentence appended."""
        s, kind, rng = self.sample, "near_duplicate", self.rng

        def fineweb2_original(code: str, index: int) -> tuple[str, Article]:
            row = s.fineweb2[code][index]
            return row["url"], article_from_text(code, row["text"])

        def pile_original(iso1: str, index: int) -> tuple[str, Article]:
            row = s.pile[iso1][index]
            return row["url"], article_from_text(PILE_LANGUAGES[iso1], row["text"])

        url, article = fineweb2_original("eng_Latn", 1)
        s.plant(kind, fineweb2_file("eng_Latn"), self.add_fineweb2("eng_Latn", change_words(article, 2, rng).text), of=url)
        url, article = fineweb2_original("zsm_Latn", 1)
        s.plant(kind, fineweb2_file("zsm_Latn"), self.add_fineweb2("zsm_Latn", change_words(article, 1, rng).text), of=url)
        url, article = fineweb2_original("cmn_Hani", 1)
        s.plant(kind, fineweb2_file("cmn_Hani"), self.add_fineweb2("cmn_Hani", change_han_characters(article, 3, rng).text), of=url)
        url, article = fineweb2_original("tha_Thai", 1)
        copy = append_sentence(article, self.compose.unused_sentence(article))
        s.plant(kind, fineweb2_file("tha_Thai"), self.add_fineweb2("tha_Thai", copy.text), of=url)
        url, article = fineweb2_original("tha_Thai", 2)
        copy = append_sentence(article, self.compose.unused_sentence(article))
        s.plant(kind, pile_file("th"), self.add_pile("th", copy.text), of=url)
        url, article = pile_original("vi", 1)
        s.plant(kind, pile_file("vi"), self.add_pile("vi", change_words(article, 3, rng).text), of=url)
        url, article = pile_original("my", 1)
        copy = append_sentence(article, self.compose.unused_sentence(article))
        s.plant(kind, pile_file("my"), self.add_pile("my", copy.text), of=url)
        url, article = self.warc_articles["lao_Laoo"][1]
        s.plant(kind, WARC_FILE, self.add_warc(append_sentence(article, self.compose.unused_sentence(article))), of=url)

    def plant_boilerplate(self) -> None:
        """Cookie banner, menus, lorem ipsum, repeated lines, keyword spam, tiny pages, digit tables."""
        s, kind, rng = self.sample, "boilerplate", self.rng
        cookie = (f'<nav><ul><li><a href="/">Home</a></li><li><a href="/news/">News</a></li></ul></nav>\n'
                  f'<div class="cookie-banner"><p>{COOKIE_BANNER_EN}</p><button>Accept</button></div>\n'
                  "<footer><p>&copy; 2024 riverside-gazette.example. All rights reserved.</p></footer>")
        pages = [
            ("eng_Latn", "Cookie settings", cookie),
            ("vie_Latn", "Chuyên mục", "<nav><ul>" + "".join(
                f'<li><a href="/c/{i}">{label}</a></li>' for i, label in enumerate(
                    ["Trang chủ", "Thời sự", "Thế giới", "Kinh doanh", "Giải trí", "Thể thao", "Pháp luật",
                     "Giáo dục", "Sức khỏe", "Đời sống", "Du lịch", "Khoa học", "Số hóa", "Xe", "Ý kiến"])) + "</ul></nav>"),
            ("eng_Latn", "Lorem ipsum", f"<main><h1>Lorem ipsum</h1><p>{LOREM_IPSUM}</p><p>{LOREM_IPSUM}</p></main>"),
            ("cmn_Hani", "行情", "<main><h1>行情</h1><pre>" + digits_page(rng, "¥") + "</pre></main>"),
            ("khm_Khmr", "ជួសជុល", f"<main><p>{TINY_KM}</p></main>"),
        ]
        for code, title, body in pages:
            url = self.add_warc_raw(code, "text/html; charset=utf-8", bare_page(LANGUAGES[code][0], title, body))
            s.plant(kind, WARC_FILE, url)
        texts = [
            ("fineweb2", "eng_Latn", "\n".join([REPEATED_LINE_EN] * 30)),
            ("fineweb2", "ind_Latn", KEYWORD_SPAM_ID),
            ("fineweb2", "tha_Thai", TINY_TH),
            ("fineweb2", "zsm_Latn", digits_page(rng, "RM")),
            ("fineweb2", "cmn_Hani", KEYWORD_SPAM_ZH),
            ("pile", "id", COOKIE_BANNER_ID),
            ("pile", "tl", NAV_MENU_TL),
            ("pile", "vi", TINY_VI),
            ("pile", "ta", "\n".join([REPEATED_LINE_TA] * 30)),
        ]
        for source, where, text in texts:
            if source == "fineweb2":
                s.plant(kind, fineweb2_file(where), self.add_fineweb2(where, text))
            else:
                s.plant(kind, pile_file(where), self.add_pile(where, text))

    def plant_wrong_language(self) -> None:
        """Clean articles of one language filed under another."""
        s, kind = self.sample, "wrong_language"
        for folder, true in (("tha_Thai", "eng_Latn"), ("zsm_Latn", "ind_Latn"), ("khm_Khmr", "vie_Latn"),
                             ("lao_Laoo", "tha_Thai")):
            url = self.add_fineweb2(folder, self.compose.article(true).text, text_language=true)
            s.plant(kind, fineweb2_file(folder), url, true_language=true)
        for iso1, true in (("ms", "ind_Latn"), ("ta", "eng_Latn"), ("my", "cmn_Hani")):
            url = self.add_pile(iso1, self.compose.article(true).text, text_language=true)
            s.plant(kind, pile_file(iso1), url, true_language=true)

    def shuffle_rows(self) -> None:
        """Mix planted rows in with the clean ones (the WARC keeps crawl order)."""
        for rows in (*self.sample.fineweb2.values(), *self.sample.pile.values()):
            self.rng.shuffle(rows)


# ------------------------------------------------------------------ writing


def write_sample(output: Path, sample: Sample, ids: Ids) -> list[Path]:
    """Write every file of ``sample`` under ``output``; returns the written paths."""
    written = []
    warc = output / WARC_FILE
    write_warc(warc, sample.warc, ids)
    written.append(warc)
    for code, rows in sample.fineweb2.items():
        path = output / fineweb2_file(code)
        path.parent.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pylist(rows, schema=FINEWEB2_SCHEMA)
        pq.write_table(table, path, compression="zstd", compression_level=9, row_group_size=len(rows),
                       use_dictionary=True, write_statistics=True, store_schema=False)
        written.append(path)
    for iso1, rows in sample.pile.items():
        path = output / pile_file(iso1)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        written.append(path)
    planted = output / PLANTED_FILE
    planted.write_text(json.dumps(sample.planted, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    written.append(planted)
    return written


def generate(output: Path = DEFAULT_OUTPUT, sentences_dir: Path = SENTENCES_DIR, seed: int = SEED) -> list[Path]:
    """Build the sample from the sentence files and write it under ``output``; returns the written paths."""
    builder = Builder(load_sentences(sentences_dir), seed)
    sample = builder.build()
    return write_sample(Path(output), sample, builder.ids)


def main(argv: list[str]) -> None:
    """Command line: ``python sample/make_sample.py [OUTPUT_DIR]``."""
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    paths = generate(output)
    total = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} files, {total / 1e6:.2f} MB, under {output}")


if __name__ == "__main__":
    main(sys.argv)
