"""Collect documents row by row and hand them out as INGEST_SCHEMA record batches."""

from __future__ import annotations

import pyarrow as pa

from pipelines.schema import INGEST_SCHEMA


class BatchBuilder:
    """Accumulates rows (dicts keyed by INGEST_SCHEMA names; missing keys are null)."""

    def __init__(self, batch_size: int):
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.batch_size = batch_size
        self._columns: dict[str, list] = {name: [] for name in INGEST_SCHEMA.names}
        self._rows = 0

    def add(self, **row: object) -> pa.RecordBatch | None:
        """Add one row; return a full batch once ``batch_size`` rows are collected."""
        unknown = set(row) - set(self._columns)
        if unknown:
            raise KeyError(f"not INGEST_SCHEMA columns: {sorted(unknown)}")
        for name, values in self._columns.items():
            values.append(row.get(name))
        self._rows += 1
        return self.flush() if self._rows >= self.batch_size else None

    def flush(self) -> pa.RecordBatch | None:
        """Return the collected rows as a batch (None when empty) and start over."""
        if not self._rows:
            return None
        batch = pa.RecordBatch.from_pydict(self._columns, schema=INGEST_SCHEMA)
        self._columns = {name: [] for name in INGEST_SCHEMA.names}
        self._rows = 0
        return batch
