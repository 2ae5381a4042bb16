"""Turn engine results into Dagster metadata (tables render in the UI)."""

import dagster as dg
import pyarrow as pa

from pipelines.runner import StageOutcome


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
