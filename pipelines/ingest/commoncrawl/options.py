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

from dataclasses import fields
from typing import Any

from pydantic import PositiveInt, ValidationError, field_validator, model_validator

from pipelines.config_file import StrictModel, describe_errors
from pipelines.ingest.commoncrawl.range_fetch import FetchOptions
from pipelines.ingest.commoncrawl.selection import CcIndexSelection

DEFAULT_CHUNK_RECORDS = 20_000

_FETCH_KEYS = tuple(f.name for f in fields(FetchOptions))


class CcIndexOptions(StrictModel):
    """Parsed options: how to fetch, and (optionally) what the work list was built from. In the YAML
    the fetch settings sit beside ``index``/``selection``; the model groups them under ``fetch``."""

    fetch: FetchOptions = FetchOptions()
    index: tuple[str, ...] = ()
    selection: CcIndexSelection | None = None
    chunk_records: PositiveInt = DEFAULT_CHUNK_RECORDS

    @model_validator(mode="before")
    @classmethod
    def _group_fetch_settings(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        grouped = {key: value for key, value in data.items() if key not in _FETCH_KEYS}
        grouped["fetch"] = {key: data[key] for key in _FETCH_KEYS if key in data}
        return grouped

    @field_validator("index", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @field_validator("index")
    @classmethod
    def _non_empty_paths(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not all(value):
            raise ValueError("must be a path/URL or a list of them, none empty")
        return value


def parse_cc_options(options: dict[str, Any]) -> CcIndexOptions:
    """Validate a cc-index source's ``options`` mapping; ValueError names the bad key."""
    try:
        return CcIndexOptions.model_validate(options)
    except ValidationError as exc:
        raise ValueError(describe_errors(exc, options)) from None
