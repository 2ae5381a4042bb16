"""``seamix`` command line: the same engine as the Dagster assets, without Dagster."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

import duckdb

from pipelines.config_check import check_run_configs, validate_file
from pipelines.config_file import ConfigError
from pipelines.curate.config import DEFAULT_TOKENIZERS, CurateConfig
from pipelines.curate.one_pass import PASS_STAGES
from pipelines.curate.run import (
    DECONTAM_STAGE,
    AllFilesFailed,
    PASS_STAGE,
    curate_stages,
    run_curate_stage,
)
from pipelines.decontaminate.config import ACTIONS, DecontamConfig
from pipelines.export.config import FORMATS
from pipelines.export.tokenize import ExportError
from pipelines.extract.html import EXTRACTORS
from pipelines.ingest.commoncrawl.worklists import (
    build_source_work_lists,
    dry_run_sources,
)
from pipelines.langid.backends import BACKENDS
from pipelines.mix.plan import InfeasiblePlanError
from pipelines.mix.sample import SampleInputError
from pipelines.mix.spec import MixSpec, load_mix_spec
from pipelines.mix.stages import (
    build_pool_stage,
    mix_stage,
    plan_stage,
    report_stage,
    shard_dir,
)
from pipelines.outputs.catalog import query, refresh_catalog
from pipelines.outputs.health import stage_summary
from pipelines.outputs.tables import format_outcome, format_report, format_table
from pipelines.posttrain.cli import add_posttrain_parser
from pipelines.runtime.executors import EXECUTOR_KINDS
from pipelines.runtime.progress import ProgressBars
from pipelines.storage import OutsideFolderError
from pipelines.storage.layout import CURATE_STAGES, DataLayout, StageOrderError
from pipelines.storage.lock import DataRootLocked, data_root_lock
from pipelines.storage.parquet_io import CorruptPartError
from pipelines.tokens.registry import TokenizerNotFoundError

#: Errors of the user's making or of the data (a bad config, a missing input or tokenizer, a step run
#: too early, a plan the pool cannot satisfy, an export of shards that do not fit, a damaged part):
#: one message and exit status 2, the traceback only with --debug.
USER_ERRORS = (ConfigError, FileNotFoundError, StageOrderError, InfeasiblePlanError, SampleInputError,
               OutsideFolderError, DataRootLocked, AllFilesFailed, ExportError, TokenizerNotFoundError,
               CorruptPartError)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``seamix`` console script."""
    args = _parser().parse_args(argv)
    try:
        with _writer_lock(args):
            return args.func(args)
    except USER_ERRORS as exc:
        if args.debug:
            raise
        print(f"seamix {args.command}: error: {exc}", file=sys.stderr)
        print("(run again with --debug for the traceback)", file=sys.stderr)
        return 2


#: Commands that write under the data root, and so hold its writer lock (one writer per data root).
WRITING_COMMANDS = ("curate", "pool", "plan", "mix", "run", "cc-dry-run", "decontaminate", "export", "posttrain")


def _writer_lock(args: argparse.Namespace) -> contextlib.AbstractContextManager:
    if args.command not in WRITING_COMMANDS:
        return contextlib.nullcontext()
    return data_root_lock(DataLayout.at(args.data_root).root)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="seamix", description=__doc__)
    parser.add_argument("--debug", action="store_true", help="show the traceback of user errors too")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, func, help: str, sources: bool = False, mix: bool = False) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show the traceback of user errors too")
        p.add_argument("--data-root", default="data",
                       help="where stages write: a folder or fsspec URL such as s3://bucket/prefix (default: ./data)")
        p.add_argument("--catalog", help="local DuckDB catalog file (default: <data-root>/seamix.duckdb, or "
                       "$SEAMIX_CACHE/catalogs/<hash>.duckdb for a remote data root)")
        if sources:
            p.add_argument("--sources", required=True, help="source registry YAML")
            p.add_argument("--tokenizers", default=",".join(DEFAULT_TOKENIZERS), help="comma-separated tokenizers")
        if mix:
            p.add_argument("--mix", required=True, help="mix spec YAML (mixes/*.yaml)")
        p.set_defaults(func=func)
        return p

    curate = command("curate", _curate, "ingest → extract → langid → quality → dedup → tokens", sources=True)
    curate.add_argument("--stage", choices=(PASS_STAGE, *CURATE_STAGES, DECONTAM_STAGE),
                        help="run only this stage (pass: ingest → extract → langid → quality in one pass per file)")
    _curate_arguments(curate)
    decontaminate = command("decontaminate", _decontaminate, "find eval items in the deduplicated pool "
                            "(report, drop or cut them), then recount tokens", sources=True)
    _curate_arguments(decontaminate)
    command("pool", _pool, "inventory curated documents per language x source", sources=True)
    command("plan", _plan, "plan a mix spec against the pool", mix=True)
    command("mix", _mix, "sample the planned mix into Parquet shards + manifest", sources=True, mix=True)
    command("report", _report, "print target vs achieved of a mix", mix=True)
    export = command("export", _export, "tokenize the mix shards into MDS, Megatron .bin/.idx or JSONL", mix=True)
    export.add_argument("--format", required=True, choices=FORMATS, help="mds (LLM Foundry), megatron, jsonl")
    run = command("run", _run, "everything: curate, pool, plan, mix, report", sources=True, mix=True)
    _curate_arguments(run)
    sql = command("sql", _sql, "run a SQL query against the DuckDB catalog")
    sql.add_argument("query", help='e.g. "SELECT * FROM mix_report"')
    command("fetch-models", _fetch_models, "resolve and cache the tokenizers and the LID model")
    validate = command("validate", _validate, "check config files on their own (sources, mix spec, quality, executor)")
    validate.add_argument("files", nargs="+", metavar="FILE", help="YAML config files; each one's kind is detected")
    for name, func, about in (
        ("cc-dry-run", _cc_dry_run, "records and bytes the cc-index sources would fetch, per crawl and language"),
        ("cc-work-list", _cc_work_list, "select the cc-index sources' records into their work lists"),
    ):
        command(name, func, about).add_argument("--sources", required=True, help="source registry YAML")
    add_posttrain_parser(sub)
    return parser


