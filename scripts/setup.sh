#!/usr/bin/env bash
# Quick start: installs what parapet needs, builds the native CLI and the wasm package, and
# scans the bundled sample chats (examples/chats.jsonl) with the default model and the default
# constitution, printing one verdict per line.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
ensure_wasm_toolchain
cargo build --release --bin parapet
scripts/build-wasm.sh >&2
echo "---- parapet scan examples/chats.jsonl ----" >&2
exec target/release/parapet scan examples/chats.jsonl
