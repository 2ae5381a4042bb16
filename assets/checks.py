"""Asset checks per partition: language purity and drop rates per source, dedup rate, mix tolerance.

Bands are deliberately wide: they catch a broken stage (a filter dropping everything, a
mislabelled source), not normal variation. The dedup and mix checks block: a dedup that removed
most of the pool must not feed a mix, and a mix that missed its targets is not reported as done.
Each check is defined once (``CHECKS``) and evaluated by its asset check (UI runs) and by the
`curate_and_mix` job, which records the same evaluation per partition."""


from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg

from assets.metadata import percent
from assets.partitions import mix_partitions
from assets.resources import SeamixSettings
from assets.stages import BY_ASSET
from pipelines import storage
from pipelines.mix.spec import load_mix_spec
from pipelines.outputs.health import language_purity, source_summaries, stage_summary
from pipelines.storage.parquet_io import read_table

#: Highest acceptable share of documents a stage drops, per source.
DROP_RATE_BANDS = {"langid": 0.5, "quality": 0.7}
MAX_DEDUP_RATE = 0.6
MIN_LANGUAGE_PURITY = 0.8

#: Evaluates a check for one partition (a source, a mix spec, or None): (passed, metadata).
Evaluate = Callable[[SeamixSettings, "str | None"], tuple[bool, dict]]


@dataclass(frozen=True)
class Check:
    """One check: the asset it guards, whether it blocks downstream assets, and how it is evaluated."""

    name: str
    asset: str
    description: str
    evaluate: Evaluate
    blocking: bool = False

    @property
    def asset_partitioned(self) -> bool:
        """True when the guarded asset (and so the check) is partitioned."""
        return BY_ASSET[self.asset].partitions_def is not None

    @property
    def severity(self) -> dg.AssetCheckSeverity:
        """Blocking checks fail with ERROR (downstream assets stop); the others warn."""
        return dg.AssetCheckSeverity.ERROR if self.blocking else dg.AssetCheckSeverity.WARN


def _purity(settings: SeamixSettings, source: str | None) -> tuple[bool, dict]:
    purity = language_purity(settings.layout).get(source)
    if purity is None:
        return True, {"purity_pct": dg.MetadataValue.null(), "note": "the source declares no language"}
    return purity >= MIN_LANGUAGE_PURITY, {"purity_pct": percent(purity, 1), "band_pct": percent(MIN_LANGUAGE_PURITY, 1)}


def _drop_rate(stage: str, band: float) -> Evaluate:
    def evaluate(settings: SeamixSettings, source: str | None) -> tuple[bool, dict]:
        outcome = source_summaries(settings.layout, stage)[source]
        dropped = outcome.docs_in - outcome.docs_out
        rate = dropped / outcome.docs_in if outcome.docs_in else 0.0
        return rate <= band, {"drop_rate_pct": percent(dropped, outcome.docs_in), "band_pct": percent(band, 1),
                              "docs_dropped": dropped, "docs_in": outcome.docs_in}

    return evaluate


def _dedup_rate(settings: SeamixSettings, _: str | None) -> tuple[bool, dict]:
    outcome = stage_summary(settings.layout, "dedup")
    removed = outcome.docs_in - outcome.docs_out
    rate = removed / outcome.docs_in if outcome.docs_in else 0.0
    return rate <= MAX_DEDUP_RATE, {"dedup_rate_pct": percent(removed, outcome.docs_in),
                                    "max_pct": percent(MAX_DEDUP_RATE, 1), "docs_removed": removed}


def _within_tolerance(settings: SeamixSettings, mix: str | None) -> tuple[bool, dict]:
    spec = load_mix_spec(settings.mix_spec_file(mix))
    report = read_table(storage.join(settings.layout.mix_dir(spec.name), "report.parquet")).to_pylist()
    missed = [r["row_id"] for r in report if not r["within_tolerance"]]
    return not missed, {"rows_missed": len(missed), "rows": len(report), "missed": dg.MetadataValue.json(missed)}


CHECKS = (
    Check("language_purity", "identified_documents",
          f"At least {MIN_LANGUAGE_PURITY:.0%} of the source's documents with a declared language get that language",
          _purity),
    *(Check(f"{stage}_drop_rate", asset, f"The {stage} stage drops at most {band:.0%} of the source's documents",
            _drop_rate(stage, band))
      for (stage, band), asset in zip(DROP_RATE_BANDS.items(), ("identified_documents", "filtered_documents"))),
    Check("dedup_rate", "deduplicated_documents",
          f"Dedup removes at most {MAX_DEDUP_RATE:.0%} of documents (more means a broken config; the mix stops)",
          _dedup_rate, blocking=True),
    Check("mix_within_tolerance", "mix_report",
          "Every mix row within max(0.1%, one document) of its target", _within_tolerance, blocking=True),
)


def evaluation(check: Check, settings: SeamixSettings, partition: str | None) -> dg.AssetCheckEvaluation:
    """The check's evaluation for one partition, as the job records it."""
    passed, metadata = check.evaluate(settings, partition)
    return dg.AssetCheckEvaluation(
        asset_key=dg.AssetKey(check.asset), check_name=check.name, passed=passed, metadata=metadata,
        severity=check.severity, partition=partition,
    )


def _asset_check(check: Check) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=check.asset, name=check.name, description=check.description, blocking=check.blocking,
        partitions_def=BY_ASSET[check.asset].partitions_def,
    )
    def _check(context: dg.AssetCheckExecutionContext, seamix: SeamixSettings) -> dg.AssetCheckResult:
        if check.asset_partitioned and not context.has_partition_key:  # a range run (UI backfill): all must pass
            results = {key: check.evaluate(seamix, key) for key in context.partition_keys}
            return dg.AssetCheckResult(
                passed=all(passed for passed, _ in results.values()), severity=check.severity,
                metadata={"by_partition": dg.MetadataValue.json(
                    {key: {name: getattr(v, "value", v) for name, v in meta.items()} for key, (_, meta) in results.items()}
                )},
            )
        passed, metadata = check.evaluate(seamix, context.partition_key if check.asset_partitioned else None)
        return dg.AssetCheckResult(passed=passed, severity=check.severity, metadata=metadata)

    return _check


#: Checks on the curation assets and on the mix assets (definitions.py registers both).
curate_checks = [_asset_check(check) for check in CHECKS if BY_ASSET[check.asset].partitions_def is not mix_partitions]
mix_checks = [_asset_check(check) for check in CHECKS if BY_ASSET[check.asset].partitions_def is mix_partitions]
