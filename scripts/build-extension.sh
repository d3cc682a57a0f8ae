#!/usr/bin/env bash
# Assembles the unpacked browser extension in www/extension/: copies the engine's web glue and
# .wasm (from pkg/wasm/web, made by scripts/build-wasm.sh) and the default model bundles into
# www/extension/engine/ (build output, gitignored). Load www/extension/ unpacked afterwards.
#   PARAPET_WASM_DIR=dir  take parapet.js / parapet_bg.wasm from dir instead of pkg/wasm/web
set -euo pipefail
cd "$(dirname "$0")/.."
WASM_DIR="${PARAPET_WASM_DIR:-pkg/wasm/web}"
for f in "$WASM_DIR/parapet.js" "$WASM_DIR/parapet_bg.wasm" models/parapet-guard.parapet models/open-nsfw.parapet; do
  if [ ! -f "$f" ]; then
    echo "build-extension: missing $f (run scripts/build-wasm.sh first)" >&2
    exit 1
  fi
done
OUT=www/extension/engine
rm -rf "$OUT"
mkdir -p "$OUT"
cp "$WASM_DIR/parapet.js" "$WASM_DIR/parapet_bg.wasm" "$OUT/"
cp models/parapet-guard.parapet models/open-nsfw.parapet "$OUT/"
du -sh www/extension | awk '{print "extension: " $1 " (unpacked, www/extension)"}'
