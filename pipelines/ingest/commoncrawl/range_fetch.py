"""Fetch byte ranges of remote files: ranged HTTP GETs or fsspec reads, a few at a time, retried.

Common Crawl throttles (HTTP 503 "Slow Down", 429), so a failed attempt is retried with
exponential backoff and jitter, up to ``max_attempts``; a ``Retry-After`` header lengthens the
wait. A range that still fails is handed back as a :class:`FetchError` naming file, offset and
cause, for the caller to log; nothing is raised for one bad range.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import fsspec
import urllib3

#: HTTP statuses worth another attempt (throttling and transient server errors).
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class FetchOptions:
    """Where the files live and how hard to try. ``base_url``: ``https://...`` (ranged GETs) or
    any fsspec URL/folder (``s3://commoncrawl/``, a local folder); file names are joined to it."""

    base_url: str = "https://data.commoncrawl.org/"
    concurrency: int = 8
    max_attempts: int = 6
    timeout_s: float = 60.0
    backoff_s: float = 1.0
    max_backoff_s: float = 60.0

    def __post_init__(self) -> None:
        if not isinstance(self.base_url, str) or not self.base_url:
            raise ValueError(f"base_url must be a non-empty URL or folder, got {self.base_url!r}")
        for name in ("concurrency", "max_attempts"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
        for name in ("timeout_s", "backoff_s", "max_backoff_s"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name} must be a number >= 0, got {value!r}")


@dataclass(frozen=True)
class ByteRange:
    """``length`` bytes of ``path`` (relative to the base URL) starting at ``offset``."""

    path: str
    offset: int
    length: int

    @property
    def header(self) -> str:
        """The HTTP Range header value (inclusive end)."""
        return f"bytes={self.offset}-{self.offset + self.length - 1}"


@dataclass(frozen=True)
class FetchError:
    """A range that could not be fetched after all attempts."""

    range: ByteRange
    attempts: int
    message: str


class _Retryable(Exception):
    """One failed attempt that may succeed later; ``wait_s`` is a server-requested minimum wait."""

    def __init__(self, message: str, wait_s: float = 0.0):
        super().__init__(message)
        self.wait_s = wait_s


class RangeFetcher:
    """Fetches byte ranges under ``options.base_url``; counts bytes, requests and retries."""

    def __init__(self, options: FetchOptions, sleep: Callable[[float], None] = time.sleep, seed: int | None = None):
        self.options = options
        self._sleep = sleep
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.bytes_fetched = 0
        self.requests = 0
        self.retries = 0
        self._http = options.base_url.startswith(("http://", "https://"))
        if self._http:
            self._pool = urllib3.PoolManager(
                maxsize=options.concurrency, retries=False, timeout=urllib3.Timeout(total=options.timeout_s or None)
            )
        else:
            self._fs, self._root = fsspec.core.url_to_fs(options.base_url)

    def close(self) -> None:
        """Close pooled HTTP connections."""
        if self._http:
            self._pool.clear()

    def __enter__(self) -> "RangeFetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, path: str) -> str:
        """Full URL (or fsspec path) of ``path``."""
        base = self.options.base_url if self._http else self._root
        return f"{base.rstrip('/')}/{path.lstrip('/')}"

    def fetch(self, byte_range: ByteRange) -> bytes | FetchError:
        """The bytes of ``byte_range``, or a FetchError after ``max_attempts`` tries (or at once
        for a permanent failure such as 404)."""
        attempt = 0
        while True:
            attempt += 1
            with self._lock:
                self.requests += 1
            try:
                data = self._get(byte_range)
            except _Retryable as exc:
                if attempt >= self.options.max_attempts:
                    return FetchError(byte_range, attempt, f"gave up after {attempt} attempts: {exc}")
                with self._lock:
                    self.retries += 1
                self._sleep(max(self._backoff(attempt), min(exc.wait_s, self.options.max_backoff_s)))
                continue
            except (ValueError, FileNotFoundError, PermissionError) as exc:
                return FetchError(byte_range, attempt, str(exc))
            with self._lock:
                self.bytes_fetched += len(data)
            return data

    def fetch_all(self, ranges: Iterable[ByteRange]) -> Iterator[tuple[ByteRange, bytes | FetchError]]:
        """Fetch ``ranges`` with ``concurrency`` threads, yielding results in input order; at most
        a few ranges per thread are held in memory."""
        window = self.options.concurrency * 4
        pending: deque[tuple[ByteRange, Future]] = deque()
        with ThreadPoolExecutor(max_workers=self.options.concurrency) as pool:
            for byte_range in ranges:
                pending.append((byte_range, pool.submit(self.fetch, byte_range)))
                if len(pending) >= window:
                    done, future = pending.popleft()
                    yield done, future.result()
            while pending:
                done, future = pending.popleft()
                yield done, future.result()

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with +-50% jitter, capped."""
        base = min(self.options.max_backoff_s, self.options.backoff_s * 2 ** (attempt - 1))
        with self._lock:
            return base * self._random.uniform(0.5, 1.5)

    def _get(self, byte_range: ByteRange) -> bytes:
        if byte_range.length < 1 or byte_range.offset < 0:
            raise ValueError(f"invalid range offset={byte_range.offset} length={byte_range.length}")
        data = self._get_http(byte_range) if self._http else self._get_fs(byte_range)
        if len(data) != byte_range.length:
            raise _Retryable(f"short read: got {len(data)} of {byte_range.length} bytes")
        return data

    def _get_http(self, byte_range: ByteRange) -> bytes:
        url = self.url(byte_range.path)
        try:
            response = self._pool.request("GET", url, headers={"Range": byte_range.header})
        except urllib3.exceptions.HTTPError as exc:
            raise _Retryable(f"{type(exc).__name__}: {exc}") from None
        if response.status == 206:
            return response.data
        if response.status in RETRY_STATUSES:
            raise _Retryable(f"HTTP {response.status}", _retry_after(response.headers.get("Retry-After")))
        if response.status == 200:
            raise ValueError(f"{url}: the server ignored the Range header (HTTP 200 instead of 206)")
        raise ValueError(f"{url}: HTTP {response.status}")

    def _get_fs(self, byte_range: ByteRange) -> bytes:
        path = self.url(byte_range.path)
        try:
            return self._fs.cat_file(path, start=byte_range.offset, end=byte_range.offset + byte_range.length)
        except (FileNotFoundError, PermissionError):
            raise
        except OSError as exc:
            raise _Retryable(f"{type(exc).__name__}: {exc}") from None


def _retry_after(value: str | None) -> float:
    """Seconds of a numeric Retry-After header (HTTP dates are ignored)."""
    try:
        return max(float(value), 0.0) if value else 0.0
    except ValueError:
        return 0.0
