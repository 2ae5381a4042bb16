"""Which layout a file is in: detected from its first record's keys (or Parquet columns), or set by ``format:``."""

from __future__ import annotations

from collections.abc import Iterable

from pipelines.posttrain.layouts import ALIASES, BY_NAME, LAYOUTS, Layout


def layout_named(name: str) -> Layout:
    """The layout called ``name`` (or one of its ALIASES); ValueError listing the known names."""
    key = ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in BY_NAME:
        raise ValueError(f"unknown format {name!r}; known: {', '.join(BY_NAME)} (aliases: {', '.join(ALIASES)})")
    return BY_NAME[key]


def detect_layout(keys: Iterable[str]) -> Layout | None:
    """The first layout of LAYOUTS whose identifying keys are all among ``keys``, else None."""
    present = set(keys)
    return next((layout for layout in LAYOUTS if set(layout.keys) <= present), None)


def file_layout(keys: Iterable[str], override: str | None) -> Layout:
    """The layout of a file whose first record (or schema) has ``keys``: ``override`` when given,
    else detected; ValueError naming the keys and the known layouts when none fits."""
    if override:
        return layout_named(override)
    keys = list(keys)
    layout = detect_layout(keys)
    if layout is None:
        known = "; ".join(f"{lay.name}: {', '.join(lay.keys)}" for lay in LAYOUTS)
        raise ValueError(f"cannot detect the layout from keys {sorted(keys)} (layouts and their keys: {known}); set format: on the source")
    return layout
