"""Post-training pool: conversations and template tokens per language x category x source, for one mix."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from pipelines import storage
from pipelines.langid.languages import OTHER
from pipelines.posttrain.spec import PosttrainSpec
from pipelines.posttrain.tokens_task import total_column, trainable_column

#: Category of conversations that name none.
DEFAULT_CATEGORY = "general"


def usable_sql(spec: PosttrainSpec) -> str:
    """SQL condition for a conversation the mix may draw: its template rendered, within max_length."""
    total = total_column(spec.tokenizer)
    limit = f" AND {total} <= {int(spec.max_length)}" if spec.max_length is not None else ""
    return f"({total} IS NOT NULL{limit})"


def conversations_sql(spec: PosttrainSpec, parts_param: str = "$parts") -> str:
    """The conversations of the token parts with the cell labels the planner uses (language, category, mix_source)."""
    return f"""
        SELECT d.*, coalesce(d.language, '{OTHER}') AS cell_language,
               coalesce(d.category, '{DEFAULT_CATEGORY}') AS cell_category,
               coalesce(m.mix_source, d.source) AS mix_source, {usable_sql(spec)} AS usable
        FROM read_parquet({parts_param}, union_by_name = true) AS d
        LEFT JOIN mapping AS m USING (source)
    """


def connect(parts: list[str], source_to_mix: dict[str, str]) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that can read ``parts`` and knows the source → mix_source labels as ``mapping``."""
    con = duckdb.connect()
    storage.register_duckdb(con, *parts)
    con.register("mapping", pa.table({"source": pa.array(list(source_to_mix), pa.string()),
                                      "mix_source": pa.array(list(source_to_mix.values()), pa.string())}))
    return con


def build_posttrain_pool(parts: list[str], source_to_mix: dict[str, str], spec: PosttrainSpec) -> pa.Table:
    """One row per (language, category, source): usable conversations (``docs``), their total and
    trainable template tokens, and how many were left out as unrenderable or longer than max_length."""
    total, trainable = total_column(spec.tokenizer), trainable_column(spec.tokenizer)
    con = connect(parts, source_to_mix)
    try:
        names = con.sql("SELECT * FROM read_parquet($parts, union_by_name = true) LIMIT 0",
                        params={"parts": parts}).columns
        if total not in names:
            raise ValueError(f"the token parts have no {total!r} column; count tokens with tokenizer "
                             f"{spec.tokenizer!r} (seamix posttrain curate --tokenizers {spec.tokenizer})")
        limit = spec.max_length if spec.max_length is not None else "NULL"
        sql = f"""
            SELECT cell_language AS language, cell_category AS category, source, mix_source,
                   count(*) FILTER (WHERE usable)::BIGINT AS docs,
                   coalesce(sum({total}) FILTER (WHERE usable), 0)::BIGINT AS {total},
                   coalesce(sum({trainable}) FILTER (WHERE usable), 0)::BIGINT AS {trainable},
                   count(*) FILTER (WHERE {total} IS NULL)::BIGINT AS unrenderable,
                   count(*) FILTER (WHERE {total} > {limit})::BIGINT AS over_max_length
            FROM ({conversations_sql(spec)})
            GROUP BY ALL
            ORDER BY language, category, source
        """
        return con.sql(sql, params={"parts": parts}).to_arrow_table()
    finally:
        con.close()
