#!/usr/bin/env bash
# Builds the WebAssembly package: cargo (wasm32, +simd128) → wasm-bindgen glue for browsers
# (`--target web`, pkg/wasm/web) and Node (`--target nodejs`, pkg/wasm/node).
# Installs what it needs (the wasm32 target, the pinned wasm-bindgen-cli) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
ensure_wasm_toolchain

cargo build --lib --release --target wasm32-unknown-unknown --no-default-features
WASM="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/parapet.wasm"
rm -rf pkg/wasm
wasm-bindgen --target web --out-dir pkg/wasm/web "$WASM"
wasm-bindgen --target nodejs --out-dir pkg/wasm/node "$WASM"
# pkg/package.json says "type": "module"; the nodejs glue is CommonJS.
echo '{"type": "commonjs"}' > pkg/wasm/node/package.json
ls -l pkg/wasm/web/parapet_bg.wasm | awk '{print "wasm: " $5 " bytes"}'
gzip -9 -c pkg/wasm/web/parapet_bg.wasm | wc -c | awk '{print "wasm gzip: " $1 " bytes"}'
