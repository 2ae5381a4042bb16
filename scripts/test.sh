#!/usr/bin/env bash
# Run the whole test suite (after scripts/demo.sh has set up .venv and the models).
#   bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m pytest -q "$@"
