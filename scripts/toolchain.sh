# Shared helpers for the build and test scripts: install the tools parapet needs, pinned.
# Sourced, not run.
WASM_BINDGEN_VERSION=0.2.130

ensure_wasm_toolchain() {
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
  fi
  # The CLI must match the wasm-bindgen crate pinned in Cargo.toml exactly.
  if ! wasm-bindgen --version 2>/dev/null | grep -q " ${WASM_BINDGEN_VERSION}\$"; then
    # (no --locked: one of the CLI's locked transitive crates was yanked from crates.io)
    # opt-level 1: compiles in about half the time of the default 3 on a 2-core CI machine; the
    # CLI's own speed hardly matters next to the builds and tests it serves.
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}"
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q chromium chromium-driver
  fi
}

ensure_python_env() {
  # The recipe's venv (torch CPU wheels are large; installed once, reused).
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  .venv/bin/pip install -q -r models/recipe/requirements.txt
}
