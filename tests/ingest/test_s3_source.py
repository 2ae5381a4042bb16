"""s3:// inputs through s3fs against moto's S3 server on loopback: a WARC and a JSON-lines file are
listed (glob) and streamed by the source readers, and reads survive 503 SlowDown throttling
through the client's retries. Credentials, endpoint and retry settings come from the standard
AWS environment variables, as in production."""

from __future__ import annotations

import gzip
import http.client
import http.server
import json
import threading
from collections.abc import Iterator

import pytest
from moto_s3 import aws_env, moto_s3_server
from test_sources import read_all, warc_record, write_warc_gz

from pipelines.ingest.config import SourceConfig
from pipelines.ingest.files import list_input_files

s3fs = pytest.importorskip("s3fs", reason="s3:// inputs need s3fs (pip install s3fs)")
boto3 = pytest.importorskip("boto3", reason="the S3 test needs boto3")
pytest.importorskip("moto.server", reason="the S3 test needs moto's server mode (pip install 'moto[server]')")

BUCKET = "seamix-test"
SLOW_DOWN = b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"


class ThrottlingProxy:
    """Loopback proxy in front of ``upstream`` that answers 503 SlowDown to the first ``throttle``
    requests, then forwards requests unchanged. Counts what it did."""

    def __init__(self, upstream: tuple[str, int], throttle: int):
        self.throttled = self.forwarded = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._handle()

            def do_HEAD(self) -> None:
                self._handle()

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if proxy.throttled < throttle:
                    proxy.throttled += 1
                    self.send_response(503)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(SLOW_DOWN)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(SLOW_DOWN)
                    return
                proxy.forwarded += 1
                connection = http.client.HTTPConnection(*upstream, timeout=10)
                try:
                    connection.request(self.command, self.path, body=body or None, headers=dict(self.headers))
                    reply = connection.getresponse()
                    payload = reply.read()
                finally:
                    connection.close()
                self.send_response(reply.status)
                for name, value in reply.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                        self.send_header(name, value)
                # a HEAD reply has no body but announces the object's length
                self.send_header("Content-Length", reply.getheader("Content-Length", "0") if self.command == "HEAD" else str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> "ThrottlingProxy":
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[tuple[str, int]]:
    """moto's S3 server on 127.0.0.1 (a free port), with one bucket holding a WARC and a JSONL file."""
    with moto_s3_server() as (host, port):
        with pytest.MonkeyPatch.context() as env:
            aws_env(env, f"http://{host}:{port}")
            client = boto3.client("s3")
            client.create_bucket(Bucket=BUCKET)
            client.put_object(Bucket=BUCKET, Key="crawl/a.warc.gz", Body=warc_bytes())
            client.put_object(Bucket=BUCKET, Key="pile/th/part-0.jsonl.gz", Body=jsonl_bytes())
        yield host, port


def warc_bytes() -> bytes:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.warc.gz"
        write_warc_gz(path, [warc_record(n) for n in range(5)])
        return path.read_bytes()


JSONL_DOCS = [{"text": f"ข้อความที่ {i}", "url": f"https://example.th/{i}", "timestamp": "2024-01-01"} for i in range(7)]


def jsonl_bytes() -> bytes:
    return gzip.compress("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in JSONL_DOCS).encode())


def test_s3_warc_and_jsonl_are_listed_and_read(s3_endpoint: tuple[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    aws_env(monkeypatch, "http://{}:{}".format(*s3_endpoint))
    warc_source = SourceConfig(name="cc", kind="warc", paths=(f"s3://{BUCKET}/crawl/*.warc.gz",), crawl="CC-MAIN-2024-22")
    (warc,) = list_input_files(warc_source)
    assert warc == f"s3://{BUCKET}/crawl/a.warc.gz"
    table, errors = read_all(warc_source, warc, batch_size=2)
    assert errors.errors == 0
    assert table.num_rows == 5
    assert table.column("url").to_pylist() == [f"http://example.com/{n}" for n in range(5)]
    assert set(table.column("dump").to_pylist()) == {"CC-MAIN-2024-22"}

    pile = SourceConfig(name="pile", kind="sea-lion-pile", paths=(f"s3://{BUCKET}/pile",))
    (jsonl,) = list_input_files(pile)
    table, errors = read_all(pile, jsonl)
    assert errors.errors == 0
    assert table.column("text").to_pylist() == [d["text"] for d in JSONL_DOCS]
    assert set(table.column("declared_language").to_pylist()) == {"tha_Thai"}  # from the th/ folder


def test_s3_reads_succeed_through_slowdown_retries(s3_endpoint: tuple[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    with ThrottlingProxy(s3_endpoint, throttle=2) as proxy:
        aws_env(monkeypatch, proxy.endpoint, max_attempts=5)
        source = SourceConfig(name="cc", kind="warc", paths=(f"s3://{BUCKET}/crawl/a.warc.gz",))
        (path,) = list_input_files(source)
        table, errors = read_all(source, path)
    assert proxy.throttled == 2 and proxy.forwarded > 0
    assert errors.errors == 0 and table.num_rows == 5
