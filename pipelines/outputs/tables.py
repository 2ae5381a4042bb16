"""Plain-text tables for the terminal: any Arrow table, the target-vs-achieved report, one line per finished stage."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    from pipelines.runtime.runner import StageOutcome

REPORT_COLUMNS = ("row_id", "language", "mix_source", "target_tokens", "achieved_tokens", "deviation", "within_tolerance")


def format_table(table: pa.Table) -> str:
    """Fixed-width rendering of a small table (numbers right-aligned, with thousands separators)."""
    rows = [[_cell(v) for v in row.values()] for row in table.to_pylist()]
    numeric = [pa.types.is_integer(f.type) or pa.types.is_floating(f.type) or pa.types.is_decimal(f.type) for f in table.schema]
    return _fixed_width(table.column_names, rows, numeric)


def format_report(report: pa.Table) -> str:
    """One line per mix cell plus a total line: target, achieved, deviation, within tolerance."""
    rows = report.select(list(REPORT_COLUMNS)).to_pylist()
    lines = [
        [str(r["row_id"]), r["language"], r["mix_source"], f"{r['target_tokens']:,}", f"{r['achieved_tokens']:,}",
         f"{r['deviation']:+.3%}", "yes" if r["within_tolerance"] else "NO"]
        for r in rows
    ]
    target = sum(r["target_tokens"] for r in rows)
    achieved = sum(r["achieved_tokens"] for r in rows)
    total = ["TOTAL", "", "", f"{target:,}", f"{achieved:,}", f"{(achieved - target) / target if target else 0:+.3%}",
             "yes" if all(r["within_tolerance"] for r in rows) else "NO"]
    header = ["row", "language", "source", "target", "achieved", "deviation", "ok"]
    return _fixed_width(header, lines, [False, False, False, True, True, True, False], total)


def _cell(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int) or (isinstance(value, Decimal) and value == value.to_integral_value()):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.4g}"
    return str(value)


def _fixed_width(header: list[str], rows: list[list[str]], right: list[bool], total: list[str] | None = None) -> str:
    every = [header, *rows, *([total] if total else [])]
    widths = [max(len(r[i]) for r in every) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [line(header), rule, *map(line, rows)]
    if total:
        out += [rule, line(total)]
    return "\n".join(out)


def format_outcome(name: str, outcome: "StageOutcome") -> str:
    """One line for a finished stage: documents in and out, drops per reason, input problems."""
    problems = f"  input problems {dict(outcome.errors.counts)}" if outcome.errors.counts else ""
    return f"{name:8s} in {outcome.docs_in:>8,}  out {outcome.docs_out:>8,}  dropped {outcome.dropped}{problems}"
