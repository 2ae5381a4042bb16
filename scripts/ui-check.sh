#!/usr/bin/env bash
# Check the Dagster UI in a real browser on the bundled sample:
#   bash scripts/ui-check.sh [--screenshots docs/img]
# Runs `curate_and_mix` on the cron instance (dagster_home/'s settings), starts `dagster dev` on the
# UI instance (dagster_home_ui/'s settings, same storage), drives Debian's headless Chromium and
# asserts that the graph, a source partition page and the mix report render with their numbers,
# and that a backfill launched from the UI runs without the DefaultRunLauncher warning.
# Installs chromium and chromium-driver with apt-get when they are missing. Everything else lives in
# a temporary folder that is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
[ -x "$VENV/bin/python" ] || VENV=/work/main/.venv
SHOTS=""
[ "${1:-}" = "--screenshots" ] && SHOTS=$(realpath -m "${2:?folder}")

if ! command -v chromedriver >/dev/null; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get install -y chromium chromium-driver >/dev/null
fi
"$VENV/bin/python" -c "import selenium" 2>/dev/null || "$VENV/bin/python" -m pip install -q selenium

TMP=$(mktemp -d)
PORT=${PORT:-3117}
stop_dev() {  # dagster dev and its webserver, daemon and code server: one process group (setsid)
  [ -n "${DEV:-}" ] || return 0
  kill -TERM -- -"$DEV" 2>/dev/null || return 0
  for _ in $(seq 20); do kill -0 -- -"$DEV" 2>/dev/null || return 0; sleep 1; done
  kill -KILL -- -"$DEV" 2>/dev/null || true
}
trap 'stop_dev; rm -rf "$TMP"' EXIT
mkdir -p "$TMP/cron" "$TMP/ui"
cp dagster_home/dagster.yaml "$TMP/cron/"
sed "s|base_dir: dagster_home\$|base_dir: $TMP/cron|" dagster_home_ui/dagster.yaml >"$TMP/ui/dagster.yaml"
export SEAMIX_DATA_ROOT="$TMP/data" PYTHONPATH="$PWD"

echo "curate_and_mix on the cron instance ($TMP/cron) ..."
DAGSTER_HOME="$TMP/cron" "$VENV/bin/dagster" job execute -m assets.definitions -j curate_and_mix \
  -c scripts/quiet-run.yaml >"$TMP/job.log" 2>&1 || { tail -40 "$TMP/job.log"; exit 1; }

echo "dagster dev on the UI instance (port $PORT) ..."
DAGSTER_HOME="$TMP/ui" setsid "$VENV/bin/dagster" dev -w workspace.yaml -p "$PORT" >"$TMP/dev.log" 2>&1 &
DEV=$!
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$PORT/server_info" >/dev/null && break; sleep 1; done

"$VENV/bin/python" scripts/ui_check.py "http://127.0.0.1:$PORT" ${SHOTS:+--screenshots "$SHOTS"} \
  || { tail -20 "$TMP/dev.log"; exit 1; }
