"""Token streams to training samples: packed fixed-length sequences, or one document per sample."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


class SequencePacker:
    """Concatenate documents and cut the stream into ``seq_len``-token sequences (no token dropped:
    :meth:`flush` returns the shorter rest)."""

    def __init__(self, seq_len: int, dtype: type[np.integer] = np.int32) -> None:
        self.seq_len = seq_len
        self._buffer = np.empty(seq_len, dtype=dtype)
        self._fill = 0

    def add(self, tokens: np.ndarray) -> Iterator[np.ndarray]:
        """Append one document; yield every sequence it completes."""
        start = 0
        while start < len(tokens):
            take = min(self.seq_len - self._fill, len(tokens) - start)
            self._buffer[self._fill:self._fill + take] = tokens[start:start + take]
            self._fill += take
            start += take
            if self._fill == self.seq_len:
                yield self._buffer.copy()
                self._fill = 0

    def flush(self) -> Iterator[np.ndarray]:
        """Yield the incomplete last sequence, if any."""
        if self._fill:
            yield self._buffer[:self._fill].copy()
            self._fill = 0


def document_chunks(tokens: np.ndarray, seq_len: int, dtype: type[np.integer] = np.int32) -> Iterator[np.ndarray]:
    """One document as samples of at most ``seq_len`` tokens (unpacked export)."""
    for start in range(0, len(tokens), seq_len):
        yield tokens[start:start + seq_len].astype(dtype)
