#!/usr/bin/env bash
# One command, end to end: load -> train -> export -> int8 -> calibrate -> evaluate -> bundle ->
# precomputed exemplar embeddings (the engine's own, added as the bundle's embeddings.bin) -> fitted
# short-window gates (manifest) -> fixtures -> hold-out scores -> models/MODEL_CARD.md. Leave-one-family-out runs are separate: models/recipe/loso.sh.
#   models/recipe/run.sh [path/to/shared/data]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DATA="${1:-$ROOT/../shared/data}"
PY="${PYTHON:-python}"
cd "$ROOT"
PYTHONPATH="$ROOT" "$PY" -m models.recipe.train --data "$DATA"
PYTHONPATH="$ROOT" "$PY" -m models.recipe.drift --data "$DATA"   # exact-math fp32 vs int8 drift
cargo run --release --example embed_cache -- models/parapet-guard.parapet
# the short-window cascade's gates, fitted on long dev texts and stored in the manifest
PYTHONPATH="$ROOT" "$PY" -m models.recipe.gate_cases --data "$DATA" --out models/recipe/work/gate-cases.jsonl
cargo run --release --example fit_gates -- models/parapet-guard.parapet models/recipe/work/gate-cases.jsonl --json models/recipe/work/gates.json --write
"$PY" - <<'PYEOF'
import hashlib, json, os
r = "models/recipe/work/report.json"
rep = json.load(open(r))
b = open("models/parapet-guard.parapet", "rb").read()
rep["bundle"].update(bytes=len(b), sha256=hashlib.sha256(b).hexdigest())
json.dump(rep, open(r, "w"), indent=1)
# the npm loader pins the default bundle's hash
import re
d = "pkg/lib/defaults.js"
src = open(d).read()
open(d, "w").write(re.sub(r"DEFAULT_MODEL_SHA256 = '[0-9a-f]{64}'", f"DEFAULT_MODEL_SHA256 = '{hashlib.sha256(b).hexdigest()}'", src))
PYEOF
PYTHONPATH="$ROOT" "$PY" models/recipe/make_fixtures.py
# the independent hold-out sets (eval_holdout.py) -> models/recipe/results/holdout/<version>.json
PYTHONPATH="$ROOT" "$PY" -m models.recipe.holdout models/parapet-guard.parapet > /dev/null
# the non-English sets (eval_sets.py, eval_multilingual.py) -> models/recipe/results/multilingual/<version>.json
PYTHONPATH="$ROOT" "$PY" -m models.recipe.multilingual models/parapet-guard.parapet > /dev/null
# the reports the model card is generated from (committed), then the card itself
cp models/recipe/work/report.json models/recipe/work/counts.json models/recipe/work/gates.json models/recipe/results/
PYTHONPATH="$ROOT" "$PY" -m models.recipe.card --work models/recipe/results
