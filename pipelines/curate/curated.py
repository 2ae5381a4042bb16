"""The curated pool on disk: the tokens stage's narrow parts and the parts their text lies in."""

from __future__ import annotations

import duckdb

from pipelines import storage
from pipelines.storage.layout import DataLayout, StageOrderError
from pipelines.storage.parquet_io import parquet_parts


def curated_parts(layout: DataLayout) -> list[str]:
    """The tokens stage's parts (one narrow row per curated document); StageOrderError when there are none."""
    parts = parquet_parts(layout.curated_dir)
    if not parts:
        raise StageOrderError(f"no curated documents under {layout.curated_dir}; run curation first")
    return parts


def text_parts(layout: DataLayout, parts: list[str]) -> list[str]:
    """The parts holding the text of the documents of ``parts`` (their ``text_part`` column), in order."""
    with duckdb.connect() as con:
        storage.register_duckdb(con, *parts)
        rows = con.execute("SELECT DISTINCT text_part FROM read_parquet($parts) ORDER BY 1", {"parts": parts}).fetchall()
    return [layout.path(*text_part.split("/")) for (text_part,) in rows]
