"""Turn engine results into Dagster metadata: typed tables, column schemas, row counts, a PNG chart."""

from __future__ import annotations

import base64
import io

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines import storage
from pipelines.runtime.runner import StageOutcome

#: Arrow types → Dagster table column types (anything else is a string).
_KINDS = ((pa.types.is_integer, "int"), (pa.types.is_floating, "float"), (pa.types.is_boolean, "bool"))


def _kind(arrow_type: pa.DataType) -> str:
    return next((kind for test, kind in _KINDS if test(arrow_type)), "string")


def table_metadata(table: pa.Table) -> dg.TableMetadataValue:
    """An Arrow table as a typed Dagster table (floats rounded to two decimals)."""
    columns = [dg.TableColumn(f.name, _kind(f.type)) for f in table.schema]
    records = [
        dg.TableRecord({k: round(v, 2) if isinstance(v, float) else v for k, v in row.items() if v is not None})
        for row in table.to_pylist()
    ]
    return dg.MetadataValue.table(records=records, schema=dg.TableSchema(columns=columns))


def percent(part: float, whole: float) -> float:
    """``part / whole`` in percent with two decimals (0.0 for an empty whole)."""
    return round(100 * part / whole, 2) if whole else 0.0


def column_schema(parts: list[str]) -> dg.TableSchema | None:
    """Dagster column schema of a stage's Parquet output (the canonical schema plus the columns
    the stages add, pipelines/schema.py), read from its first part; None when there is none."""
    if not parts:
        return None
    with storage.open_input(parts[0]) as f:
        schema = pq.read_schema(f)
    return dg.TableSchema(columns=[dg.TableColumn(f.name, str(f.type)) for f in schema])


def stage_metadata(outcome: StageOutcome) -> dict:
    """One source's (or one stage's) documents in/out, drop reasons, input problems, schema and row count."""
    drops = sorted(outcome.dropped.items(), key=lambda kv: -kv[1])
    meta: dict = {
        "docs_in": outcome.docs_in,
        "docs_out": outcome.docs_out,
        "docs_dropped": outcome.docs_in - outcome.docs_out,
        "drop_rate_pct": percent(outcome.docs_in - outcome.docs_out, outcome.docs_in),
        "drop_reasons": table_metadata(pa.table(
            {"reason": [r for r, _ in drops], "docs": pa.array([n for _, n in drops], pa.int64()),
             "share_pct": pa.array([percent(n, outcome.docs_in) for _, n in drops], pa.float64())}
        )),
        "dagster/row_count": outcome.docs_out,
        "output": dg.MetadataValue.path(outcome.out_dir),
    }
    if (schema := column_schema(outcome.parts)) is not None:
        meta["dagster/column_schema"] = schema
    if outcome.errors.counts:
        kinds = sorted(outcome.errors.counts.items())
        meta["input_problems"] = table_metadata(pa.table(
            {"kind": [k for k, _ in kinds], "count": pa.array([n for _, n in kinds], pa.int64())}
        ))
        meta["input_problem_samples"] = dg.MetadataValue.md(
            "\n".join(f"- `{p.file}` {p.where}: {p.message}" for p in outcome.errors.samples[:20])
        )
    return meta


def language_shares(report: pa.Table) -> list[tuple[str, int, float, float]]:
    """Per language of a mix report: achieved tokens, achieved share and target share (percent),
    largest first."""
    totals: dict[str, list[int]] = {}
    for row in report.to_pylist():
        cell = totals.setdefault(row["language"], [0, 0])
        cell[0] += row["achieved_tokens"]
        cell[1] += row["target_tokens"]
    achieved_all = sum(a for a, _ in totals.values())
    target_all = sum(t for _, t in totals.values())
    rows = [(lang, a, percent(a, achieved_all), percent(t, target_all)) for lang, (a, t) in totals.items()]
    return sorted(rows, key=lambda r: -r[1])


def composition_png(report: pa.Table) -> bytes:
    """Horizontal bar chart of the mix composition per language (achieved vs target share) as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shares = language_shares(report)[::-1]  # largest on top
    y = range(len(shares))
    fig, ax = plt.subplots(figsize=(7, 0.32 * len(shares) + 1.2), dpi=96)
    ax.barh([i + 0.2 for i in y], [s[2] for s in shares], height=0.4, label="achieved", color="#4f46e5")
    ax.barh([i - 0.2 for i in y], [s[3] for s in shares], height=0.4, label="target", color="#a5b4fc")
    for i, share in zip(y, shares):
        ax.text(share[2] + 0.2, i + 0.2, f"{share[2]:.2f} %", va="center", fontsize=8)
    ax.set_yticks(list(y), [s[0] for s in shares])
    ax.set_xlabel("share of the mix's tokens (%)")
    ax.legend(frameon=False, loc="lower right")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def composition_markdown(report: pa.Table, title: str) -> dg.MarkdownMetadataValue:
    """The composition chart (a PNG as a base64 data URI, which the UI's Markdown renders) above a
    table of the same numbers for people: tokens with thousands separators, shares with two decimals."""
    png = base64.b64encode(composition_png(report)).decode()
    lines = [f"![{title}](data:image/png;base64,{png})", "", "| language | achieved tokens | share | target share |",
             "|---|---:|---:|---:|"]
    lines += [f"| {lang} | {tokens:,} | {share:.2f} % | {target:.2f} % |" for lang, tokens, share, target in language_shares(report)]
    return dg.MetadataValue.md("\n".join(lines))
