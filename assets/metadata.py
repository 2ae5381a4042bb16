"""Turn engine results into Dagster metadata (tables render in the UI)."""

import dagster as dg
import pyarrow as pa

from pipelines.runtime.runner import StageOutcome


def table_metadata(table: pa.Table) -> dg.TableMetadataValue:
    """An Arrow table as a Dagster table metadata value."""
    columns = []
    for field in table.schema:
        kind = "int" if pa.types.is_integer(field.type) else "float" if pa.types.is_floating(field.type) else (
            "bool" if pa.types.is_boolean(field.type) else "string"
        )
        columns.append(dg.TableColumn(field.name, kind))
    records = [dg.TableRecord({k: v for k, v in row.items() if v is not None}) for row in table.to_pylist()]
    return dg.MetadataValue.table(records=records, schema=dg.TableSchema(columns=columns))


def stage_metadata(outcome: StageOutcome) -> dict:
    """Documents in/out, drop reasons and input problems of a curation stage."""
    drops = pa.table({"reason": list(outcome.dropped), "docs": list(outcome.dropped.values())})
    meta: dict = {
        "docs_in": outcome.docs_in,
        "docs_out": outcome.docs_out,
        "docs_dropped": outcome.docs_in - outcome.docs_out,
        "drop_reasons": table_metadata(drops),
        "output": dg.MetadataValue.path(outcome.out_dir),
    }
    if outcome.errors.counts:
        meta["input_problems"] = dg.MetadataValue.json(dict(outcome.errors.counts))
        meta["input_problem_samples"] = dg.MetadataValue.md(
            "\n".join(f"- `{p}`" for p in outcome.errors.samples[:20])
        )
    return meta


def composition_chart(report: pa.Table, width: int = 40) -> dg.MarkdownMetadataValue:
    """Mix composition per language as a Markdown bar chart: achieved share, target share."""
    totals: dict[str, list[int]] = {}
    for row in report.to_pylist():
        cell = totals.setdefault(row["language"], [0, 0])
        cell[0] += row["achieved_tokens"]
        cell[1] += row["target_tokens"]
    achieved_all = sum(a for a, _ in totals.values()) or 1
    target_all = sum(t for _, t in totals.values()) or 1
    lines = ["| language | achieved | share | target share |", "|---|---:|---|---:|"]
    for language, (achieved, target) in sorted(totals.items(), key=lambda kv: -kv[1][0]):
        share = achieved / achieved_all
        lines.append(f"| {language} | {achieved:,} | `{'█' * round(share * width):<{width}}` {share:.1%} | {target / target_all:.1%} |")
    return dg.MetadataValue.md("\n".join(lines))
