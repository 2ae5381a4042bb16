"""Test helpers for the Common Crawl index path: WARC files with known record offsets, a columnar
index over them (real column names and types), and a loopback HTTP server with Range support.
Also used by bench/cc_index_bench.py."""

from __future__ import annotations

import gzip
import re
import threading
import time
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

#: The columns of cc-index-table's flat schema that the selection reads, with their Parquet types
#: (``crawl`` and ``subset`` are the hive folders, as in the published index).
INDEX_SCHEMA = pa.schema(
    [
        ("url_surtkey", pa.string()),
        ("url", pa.string()),
        ("url_host_name", pa.string()),
        ("fetch_time", pa.timestamp("us", tz="UTC")),
        ("fetch_status", pa.int16()),
        ("content_mime_type", pa.string()),
        ("content_mime_detected", pa.string()),
        ("content_charset", pa.string()),
        ("content_languages", pa.string()),
        ("warc_filename", pa.string()),
        ("warc_record_offset", pa.int32()),
        ("warc_record_length", pa.int32()),
        ("warc_segment", pa.string()),
    ]
)


@dataclass(frozen=True)
class Page:
    """One capture to write: its WARC record and its index row."""

    url: str
    html: bytes
    languages: str | None
    status: int = 200
    mime: str = "text/html"


def warc_record(page: Page, record_id: str) -> bytes:
    """One uncompressed WARC response record for ``page``."""
    reason = {200: "OK", 404: "Not Found"}.get(page.status, "Status")
    http = (f"HTTP/1.1 {page.status} {reason}\r\nContent-Type: {page.mime}; charset=utf-8\r\n"
            f"Content-Length: {len(page.html)}\r\n\r\n").encode("ascii") + page.html
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Date: 2024-03-04T10:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:{record_id}>\r\nWARC-Target-URI: {page.url}\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n").encode("ascii")
    return head + http + b"\r\n\r\n"


def write_warc(path: Path, pages: list[Page], seed: int = 0) -> list[tuple[int, int]]:
    """Write ``pages`` as one gzip member per record (as Common Crawl does); return each
    record's (offset, length)."""
    spans = []
    with open(path, "wb") as f:
        for i, page in enumerate(pages):
            member = gzip.compress(warc_record(page, str(uuid.UUID(int=seed * 1_000_003 + i))), mtime=0)
            spans.append((f.tell(), len(member)))
            f.write(member)
    return spans


def gzip_members(path: Path) -> list[tuple[int, int]]:
    """(offset, length) of every gzip member of a file, found by decompressing it."""
    data = path.read_bytes()
    spans, offset = [], 0
    while offset < len(data):
        inflater = zlib.decompressobj(31)
        inflater.decompress(data[offset:])
        if not inflater.eof:
            raise ValueError(f"{path}: truncated gzip member at byte {offset}")
        length = len(data) - offset - len(inflater.unused_data)
        spans.append((offset, length))
        offset += length
    return spans


def index_rows(warc_filename: str, pages: list[Page], spans: list[tuple[int, int]]) -> list[dict]:
    """Index rows (INDEX_SCHEMA) for ``pages`` stored at ``spans`` of ``warc_filename``."""
    fetched = datetime(2024, 3, 4, tzinfo=timezone.utc)
    return [
        dict(url_surtkey=p.url, url=p.url, url_host_name=re.sub(r"^https?://([^/]+).*$", r"\1", p.url), fetch_time=fetched,
             fetch_status=p.status, content_mime_type=p.mime, content_mime_detected=p.mime, content_charset="UTF-8",
             content_languages=p.languages, warc_filename=warc_filename, warc_record_offset=offset,
             warc_record_length=length, warc_segment="1709476180000.0")
        for p, (offset, length) in zip(pages, spans)
    ]


def write_index(root: Path, crawl: str, rows: list[dict], files: int = 2) -> list[Path]:
    """Write ``rows`` as ``files`` Parquet parts under ``root/crawl=<crawl>/subset=warc/``."""
    folder = root / f"crawl={crawl}" / "subset=warc"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(files):
        path = folder / f"part-{i:05d}.c000.gz.parquet"
        pq.write_table(pa.Table.from_pylist(rows[i::files], schema=INDEX_SCHEMA), path)
        paths.append(path)
    return paths


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops connections of concurrent clients (1 s SYN retry)


class RangeServer:
    """Serves the files under ``root`` on 127.0.0.1 with Range support, counting requests and
    bytes sent. Under ``/flaky/`` the first request for each range answers 503. ``latency_s``
    delays every response, as a distant server would."""

    def __init__(self, root: Path, latency_s: float = 0.0):
        self.root = root
        self.latency_s = latency_s
        self.bytes_sent = 0
        self.statuses: Counter = Counter()
        self._seen: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def __enter__(self) -> "RangeServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as data.commoncrawl.org
            disable_nagle_algorithm = True  # headers and body go out in two writes

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                time.sleep(server.latency_s)
                path, range_header = self.path.lstrip("/"), self.headers.get("Range", "")
                if path.startswith("flaky/"):
                    path = path.removeprefix("flaky/")
                    with server._lock:
                        first = (path, range_header) not in server._seen
                        server._seen.add((path, range_header))
                    if first:
                        return self._send(503, b"slow down", {"Retry-After": "0"})
                file = server.root / path
                if not file.is_file():
                    return self._send(404, b"not found")
                match = re.fullmatch(r"bytes=(\d+)-(\d+)", range_header)
                if not match:
                    return self._send(200, file.read_bytes())
                size = file.stat().st_size
                start, end = int(match[1]), min(int(match[2]), size - 1)
                with open(file, "rb") as f:
                    f.seek(start)
                    body = f.read(end + 1 - start)
                self._send(206, body, {"Content-Range": f"bytes {start}-{end}/{size}"})

            def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                with server._lock:
                    server.bytes_sent += len(body)
                    server.statuses[status] += 1

        return Handler
