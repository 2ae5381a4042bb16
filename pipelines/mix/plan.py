"""Planner: turn a mix spec and pool statistics into integer token quotas per cell.

A cell is one (language, mix_source) pair of the pool (or, with other ``dimensions``, one
language x category x mix_source of the post-training pool; the quotas then count the spec's unit,
e.g. conversations, named in the plan's ``unit`` column). A row spanning several cells
(e.g. ALL_LANG over six languages) is split by largest remainder, either in proportion
to the pool (``split: by_pool``) or by explicit per-language weights. Each cell gets
``target_tokens``, how many full passes over its documents that means (``full_epochs``)
and the ``remainder_tokens`` still to draw from a seeded subset.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from math import floor

import pyarrow as pa

from pipelines.mix.quotas import largest_remainder
from pipelines.mix.spec import (
    ANY_SOURCE,
    SPLIT_WEIGHTS,
    MixRow,
    MixSpec,
    MixSpecError,
    validate_against_pool,
)

#: The text mix's cell columns after ``language``, each with the row field that selects its values.
TEXT_DIMENSIONS = (("mix_source", "sources"),)


def plan_schema(dimensions: Sequence[tuple[str, str]] = TEXT_DIMENSIONS) -> pa.Schema:
    """Columns of a plan whose cells are keyed by language and ``dimensions``."""
    return pa.schema(
        [("row_id", pa.string()), ("group", pa.string()), ("language", pa.string())]
        + [(column, pa.string()) for column, _ in dimensions]
        + list(_PLAN_VALUES)
    )


_PLAN_VALUES = pa.schema(
    [
        ("unit", pa.string()),  # the pool column the targets count (tokens_<tokenizer>, docs, ...)
        ("target_tokens", pa.int64()),
        ("available_tokens", pa.int64()),
        ("docs_available", pa.int64()),
        ("epochs", pa.float64()),  # target / available; null when nothing is available
        ("full_epochs", pa.int64()),
        ("remainder_tokens", pa.int64()),
        ("fraction", pa.float64()),  # target / sum of all targets
        ("max_epochs", pa.float64()),
        ("feasible", pa.bool_()),
        ("missing_tokens", pa.int64()),  # tokens short of a feasible plan under max_epochs
    ]
)
PLAN_SCHEMA = plan_schema()

Cell = tuple[str, ...]  # (language, mix_source) or (language, *dimensions)


class InfeasiblePlanError(RuntimeError):
    """Some cells need more epochs than allowed or have no data; ``plan`` holds the full table."""

    def __init__(self, message: str, plan: pa.Table) -> None:
        super().__init__(message)
        self.plan = plan


def plan_mix(spec: MixSpec, pool: pa.Table, *, allow_infeasible: bool = False,
             dimensions: Sequence[tuple[str, str]] = TEXT_DIMENSIONS) -> pa.Table:
    """Plan ``spec`` against ``pool`` (one row per language x source with docs and token
    counts); return PLAN_SCHEMA rows, one per cell, whose targets sum exactly to the rows'.
    Raise InfeasiblePlanError listing every infeasible cell unless ``allow_infeasible``.
    ``dimensions`` (pool column, row field) key the cells after language; ``*`` in a row field
    means every value the pool has."""
    validate_against_pool(spec, pool)
    keys = [column for column, _ in dimensions]
    stats = _cell_stats(pool, spec.token_column, keys)
    grand_total = spec.row_tokens
    claimed: dict[Cell, str] = {}
    records: list[dict] = []
    for index, row in enumerate(spec.rows):
        cells = _row_cells(row, stats, [field for _, field in dimensions])
        for cell in cells:
            if cell in claimed:
                raise MixSpecError(f"{spec.path or spec.name}: rows[{index}] (id {row.id!r}): cell {cell} is also "
                                   f"drawn by row {claimed[cell]!r}; each language x source may feed one row only")
            claimed[cell] = row.id
        targets = _split_row(row, cells, stats)
        max_epochs = row.max_epochs if row.max_epochs is not None else spec.max_epochs
        for cell, target in zip(cells, targets):
            available, docs = stats.get(cell, (0, 0))
            record = _cell_record(row, cell, target, available, docs, max_epochs, grand_total)
            records.append({**record, **dict(zip(keys, cell[1:])), "unit": spec.token_column})
    plan = pa.Table.from_pylist(records, schema=plan_schema(dimensions))
    infeasible = [r for r in records if not r["feasible"]]
    if infeasible and not allow_infeasible:
        unit = getattr(spec, "unit", "tokens")  # a post-training spec counts conversations or trainable tokens
        lines = [f"  {r['row_id']} [{' / '.join(r[k] for k in ('language', *keys))}]: target {r['target_tokens']:,}, "
                 f"available {r['available_tokens']:,}, {_epochs_text(r['epochs'])} > max_epochs {r['max_epochs']:g}; "
                 f"missing {r['missing_tokens']:,} {unit}" for r in infeasible]
        raise InfeasiblePlanError(f"mix {spec.name!r}: {len(infeasible)} infeasible cell(s):\n" + "\n".join(lines), plan)
    return plan


def _epochs_text(epochs: float | None) -> str:
    return "no data" if epochs is None else f"{epochs:.3f} epochs"


def _cell_stats(pool: pa.Table, token_col: str, keys: Sequence[str]) -> dict[Cell, tuple[int, int]]:
    """(available tokens, docs) per (language, *keys), summing pool rows that share a label."""
    columns = ["language", *keys]
    grouped = pool.group_by(columns).aggregate([(c, "sum") for c in dict.fromkeys((token_col, "docs"))])
    labels = zip(*(grouped.column(c).to_pylist() for c in columns))
    return {
        tuple(cell): (int(tokens or 0), int(docs or 0))
        for cell, tokens, docs in zip(
            labels, grouped.column(f"{token_col}_sum").to_pylist(), grouped.column("docs_sum").to_pylist())
    }


def _row_cells(row: MixRow, stats: dict[Cell, tuple[int, int]], fields: Sequence[str]) -> list[Cell]:
    """The row's cells in a fixed order: row languages in order, then each dimension's values in
    the row's order (sorted pool values for ``*``)."""
    cells: list[Cell] = [(lang,) for lang in row.languages]
    for depth, field in enumerate(fields, start=1):
        chosen = getattr(row, field)
        expanded: list[Cell] = []
        for cell in cells:
            if ANY_SOURCE in chosen:
                found = sorted({key[depth] for key in stats if key[:depth] == cell})
                expanded.extend((*cell, value) for value in found or [ANY_SOURCE])
            else:
                expanded.extend((*cell, value) for value in chosen)
        cells = expanded
    return cells


