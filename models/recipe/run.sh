#!/usr/bin/env bash
# One command, end to end: load -> train -> export -> int8 -> calibrate -> evaluate -> bundle -> fixtures.
#   models/recipe/run.sh [path/to/shared/data]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DATA="${1:-$ROOT/../shared/data}"
PY="${PYTHON:-python}"
cd "$ROOT"
PYTHONPATH="$ROOT" "$PY" -m models.recipe.train --data "$DATA"
PYTHONPATH="$ROOT" "$PY" models/recipe/make_fixtures.py
