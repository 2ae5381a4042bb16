"""One asset per curation stage, each grouped under its stage name."""

import dagster as dg

from assets.metadata import stage_metadata, table_metadata
from assets.partitions import selected_sources, source_partitions
from assets.resources import SeamixSettings, writes_data_root
from pipelines.curate.run import run_curate_stage
from pipelines.mix.pool import build_pool
from pipelines.storage.layout import CURATE_STAGES
from pipelines.storage.parquet_io import parquet_parts

ASSET_NAMES = {
    "ingest": "ingested_documents",
    "extract": "extracted_documents",
    "langid": "identified_documents",
    "quality": "filtered_documents",
    "dedup": "deduplicated_documents",
    "tokens": "curated_documents",
}

DESCRIPTIONS = {
    "ingest": "Source files (WARC, FineWeb2, SEA-LION Pile, JSONL/Parquet) read into the canonical schema.",
    "extract": "Main-content text extracted from HTML with resiliparse.",
    "langid": "Text normalised (NFC, zero-width, Zawgyi) and language-identified with fastText.",
    "quality": "Per-language Gopher / FineWeb / C4 heuristics; every drop has a reason.",
    "dedup": "Exact and MinHash near-duplicates removed within each language across all sources.",
    "tokens": "Exact token counts for every configured tokenizer: the curated pool.",
}


#: Stages that run per source (partitioned); dedup needs every source at once, tokens follows it.
PER_SOURCE_STAGES = ("ingest", "extract", "langid", "quality")

#: Transient I/O failures (remote storage, throttling) are retried with backoff.
IO_RETRY = dg.RetryPolicy(max_retries=3, delay=10, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)


def _curate_asset(stage: str) -> dg.AssetsDefinition:
    index = CURATE_STAGES.index(stage)
    deps = [ASSET_NAMES[CURATE_STAGES[index - 1]]] if index else []
    per_source = stage in PER_SOURCE_STAGES

    @dg.asset(
        name=ASSET_NAMES[stage],
        group_name=stage,
        deps=deps,
        description=DESCRIPTIONS[stage],
        partitions_def=source_partitions if per_source else None,
        backfill_policy=dg.BackfillPolicy.single_run() if per_source else None,
        retry_policy=IO_RETRY,
    )
    @writes_data_root
    def _asset(context: dg.AssetExecutionContext, seamix: SeamixSettings) -> dg.MaterializeResult:
        config = seamix.curate_config()
        run = run_curate_stage(
            stage,
            config,
            sources=selected_sources(context) if per_source else None,
            progress=lambda p: context.log.info(p.describe()),
        )
        context.log.info(f"{stage}: {run.outcome.metadata()}")
        metadata = stage_metadata(run.outcome)
        if run.dedup is not None:
            metadata["removed_exact"] = run.dedup.removed_exact
            metadata["removed_near"] = run.dedup.removed_near
            metadata["removed_by_source_pair"] = dg.MetadataValue.json(
                {f"{a} (already in {b})": n for (a, b), n in run.dedup.removed_by_source_pair.items()}
            )
        if stage == "tokens":
            pool = build_pool(parquet_parts(run.outcome.out_dir), {}, list(config.tokenizers))
            metadata["tokens_per_language_source"] = table_metadata(pool)
        return dg.MaterializeResult(metadata=metadata)

    return _asset


curate_assets = [_curate_asset(stage) for stage in CURATE_STAGES]
