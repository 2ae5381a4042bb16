"""The training stacks' own readers, for the tests: megatron-core's IndexedDataset and streaming's
StreamingDataset (both need torch; the `test` extra and scripts/demo.sh install them, tests skip
where they are not installed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest


def require_megatron() -> None:
    """Skip the calling test when megatron-core (or torch) is not installed."""
    pytest.importorskip("megatron.core.datasets.indexed_dataset", reason="megatron-core (and torch) not installed")


def require_streaming() -> None:
    """Skip the calling test when mosaicml-streaming (or torch) is not installed."""
    pytest.importorskip("pipelines.export.mds", reason="mosaicml-streaming (and torch) not installed")


def megatron_documents(prefix: Path) -> list[np.ndarray]:
    """Every document of ``prefix``.bin/.idx as megatron-core's IndexedDataset reads it (checks one per entry)."""
    require_megatron()
    from megatron.core.datasets import indexed_dataset as indexed

    dataset = indexed.IndexedDataset(str(prefix))
    assert list(dataset.document_indices) == list(range(len(dataset) + 1))
    return [np.array(dataset[i]) for i in range(len(dataset))]  # copies: the mmap closes with the dataset


def mds_samples(folder: Path) -> list[np.ndarray]:
    """Every sample's ``tokens`` of the MDS export at ``folder``, in order, as StreamingDataset gives them."""
    require_streaming()
    from pipelines.export.mds import streaming

    dataset = streaming.StreamingDataset(local=str(folder), shuffle=False, batch_size=1)
    return [np.array(dataset[i]["tokens"]) for i in range(dataset.num_samples)]
