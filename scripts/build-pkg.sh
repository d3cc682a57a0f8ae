#!/usr/bin/env bash
# Builds the npm package in pkg/: the wasm glue (scripts/build-wasm.sh, skipped when
# pkg/wasm/web/parapet_bg.wasm and parapet_lite_bg.wasm are there and the first is newer than every engine source, unless --rebuild-wasm), the default bundles
# copied to pkg/models/, and the dev tooling (npm ci: vite, playwright-core, onnxruntime-web).
# Prints what `npm pack` would publish.
set -euo pipefail
cd "$(dirname "$0")/.."
wasm=pkg/wasm/web/parapet_bg.wasm
if [ "${1:-}" = "--rebuild-wasm" ] || [ ! -f "$wasm" ] || [ ! -f pkg/wasm/web/parapet_lite_bg.wasm ] \
   || [ -n "$(find src crates Cargo.toml Cargo.lock .cargo -newer "$wasm" -type f -print -quit 2>/dev/null)" ]; then
  scripts/build-wasm.sh
fi
mkdir -p pkg/models
for f in parapet-guard.parapet open-nsfw.parapet; do
  cmp -s "models/$f" "pkg/models/$f" 2>/dev/null || cp "models/$f" "pkg/models/$f"
done
if [ ! -d node_modules/vite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
(cd pkg && npm pack --dry-run --json 2>/dev/null) | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const [p] = JSON.parse(s);
    console.log(`npm package ${p.name}@${p.version}: ${p.entryCount} files, ${(p.size / 1e6).toFixed(1)} MB packed, ${(p.unpackedSize / 1e6).toFixed(1)} MB unpacked`);
  });'
