#!/usr/bin/env bash
# Runs one cargo-fuzz target for a while: scripts/fuzz.sh <target> [seconds] [jobs]
# Targets: constitution bundle text_check image_decode stream normalize int8_reader (fuzz/fuzz_targets/).
# Installs cargo-fuzz if needed. The crate's stable toolchain is used with RUSTC_BOOTSTRAP=1
# (cargo-fuzz passes -Z flags) and no sanitizer: the targets hunt panics and assertion failures
# (debug assertions and overflow checks are on), which is what kills a wasm instance.
# Crashes land in fuzz/artifacts/<target>/; the corpus grows in fuzz/corpus/<target>/, seeded
# from fuzz/seeds/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh <target> [seconds]}
secs=${2:-600}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
mkdir -p "fuzz/corpus/$target"
cp -n fuzz/seeds/"$target"/* "fuzz/corpus/$target/" 2>/dev/null || true
case "$target" in
  text_check) max_len=2048 ;;
  stream) max_len=512 ;;   # every input is streamed in up to 500 pushes
  image_decode|bundle|int8_reader) max_len=65536 ;;
  *) max_len=4096 ;;
esac
RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none --debug-assertions "$target" "fuzz/corpus/$target" -- \
  -max_total_time="$secs" -max_len="$max_len" -timeout=60 -rss_limit_mb=4096 -print_final_stats=1
