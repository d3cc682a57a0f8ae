#!/usr/bin/env bash
# Runs every test of parapet: native engine and CLI tests, the wasm boundary in Node and in
# headless Chromium (wasm-bindgen-test), Node tests of the built package and the npm wrapper,
# the package and the demo in headless Chromium (Playwright), and the training
# recipe's tiny-slice test. Installs what it needs first. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
ensure_wasm_toolchain
ensure_chromium

T0=0  # SECONDS counts from the start of this script, tool installs included
step() { printf '\n==== [%dm%02ds] %s ====\n' $(((SECONDS-T0)/60)) $(((SECONDS-T0)%60)) "$*"; }

step "native tests (cargo test, and the int8 engine crate's own unit tests)"
cargo test
cargo test -p parapet-int8

step "wasm package (scripts/build-wasm.sh)"
scripts/build-wasm.sh

export WASM_BINDGEN_TEST_TIMEOUT=900
step "wasm boundary tests: build once (wasm-bindgen-test)"
WASM_TEST=$(cargo test --release --target wasm32-unknown-unknown --no-default-features --features tract --test wasm \
  --no-run --message-format=json \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const l of s.split("\n")){try{const m=JSON.parse(l);if(m.reason==="compiler-artifact"&&m.executable&&m.target.name==="wasm")console.log(m.executable)}catch{}}})')
test -n "$WASM_TEST"

step "wasm boundary in Node (wasm-bindgen-test)"
wasm-bindgen-test-runner "$WASM_TEST"

# In a dedicated worker: a test that runs the model for many seconds would otherwise block the
# page's main thread, and chromedriver gives up on a renderer that does not answer in 30 s.
step "wasm boundary in headless Chromium, dedicated worker (wasm-bindgen-test)"
WASM_BINDGEN_USE_DEDICATED_WORKER=1 CHROMEDRIVER=/usr/bin/chromedriver \
  WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/tests/webdriver.json" \
  wasm-bindgen-test-runner "$WASM_TEST"

step "npm package (scripts/build-pkg.sh: models into pkg/, npm ci)"
scripts/build-pkg.sh

step "Node tests of the built package and of the npm wrapper (ESM, ORT adapter parity)"
node --test tests/node/

step "browser tests: Vite build, worker mode, Cache Storage, crash recovery, memory, demo (Playwright + Chromium)"
node --test --test-concurrency=1 tests/browser/

step "browser extension in headless Chromium (scripts/build-extension.sh, Playwright)"
scripts/build-extension.sh
(cd tests/extension && npm ci --no-audit --no-fund --loglevel=error && node --test --test-timeout=900000 extension.test.mjs)

step "training recipe (tiny slice)"
ensure_python_env
.venv/bin/python -m models.recipe.test_recipe

step "all tests passed"