def _curate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quality-config", help="per-language quality thresholds YAML")
    p.add_argument("--extractor", choices=EXTRACTORS, default="resiliparse", help="HTML main-content extractor")
    p.add_argument("--keep-dropped-text", action="store_true", help="keep dropped documents' text aside for inspection")
    p.add_argument("--mask-pii", action="store_true", help="mask e-mails, public IPs and phone numbers in kept text")
    p.add_argument("--dedup-priority", default="", help="comma-separated sources whose copy survives dedup first")
    p.add_argument("--workers", type=int, help="tasks each stage is split into (default 1, or the executor config's)")
    p.add_argument("--executor", choices=EXECUTOR_KINDS, help="where stages run (default local, or the config's)")
    p.add_argument("--allow-failed-files", action="store_true", help="do not fail ingest when every file of a source fails to read")
    p.add_argument("--executor-config", help="executor settings YAML: kind, workers, ray: {...}, slurm: {...}")
    p.add_argument("--evalsets", help="eval-set registry YAML (e.g. evalsets/sea-helm.yaml): decontaminate after dedup")
    p.add_argument("--decontam-action", choices=ACTIONS, default="drop", help="what to do with contaminated documents")
    p.add_argument("--ngram-size", type=int, default=DecontamConfig.ngram_size, help="decontamination word n-gram size")
    p.add_argument("--min-item-words", type=int, default=DecontamConfig.min_item_words,
                   help="shortest eval item text (in words) matched whole")
    p.add_argument("--langid-backend", choices=BACKENDS, default="fasttext", help="language-ID model backend")
    p.add_argument("--langid-model", help="fastText model path (default lid.176.ftz; e.g. a GlotLID model.bin)")
    p.add_argument("--per-stage", action="store_true",
                   help="run ingest, extract, langid and quality one by one, each writing its folder (debugging), "
                        "instead of one pass per file")


def _curate_config(args: argparse.Namespace) -> CurateConfig:
    return CurateConfig.from_settings(
        sources_file=args.sources, data_root=args.data_root, tokenizers=args.tokenizers.split(","),
        quality_config=args.quality_config, mask_pii=args.mask_pii, keep_dropped_text=args.keep_dropped_text,
        extractor=args.extractor, dedup_priority=args.dedup_priority.split(","),
        executor_config=args.executor_config, executor=args.executor, workers=args.workers,
        allow_failed_files=args.allow_failed_files, evalsets_file=args.evalsets, decontam_action=args.decontam_action,
        ngram_size=args.ngram_size, min_item_words=args.min_item_words,
        langid_backend=args.langid_backend, langid_model=args.langid_model, one_pass=not args.per_stage,
    )


def _layout(args: argparse.Namespace) -> DataLayout:
    return DataLayout.at(args.data_root, args.catalog)


def _curate(args: argparse.Namespace) -> int:
    config = _curate_config(args)
    check_run_configs(config, getattr(args, "mix", None))  # `seamix run` has a mix spec too: check it now, not after curation
    if config.decontam.enabled:  # the eval-set registry too, before hours of curation
        from pipelines.decontaminate.evalsets import load_evalsets

        load_evalsets(config.decontam.evalsets_file)
    bars = ProgressBars()
    for stage in [args.stage] if args.stage else curate_stages(config):
        try:
            outcome = run_curate_stage(stage, config, progress=bars).outcome
        finally:
            bars.close()
        if stage == PASS_STAGE:  # each stage of the pass with its own numbers
            for name in PASS_STAGES:
                print(format_outcome(name, stage_summary(_layout(args), name)))
        else:
            print(format_outcome(stage, outcome))
    refresh_catalog(_layout(args))
    return 0


