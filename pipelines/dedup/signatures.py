"""Phase 1 of dedup: per document, an exact hash and a banded MinHash signature.

Streams one input Parquet file in batches and writes a signature file with the columns
of :func:`signature_schema`. MinHash is datasketch's scheme ``affine32`` (``seed`` and
``num_perm`` from the config) over the shingles of :mod:`pipelines.dedup.shingles`, computed
in numpy with the shingle hashes and band hashes of :mod:`pipelines.dedup.minhash`. The full
signature is stored too, for the verification in :mod:`pipelines.dedup.clusters`.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.dedup.config import DedupConfig
from pipelines.dedup.minhash import MinHasher, band_hashes, shingle_hashes
from pipelines.dedup.shingles import exact_hash
from pipelines.langid.languages import is_spaced
from pipelines.storage.parquet_io import parquet_file

INPUT_COLUMNS = ("id", "text", "source", "language", "n_chars")
#: Bump when the signature or band values for the same text and settings change.
SIGNATURE_VERSION = 2


def band_column(band: int) -> str:
    """Name of the signature-file column holding band ``band``."""
    return f"band_{band}"


def signature_schema(config: DedupConfig) -> pa.Schema:
    """Schema of a signature file written with ``config``."""
    return pa.schema(
        [
            ("id", pa.string()),
            ("language", pa.string()),
            ("source", pa.string()),
            ("n_chars", pa.int64()),
            ("exact_hash", pa.uint64()),
            *[(band_column(i), pa.uint64()) for i in range(config.bands)],
            ("signature", pa.list_(pa.uint32(), config.num_perm)),
        ]
    )


def write_signatures(in_path: str, out_path: str, config: DedupConfig) -> int:
    """Write :func:`iter_signatures` of ``in_path`` to ``out_path``; return the number of rows written."""
    rows = 0
    with pq.ParquetWriter(out_path, signature_schema(config)) as writer:
        for table in iter_signatures(in_path, config):
            writer.write_table(table)
            rows += table.num_rows
    return rows


def iter_signatures(in_path: str, config: DedupConfig) -> Iterator[pa.Table]:
    """Stream ``in_path`` (Parquet with id, text, source, language, n_chars) and yield the exact
    hash, LSH bands and MinHash signature of every document, a table per batch (at least one)."""
    source_file = parquet_file(in_path)
    missing = [c for c in INPUT_COLUMNS if c not in source_file.schema_arrow.names]
    if missing:
        raise ValueError(f"{in_path}: dedup needs columns {list(INPUT_COLUMNS)}, missing {missing}")
    schema = signature_schema(config)
    rows = 0
    for batch in source_file.iter_batches(batch_size=config.batch_rows, columns=list(INPUT_COLUMNS)):
        _check_no_nulls(batch, in_path, rows)
        yield _sign_batch(batch, config, schema)
        rows += batch.num_rows
    if rows == 0:
        yield schema.empty_table()


def _check_no_nulls(batch: pa.RecordBatch, in_path: str, first_row: int) -> None:
    """Raise ValueError naming the file, row and column of the first null input value."""
    for name in INPUT_COLUMNS:
        column = batch.column(name)
        if column.null_count:
            row = pc.index(pc.is_null(column), True).as_py()
            raise ValueError(f"{in_path}: row {first_row + row}: column {name!r} is null")


def _sign_batch(batch: pa.RecordBatch, config: DedupConfig, schema: pa.Schema) -> pa.Table:
    """Signature rows for one batch of documents."""
    texts = batch.column("text").to_pylist()
    languages = batch.column("language").to_pylist()
    spaced = {code: is_spaced(code) for code in set(languages)}
    minhasher = _minhasher(config.num_perm, config.seed)
    signatures = np.zeros((len(texts), config.num_perm), dtype=np.uint32)
    has_signature = np.zeros(len(texts), dtype=bool)
    for row, (text, code) in enumerate(zip(texts, languages)):
        n = config.ngram_size if spaced[code] else config.char_ngram_size
        hashes = shingle_hashes(text, n, spaced[code])
        if len(hashes):
            signatures[row] = minhasher.signature(hashes)
            has_signature[row] = True
    bands = band_hashes(signatures, config.bands, config.rows)
    missing = ~has_signature
    signature_column = pa.FixedSizeListArray.from_arrays(pa.array(signatures.ravel(), pa.uint32()), config.num_perm,
                                                          mask=pa.array(missing))
    return pa.Table.from_arrays(
        [
            batch.column("id").cast(pa.string()),
            batch.column("language").cast(pa.string()),
            batch.column("source").cast(pa.string()),
            batch.column("n_chars").cast(pa.int64()),
            pa.array([exact_hash(text) for text in texts], pa.uint64()),
            *[pa.array(bands[:, band], pa.uint64(), mask=missing) for band in range(config.bands)],
            signature_column,
        ],
        schema=schema,
    )


@lru_cache(maxsize=4)
def _minhasher(num_perm: int, seed: int) -> MinHasher:
    return MinHasher(num_perm, seed)
