"""Build the work lists and dry runs of the `cc-index` sources of a source registry."""

from __future__ import annotations

import pyarrow as pa

from pipelines import storage
from pipelines.ingest.commoncrawl.index import WorkList, build_work_list, dry_run
from pipelines.ingest.commoncrawl.options import CcIndexOptions, parse_cc_options
from pipelines.ingest.config import SourceConfig, load_sources
from pipelines.storage.parquet_io import write_table_atomic


def cc_index_sources(sources_file: str) -> list[tuple[SourceConfig, CcIndexOptions]]:
    """The registry's `cc-index` sources with their parsed options; each must name `index` and `selection`."""
    found = []
    for source in load_sources(sources_file):
        if source.kind != "cc-index":
            continue
        options = parse_cc_options(source.options)
        if not options.index or options.selection is None:
            raise ValueError(f"{sources_file}: source {source.name!r}: options need 'index' and 'selection' to build a work list")
        found.append((source, options))
    if not found:
        raise ValueError(f"{sources_file}: no source of kind cc-index")
    return found


def dry_run_sources(sources_file: str, out_root: str) -> pa.Table:
    """Records, bytes and WARC files each cc-index source would fetch, per crawl and language; also
    written to ``out_root/<source>/dry_run.parquet`` (the DuckDB view ``cc_dry_run``)."""
    tables = []
    for source, options in cc_index_sources(sources_file):
        table = dry_run(options.index, options.selection)
        table = table.append_column("source", pa.array([source.name] * table.num_rows, pa.string()))
        write_table_atomic(table, storage.join(out_root, source.name, "dry_run.parquet"))
        tables.append(table)
    return pa.concat_tables(tables)


def build_source_work_lists(sources_file: str) -> list[tuple[str, WorkList]]:
    """Write (or reuse) the work list of every cc-index source into the folder its `paths` names."""
    return [
        (source.name, build_work_list(options.index, options.selection, source.paths[0], options.chunk_records))
        for source, options in cc_index_sources(sources_file)
    ]