def _decontaminate(args: argparse.Namespace) -> int:
    if not args.evalsets:
        raise SystemExit("seamix decontaminate: --evalsets FILE is required")
    from pipelines.decontaminate.report import contamination_summary

    for stage in (DECONTAM_STAGE, "tokens"):
        args.stage = stage
        _curate(args)
    print(format_table(contamination_summary(_layout(args))))
    return 0


def _pool(args: argparse.Namespace) -> int:
    layout = _layout(args)
    pool = build_pool_stage(layout, args.sources, [t for t in args.tokenizers.split(",") if t])
    refresh_catalog(layout)
    print(format_table(pool))
    return 0


def _plan(args: argparse.Namespace) -> int:
    layout = _layout(args)
    plan = plan_stage(layout, load_mix_spec(args.mix))
    refresh_catalog(layout)
    print(format_table(plan))
    return 0


def _mix(args: argparse.Namespace) -> int:
    layout = _layout(args)
    spec = load_mix_spec(args.mix)
    manifest = mix_stage(layout, spec, args.sources)
    refresh_catalog(layout)
    print(f"{len(manifest['shards'])} shards in {shard_dir(layout, spec)}")
    return 0


def _report(args: argparse.Namespace) -> int:
    layout = _layout(args)
    spec = load_mix_spec(args.mix)
    return _print_report(layout, spec)


def _print_report(layout: DataLayout, spec: MixSpec) -> int:
    report = report_stage(layout, spec)
    refresh_catalog(layout)
    print(f"\nMix shards: {shard_dir(layout, spec)}")
    print(f"DuckDB catalog: {layout.duckdb_path}\n")
    print(format_report(report))
    return 0 if all(report.column("within_tolerance").to_pylist()) else 1


def _export(args: argparse.Namespace) -> int:
    from pipelines.export.config import load_export_settings
    from pipelines.export.stage import export_dir, export_mix

    layout = _layout(args)
    spec = load_mix_spec(args.mix)
    manifest = export_mix(layout, spec, load_export_settings(args.mix, spec.tokenizer), args.format)
    totals = manifest["totals"]
    print(f"{args.format}: {totals['tokens']:,} tokens ({totals['text_tokens']:,} text + {totals['special_tokens']:,} "
          f"BOS/EOS) in {totals['docs']:,} documents, {totals['files']} files in {export_dir(layout, spec, args.format)}")
    return 0


def _run(args: argparse.Namespace) -> int:
    args.stage = None
    _curate(args)
    layout = _layout(args)
    spec = load_mix_spec(args.mix)
    build_pool_stage(layout, args.sources, [t for t in args.tokenizers.split(",") if t])
    plan_stage(layout, spec)
    mix_stage(layout, spec, args.sources)
    return _print_report(layout, spec)


def _validate(args: argparse.Namespace) -> int:
    failed = 0
    for path in args.files:
        try:
            print(f"OK  {path}: {validate_file(path)}")
        except ConfigError as exc:
            failed += 1
            print(f"ERROR  {exc}")
    return 2 if failed else 0


def _sql(args: argparse.Namespace) -> int:
    try:
        table = query(_layout(args), args.query)
    except duckdb.Error as exc:  # the user's SQL: DuckDB's own message names the table or column
        print(f"seamix sql: error: {exc}", file=sys.stderr)
        return 2
    print(format_table(table))
    return 0


def _cc_dry_run(args: argparse.Namespace) -> int:
    layout = _layout(args)
    print(format_table(dry_run_sources(args.sources, layout.cc_index_dir)))
    refresh_catalog(layout)
    return 0


def _cc_work_list(args: argparse.Namespace) -> int:
    for name, work in build_source_work_lists(args.sources):
        print(f"{name}: {work.records:,} records, {work.bytes / 1e9:.3f} GB in {len(work.chunks)} chunks under {work.out_dir}")
    return 0


def _fetch_models(args: argparse.Namespace) -> int:
    from pipelines.langid.identify import default_model_path
    from pipelines.tokens.registry import resolve_tokenizer, resolve_tokenizer_config

    for name in DEFAULT_TOKENIZERS:
        print(f"tokenizer {name}: {resolve_tokenizer(name)} (chat template: {resolve_tokenizer_config(name).name})")
    model = Path(default_model_path())
    print(f"LID model: {model} ({model.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
