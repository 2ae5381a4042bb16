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


def percent(part: int | float, whole: int | float) -> float:
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


def composition_png(report: pa.Table) -> bytes:
    """Bar chart of the mix composition per language (achieved vs target share of tokens) as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    totals: dict[str, list[int]] = {}
    for row in report.to_pylist():
        cell = totals.setdefault(row["language"], [0, 0])
        cell[0] += row["achieved_tokens"]
        cell[1] += row["target_tokens"]
    languages = sorted(totals, key=lambda lang: -totals[lang][0])
    achieved_all = sum(a for a, _ in totals.values()) or 1
    target_all = sum(t for _, t in totals.values()) or 1
    achieved = [100 * totals[lang][0] / achieved_all for lang in languages]
    target = [100 * totals[lang][1] / target_all for lang in languages]
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=96)
    x = range(len(languages))
    ax.bar([i - 0.2 for i in x], achieved, width=0.4, label="achieved", color="#4f46e5")
    ax.bar([i + 0.2 for i in x], target, width=0.4, label="target", color="#a5b4fc")
    ax.set_xticks(list(x), languages)
    ax.set_ylabel("share of tokens (%)")
    ax.set_title("Mix composition by language")
    ax.legend(frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def png_markdown(png: bytes, alt: str) -> dg.MarkdownMetadataValue:
    """A PNG embedded in Markdown as a base64 data URI (the UI's Markdown renderer shows it)."""
    return dg.MetadataValue.md(f"![{alt}](data:image/png;base64,{base64.b64encode(png).decode()})")
