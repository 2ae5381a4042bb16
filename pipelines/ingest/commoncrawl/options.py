"""The ``options:`` of a ``cc-index`` source in sources.yaml, validated.

```yaml
- name: cc-sea-2024-10
  kind: cc-index
  paths: data/cc-worklist/cc-sea-2024-10      # work-list chunks written by build_work_list
  crawl: CC-MAIN-2024-10                      # optional: fills ``dump``
  options:
    index: ["s3://commoncrawl/cc-index/table/cc-main/warc/crawl=CC-MAIN-2024-10/subset=warc/*.parquet"]
    selection: {languages: [th, vi, id, ms, tl, ta, my, km, lo], primary_only: true, sample_fraction: 0.05}
    chunk_records: 20000
    base_url: https://data.commoncrawl.org/
    concurrency: 8
    max_attempts: 6
```

``index``, ``selection`` and ``chunk_records`` tell the work-list builder what to select; the
rest tells the reader how to fetch (see :class:`FetchOptions`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from pipelines.ingest.commoncrawl.range_fetch import FetchOptions
from pipelines.ingest.commoncrawl.selection import CcIndexSelection

DEFAULT_CHUNK_RECORDS = 20_000

_FETCH_KEYS = tuple(f.name for f in fields(FetchOptions))
_SELECTION_KEYS = tuple(f.name for f in fields(CcIndexSelection) if f.init)
_BUILD_KEYS = ("index", "selection", "chunk_records")


@dataclass(frozen=True)
class CcIndexOptions:
    """Parsed options: how to fetch, and (optionally) what the work list was built from."""

    fetch: FetchOptions
    index: tuple[str, ...] = ()
    selection: CcIndexSelection | None = None
    chunk_records: int = DEFAULT_CHUNK_RECORDS


def parse_cc_options(options: dict[str, Any]) -> CcIndexOptions:
    """Validate a cc-index source's ``options`` mapping; ValueError names the bad key."""
    unknown = sorted(set(options) - set(_FETCH_KEYS) - set(_BUILD_KEYS))
    if unknown:
        raise ValueError(f"unknown option(s) {', '.join(map(str, unknown))}; known: {', '.join(_FETCH_KEYS + _BUILD_KEYS)}")
    try:
        fetch = FetchOptions(**{k: options[k] for k in _FETCH_KEYS if k in options})
    except (TypeError, ValueError) as exc:
        raise ValueError(f"fetch options: {exc}") from None
    index = options.get("index", ())
    index = (index,) if isinstance(index, str) else index
    if not isinstance(index, (list, tuple)) or not all(isinstance(p, str) and p for p in index):
        raise ValueError(f"'index' must be a path/URL or a list of them, got {index!r}")
    chunk_records = options.get("chunk_records", DEFAULT_CHUNK_RECORDS)
    if not isinstance(chunk_records, int) or isinstance(chunk_records, bool) or chunk_records < 1:
        raise ValueError(f"'chunk_records' must be an integer >= 1, got {chunk_records!r}")
    return CcIndexOptions(fetch, tuple(index), _selection(options.get("selection")), chunk_records)


def _selection(raw: Any) -> CcIndexSelection | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ValueError(f"'selection' must be a mapping, got {raw!r}")
    unknown = sorted(set(raw) - set(_SELECTION_KEYS))
    if unknown:
        raise ValueError(f"selection: unknown key(s) {', '.join(map(str, unknown))}; known: {', '.join(_SELECTION_KEYS)}")
    if "languages" not in raw:
        raise ValueError("selection: missing 'languages'")
    values = dict(raw)
    for key in ("languages", "crawls", "date_range"):
        if isinstance(values.get(key), list):
            values[key] = tuple(values[key])
    try:
        return CcIndexSelection(**values)
    except (TypeError, ValueError) as exc:
        raise ValueError(str(exc) if str(exc).startswith("selection") else f"selection: {exc}") from None
