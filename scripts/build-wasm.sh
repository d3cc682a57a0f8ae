#!/usr/bin/env bash
# Builds the WebAssembly package: cargo (wasm32, +simd128) → wasm-bindgen glue for browsers
# (`--target web`, pkg/wasm/web) and Node (`--target nodejs`, pkg/wasm/node), in two builds with
# the same API:
#   parapet_lite*  --no-default-features            the int8 engines only: text, plain-CNN images from pixels (~1.2 MB gzipped)
#   parapet*       --no-default-features -F tract   also tract (any ONNX graph) and the PNG/JPEG/WebP decoders
# The npm wrapper starts on the lite build and moves to the full one when needed (pkg/lib/engine.js).
# Installs what it needs (the wasm32 target, the pinned wasm-bindgen-cli) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
ensure_wasm_toolchain

OUT_DIR="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release"
cargo build --lib --release --target wasm32-unknown-unknown --no-default-features
LITE="$OUT_DIR/parapet_lite.wasm"
cp "$OUT_DIR/parapet.wasm" "$LITE"
cargo build --lib --release --target wasm32-unknown-unknown --no-default-features --features tract
WASM="$OUT_DIR/parapet.wasm"
rm -rf pkg/wasm
for w in "$WASM" "$LITE"; do
  wasm-bindgen --target web --out-dir pkg/wasm/web "$w"
  wasm-bindgen --target nodejs --out-dir pkg/wasm/node "$w"
done
# pkg/package.json says "type": "module"; the nodejs glue is CommonJS.
echo '{"type": "commonjs"}' > pkg/wasm/node/package.json
for f in parapet_bg parapet_lite_bg; do
  ls -l pkg/wasm/web/$f.wasm | awk -v f=$f '{print f ".wasm: " $5 " bytes"}'
  gzip -9 -c pkg/wasm/web/$f.wasm | wc -c | awk -v f=$f '{print f ".wasm gzip: " $1 " bytes"}'
done
