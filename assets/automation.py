"""When the job runs by itself: a nightly schedule and a sensor for new or changed source files.

Both need `dagster-daemon` (or `dagster dev`, which starts one). Without a daemon, use cron with
`dagster job launch` (README)."""

import hashlib
import json

import dagster as dg

from assets.jobs import curate_and_mix_job
from assets.resources import SeamixSettings
from pipelines import storage
from pipelines.ingest.config import load_sources
from pipelines.ingest.files import list_input_files

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_curate_and_mix",
    job=curate_and_mix_job,
    cron_schedule="0 2 * * *",
    description="Re-run the whole graph every night at 02:00; finished parts are reused, so only new work runs.",
)


def source_file_state(sources_file: str) -> dict[str, list[int]]:
    """Every input file of every source with its (size, mtime in ns), for local files; name only otherwise."""
    return {path: list(storage.file_state(path) or ()) for source in load_sources(sources_file)
            for path in list_input_files(source)}


@dg.sensor(job=curate_and_mix_job, minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.STOPPED)
def new_source_files_sensor(context: dg.SensorEvaluationContext, seamix: SeamixSettings) -> dg.SensorResult:
    """Requests a run when a source gains a file or a file changes (new crawl segments, new shards)."""
    state = source_file_state(seamix.sources_file)
    previous = json.loads(context.cursor) if context.cursor else {}
    changed = sorted(path for path, sig in state.items() if previous.get(path) != sig)
    cursor = json.dumps(state, sort_keys=True)
    if not changed:
        return dg.SensorResult(skip_reason="no new or changed source files", cursor=cursor)
    run_key = hashlib.sha256(cursor.encode()).hexdigest()[:16]
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=run_key, tags={"seamix/changed_files": str(len(changed))})],
        cursor=cursor,
    )
