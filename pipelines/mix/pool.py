"""Pool inventory: documents, bytes and tokens per language x source of the curated data."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from pipelines import storage
from pipelines.schema import token_column


def build_pool(curated_parts: list[str], source_to_mix: dict[str, str], tokenizers: list[str]) -> pa.Table:
    """Aggregate the curated parts (the tokens stage's narrow parts) into one row per (language,
    source) with ``mix_source``, ``docs``, ``bytes`` (UTF-8 bytes of text) and ``tokens_<name>`` per
    tokenizer."""
    con = duckdb.connect()
    storage.register_duckdb(con, *curated_parts)
    mapping = pa.table({"source": list(source_to_mix), "mix_source": list(source_to_mix.values())})
    con.register("mapping", mapping)
    sums = ", ".join(f"sum({token_column(t)})::BIGINT AS {token_column(t)}" for t in tokenizers)
    sql = f"""
        SELECT d.language, d.source, coalesce(m.mix_source, d.source) AS mix_source,
               count(*)::BIGINT AS docs, sum(d.text_bytes)::BIGINT AS bytes, {sums}
        FROM read_parquet($parts, union_by_name = true) AS d
        LEFT JOIN mapping AS m USING (source)
        GROUP BY ALL
        ORDER BY d.language, d.source
    """
    return con.sql(sql, params={"parts": curated_parts}).to_arrow_table()