def _split_row(row: MixRow, cells: list[Cell], stats: dict[Cell, tuple[int, int]]) -> list[int]:
    """Integer targets per cell adding up to row.tokens (weights per language, then by pool)."""
    available = [stats.get(cell, (0, 0))[0] for cell in cells]
    if row.split != SPLIT_WEIGHTS:
        return largest_remainder(row.tokens, available)
    per_language = largest_remainder(row.tokens, [Fraction(row.weights[lang]) for lang in row.languages])
    targets: list[int] = []
    for lang, lang_tokens in zip(row.languages, per_language):
        idx = [i for i, cell in enumerate(cells) if cell[0] == lang]
        targets.extend(largest_remainder(lang_tokens, [available[i] for i in idx]))
    return targets


def _cell_record(row: MixRow, cell: Cell, target: int, available: int, docs: int,
                 max_epochs: float, grand_total: int) -> dict:
    if available > 0:
        full_epochs, remainder = divmod(target, available)
        epochs: float | None = target / available
        feasible = Fraction(target, available) <= Fraction(max_epochs)
        missing = 0 if feasible else target - floor(Fraction(max_epochs) * available)
    else:
        full_epochs, remainder = 0, 0
        epochs = 0.0 if target == 0 else None
        feasible, missing = target == 0, target
    return {
        "row_id": row.id, "group": row.group, "language": cell[0],
        "target_tokens": target, "available_tokens": available, "docs_available": docs,
        "epochs": epochs, "full_epochs": full_epochs, "remainder_tokens": remainder,
        "fraction": target / grand_total if grand_total else 0.0, "max_epochs": float(max_epochs),
        "feasible": feasible, "missing_tokens": missing,
    }
