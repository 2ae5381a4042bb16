"""Asset checks on curation health: language purity, drop rates, dedup rate.

Bands are deliberately wide: they catch a broken stage (a filter dropping everything, a
mislabelled source), not normal variation. The dedup check blocks: a dedup that removed most
of the pool must not feed a mix."""

import dagster as dg

from assets.curate_assets import ASSET_NAMES
from assets.resources import SeamixSettings
from pipelines.outputs.health import drop_rate, language_purity

#: Highest acceptable share of documents a stage drops.
DROP_RATE_BANDS = {"langid": 0.5, "quality": 0.7}
MAX_DEDUP_RATE = 0.6
MIN_LANGUAGE_PURITY = 0.8


@dg.asset_check(
    asset=ASSET_NAMES["langid"],
    description=f"Per source, at least {MIN_LANGUAGE_PURITY:.0%} of documents with a declared language get that language",
)
def language_purity_check(seamix: SeamixSettings) -> dg.AssetCheckResult:
    """Warns when a source's declared language disagrees with language ID too often."""
    purity = language_purity(seamix.layout)
    impure = {source: round(p, 4) for source, p in purity.items() if p < MIN_LANGUAGE_PURITY}
    return dg.AssetCheckResult(
        passed=not impure,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"purity": dg.MetadataValue.json({s: round(p, 4) for s, p in purity.items()}),
                  "below_band": dg.MetadataValue.json(impure)},
    )


def _drop_rate_check(stage: str, band: float) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=ASSET_NAMES[stage],
        name=f"{stage}_drop_rate",
        description=f"The {stage} stage drops at most {band:.0%} of its input",
    )
    def _check(seamix: SeamixSettings) -> dg.AssetCheckResult:
        rate = drop_rate(seamix.layout, stage)
        return dg.AssetCheckResult(
            passed=rate <= band, severity=dg.AssetCheckSeverity.WARN, metadata={"drop_rate": rate, "band": band}
        )

    return _check


@dg.asset_check(
    asset=ASSET_NAMES["dedup"],
    blocking=True,
    description=f"Dedup removes at most {MAX_DEDUP_RATE:.0%} of documents (more means a broken config; the mix stops)",
)
def dedup_rate_check(seamix: SeamixSettings) -> dg.AssetCheckResult:
    """Blocks downstream assets when dedup removed an implausible share of the pool."""
    rate = drop_rate(seamix.layout, "dedup")
    return dg.AssetCheckResult(passed=rate <= MAX_DEDUP_RATE, metadata={"dedup_rate": rate, "max": MAX_DEDUP_RATE})


curate_checks = [
    language_purity_check,
    *(_drop_rate_check(stage, band) for stage, band in DROP_RATE_BANDS.items()),
    dedup_rate_check,
]
