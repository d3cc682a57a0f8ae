#!/usr/bin/env bash
# Leave-one-source-family-out runs (reduced budget; see MODEL_CARD.md).
#   models/recipe/loso.sh [data] [train_examples] [families...]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DATA="${1:-$ROOT/../shared/data}"; N="${2:-12000}"; shift 2 || true
FAMS="${*:-toxicity jailbreak harmful_questions benign_intents}"
PY="${PYTHON:-python}"
cd "$ROOT"
for f in $FAMS; do
  PYTHONPATH="$ROOT" "$PY" -m models.recipe.train --data "$DATA" --exclude-family "$f" \
    --train-examples "$N" --no-ship --out "$ROOT/models/recipe/work/loso"
done
