"""Disjoint sets over dense integer document indices (the only dedup state held in memory)."""

from __future__ import annotations

from array import array

import numpy as np


class UnionFind:
    """Union-find with path compression; the smaller index becomes the root, so the
    result does not depend on the order of the unions."""

    def __init__(self, size: int) -> None:
        self.parent = array("q", range(size))

    def find(self, x: int) -> int:
        """Root of ``x``'s set."""
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        """Merge the sets of ``a`` and ``b``."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)

    def union_pairs(self, left: np.ndarray, right: np.ndarray) -> None:
        """Merge the sets of ``left[i]`` and ``right[i]`` for every ``i``."""
        for a, b in zip(left.tolist(), right.tolist()):
            self.union(a, b)

    def members(self) -> tuple[np.ndarray, np.ndarray]:
        """``(index, root)`` of every element whose set has more than one element."""
        roots = np.frombuffer(self.parent, dtype=np.int64).copy()
        while True:  # pointer jumping until every element points at its root
            jumped = roots[roots]
            if np.array_equal(jumped, roots):
                break
            roots = jumped
        sizes = np.bincount(roots, minlength=len(roots))
        index = np.flatnonzero(sizes[roots] > 1)
        return index, roots[index]
