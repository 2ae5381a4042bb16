"""Dynamic partitions kept in step with the files a run uses: one per source, one per mix spec.

The keys live in the Dagster instance, so a run config naming another sources file or mix folder
gets its own keys the moment something syncs them (the `curate_and_mix` job at its start, or the
`partitions_in_step` sensor under `dagster dev`). Keys are only ever added: a source removed from
the file keeps its partition and its history, and materializing it fails naming the file."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from assets.resources import SeamixSettings
from pipelines.ingest.config import load_sources

#: Per-source stages (ingest, extract, langid, quality): one key per source of the sources file.
source_partitions = dg.DynamicPartitionsDefinition(name="sources")
#: Plan, mix and report: one key per mix spec (``<mixes_dir>/<key>.yaml``).
mix_partitions = dg.DynamicPartitionsDefinition(name="mixes")


def wanted_keys(settings: SeamixSettings) -> dict[str, list[str]]:
    """Partition keys the settings' files call for, by partitions definition name."""
    mixes = sorted(p.stem for p in Path(settings.mixes_dir).glob("*.yaml"))
    if settings.mix_key not in mixes:
        mixes.append(settings.mix_key)
    return {
        source_partitions.name: [s.name for s in load_sources(settings.sources_file)],
        mix_partitions.name: mixes,
    }


def missing_keys(instance: dg.DagsterInstance, settings: SeamixSettings) -> dict[str, list[str]]:
    """Wanted keys the instance does not have yet (only non-empty entries)."""
    missing = {}
    for name, keys in wanted_keys(settings).items():
        known = set(instance.get_dynamic_partitions(name))
        if new := [k for k in keys if k not in known]:
            missing[name] = new
    return missing


def sync_partitions(instance: dg.DagsterInstance, settings: SeamixSettings) -> dict[str, list[str]]:
    """Add the missing keys to the instance; returns what was added."""
    missing = missing_keys(instance, settings)
    for name, keys in missing.items():
        instance.add_dynamic_partitions(name, keys)
    return missing


@dg.sensor(minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def partitions_in_step(context: dg.SensorEvaluationContext, seamix: SeamixSettings) -> dg.SensorResult:
    """Adds a partition for every new source of the sources file and every new mix spec (needs the daemon)."""
    missing = missing_keys(context.instance, seamix)
    if not missing:
        return dg.SensorResult(skip_reason="partitions match the sources file and the mix specs")
    return dg.SensorResult(
        dynamic_partitions_requests=[dg.AddDynamicPartitionsRequest(name, keys) for name, keys in missing.items()]
    )
