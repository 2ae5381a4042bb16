"""Packing: fixed-length sequences over document boundaries, nothing dropped; unpacked chunks."""

import numpy as np

from pipelines.export.pack import SequencePacker, document_chunks


def test_packer_cuts_the_stream_and_keeps_the_rest():
    packer = SequencePacker(4)
    docs = [np.arange(3), np.arange(10, 16), np.arange(20, 21)]
    out = [list(s) for d in docs for s in packer.add(d)] + [list(s) for s in packer.flush()]
    assert out == [[0, 1, 2, 10], [11, 12, 13, 14], [15, 20]]
    assert list(packer.flush()) == []


def test_document_chunks_split_long_documents_only():
    assert [list(c) for c in document_chunks(np.arange(5), 2)] == [[0, 1], [2, 3], [4]]
    assert [c.dtype for c in document_chunks(np.arange(3), 8)] == [np.int32]
