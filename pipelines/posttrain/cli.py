"""``seamix posttrain curate|mix|report``: the post-training stages from the command line."""

from __future__ import annotations

import argparse

import pyarrow as pa

from pipelines.config_file import ConfigError
from pipelines.curate.config import DEFAULT_TOKENIZERS, CurateConfig
from pipelines.outputs.catalog import refresh_catalog
from pipelines.outputs.tables import format_outcome, format_table
from pipelines.posttrain.chat_template import ChatTemplateError, load_chat_template
from pipelines.posttrain.curate import run_posttrain_curation
from pipelines.posttrain.mix_stages import (
    mix_stage,
    plan_stage,
    pool_stage,
    report_stage,
    shard_dir,
)
from pipelines.posttrain.spec import PosttrainSpec, load_posttrain_spec
from pipelines.posttrain.tokens_task import run_posttrain_tokens
from pipelines.runtime.progress import ProgressBars
from pipelines.storage.layout import DataLayout
from pipelines.tokens.registry import resolve_tokenizer


def add_posttrain_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``posttrain`` with its curate, mix and report commands to the ``seamix`` subcommands."""
    parser = sub.add_parser("posttrain", help="post-training conversations: curate, mix, report",
                            description="post-training conversations: curate, mix, report")
    commands = parser.add_subparsers(dest="posttrain_command", required=True)
    for name, func, about, needs_sources, needs_mix in (
        ("curate", _curate, "ingest → checks → dedup → chat-template tokens of the chat sources", True, False),
        ("mix", _mix, "pool, plan and sample a post-training mix spec into shards; print its summary", True, True),
        ("report", _report, "print target vs achieved of a sampled post-training mix", False, True),
    ):
        p = commands.add_parser(name, help=about, description=about)
        p.add_argument("--data-root", default="data", help="where stages write: a folder or fsspec URL (default: ./data)")
        p.add_argument("--catalog", help="local DuckDB catalog file (default: <data-root>/seamix.duckdb)")
        if needs_sources:
            p.add_argument("--sources", required=True, help="chat source registry YAML (kind: chat entries)")
        if needs_mix:
            p.add_argument("--mix", required=True, help="post-training mix spec YAML (mixes/*-sft.yaml)")
        p.set_defaults(func=func)
    curate = commands.choices["curate"]
    curate.add_argument("--tokenizers", default=",".join(DEFAULT_TOKENIZERS),
                        help="comma-separated tokenizers whose chat templates count tokens (names, folders or Hub ids)")
    curate.add_argument("--quality-config", help="per-language quality thresholds YAML (repetition rules)")
    curate.add_argument("--workers", type=int, help="tasks each stage is split into (default 1)")
    curate.add_argument("--evalsets", help="eval-set registry YAML: decontaminate user and assistant turns in the checks stage")
    curate.add_argument("--decontam-action", choices=("report", "drop"), default="drop",
                        help="what to do with a conversation holding an eval item")


def _layout(args: argparse.Namespace) -> DataLayout:
    return DataLayout.at(args.data_root, args.catalog)


def _curate(args: argparse.Namespace) -> int:
    config = CurateConfig.from_settings(sources_file=args.sources, data_root=args.data_root,
                                        tokenizers=args.tokenizers.split(","), quality_config=args.quality_config,
                                        workers=args.workers, evalsets_file=args.evalsets,
                                        decontam_action=args.decontam_action)
    for name in config.tokenizers:  # found (and cached) now, not when the tokens stage starts
        resolve_tokenizer(name)
        try:
            load_chat_template(name)
        except ChatTemplateError as exc:
            raise ConfigError(f"--tokenizers {name}: {exc}") from None
    bars = ProgressBars()
    try:
        runs = run_posttrain_curation(config, progress=bars)
        outcomes = [run.outcome for run in runs.values()]
        outcomes.append(run_posttrain_tokens(config.data_root, config.tokenizers, config.workers))
    finally:
        bars.close()
    for outcome in outcomes:
        print(format_outcome(outcome.stage, outcome))
    refresh_catalog(_layout(args))
    return 0


def _mix(args: argparse.Namespace) -> int:
    layout = _layout(args)
    spec = load_posttrain_spec(args.mix)
    pool = pool_stage(layout, spec, args.sources)
    plan_stage(layout, spec)
    manifest = mix_stage(layout, spec, args.sources)
    left_out = {column: sum(pool.column(column).to_pylist()) for column in ("unrenderable", "over_max_length")}
    totals = manifest["totals"]
    print(f"post-training mix {spec.name!r}: {totals['conversations']:,} conversations "
          f"({totals['tokens']:,} {spec.tokenizer} template tokens, {totals['trainable_tokens']:,} trainable) "
          f"in {totals['shards']} {spec.shard.format} shards under {shard_dir(layout, spec)}")
    print(f"left out of the pool: {left_out['unrenderable']:,} the template refuses, "
          f"{left_out['over_max_length']:,} longer than max_length {spec.max_length}")
    return _print_report(layout, spec)


def _report(args: argparse.Namespace) -> int:
    return _print_report(_layout(args), load_posttrain_spec(args.mix))


def _print_report(layout: DataLayout, spec: PosttrainSpec) -> int:
    report = report_stage(layout, spec)
    refresh_catalog(layout)
    rows: dict[str, dict] = {}
    for cell in report.to_pylist():
        row = rows.setdefault(cell["row_id"], {"row": cell["row_id"], f"target ({spec.unit})": 0, "achieved": 0,
                                               "conversations": 0, "cells": 0, "ok": True})
        row[f"target ({spec.unit})"] += cell["target"]
        row["achieved"] += cell["achieved"]
        row["conversations"] += cell["conversations"]
        row["cells"] += 1
        row["ok"] = row["ok"] and cell["within_tolerance"]
    print(format_table(pa.Table.from_pylist(list(rows.values()))))
    print(f"per cell: seamix sql --data-root {layout.root} \"SELECT * FROM posttrain_report WHERE mix = '{spec.name}'\"")
    return 0 if all(report.column("within_tolerance").to_pylist()) else 1
