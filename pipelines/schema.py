"""Canonical document schema shared by every stage (FineWeb2-compatible names).

Columns accumulate along the stages:

==================  =======================  =========================================
stage               adds                     meaning
==================  =======================  =========================================
ingest              id, source, url, date,   ``id`` is stable: ``<source>/<record id>``
                    dump, source_file,       ``declared_language``: what the source says
                    declared_language,       (FineWeb2 folder, Pile file), may be null
                    html, text               ``html`` is set for WARC responses only
extract             text (from html)         ``html`` is dropped afterwards
langid              language, language_score canonical code or ``other``
                    script,                  ``script``: dominant script (ISO 15924, ``Latn``)
                    zawgyi_converted
quality             n_chars, n_words,        ``<family>_<signal>``: every quality rule's
                    <family>_<signal>        measured value (float64), see quality/filter.py
dedup               minhash_cluster_size     size of the near-dup cluster it survived
tokens              tokens_<tokenizer>       exact count, no special tokens
==================  =======================  =========================================

The text and signals are written once, by quality (or by the pass, which runs ingest … quality in
memory); dedup writes only the ids it keeps with ``minhash_cluster_size``, and tokens a narrow row
per kept document (pipelines/tokens/task.py: ``NARROW_COLUMNS`` and ``tokens_<tokenizer>``) naming
the part that holds its text. The catalog's ``documents`` view joins them into the rows above.

Every stage also writes dropped documents to a parallel table with the columns of
DROP_SCHEMA, so that every drop has a reason queryable in DuckDB.
"""

from __future__ import annotations

import pyarrow as pa

INGEST_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("date", pa.string()),
        ("dump", pa.string()),
        ("source_file", pa.string()),
        ("declared_language", pa.string()),
        ("html", pa.large_binary()),
        ("content_charset", pa.string()),
        ("text", pa.large_string()),
    ]
)

DROP_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("source", pa.string()),
        ("language", pa.string()),
        ("stage", pa.string()),
        ("reason", pa.string()),
        ("n_chars", pa.int64()),
        ("url", pa.string()),
    ]
)


def token_column(tokenizer: str) -> str:
    """Name of the column holding exact token counts for ``tokenizer``."""
    return f"tokens_{tokenizer}"
