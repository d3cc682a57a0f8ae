#!/usr/bin/env bash
# Builds what the demo needs (the wasm package and models inside pkg/, npm deps) and the demo
# itself (www/ → www/dist with Vite), then serves it on http://127.0.0.1:${PORT:-5173}/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-pkg.sh
npx vite build www --logLevel warn
exec node tests/browser/server.mjs www/dist "${PORT:-5173}"
