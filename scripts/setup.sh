#!/usr/bin/env bash
# Installs whatever scalesim's build and tests need and is missing, and skips
# what is already there (a second run takes seconds). Everything comes from
# the package registries: nothing is downloaded from anywhere else.
#
#   scripts/setup.sh            toolchain for building and serving the app
#   scripts/setup.sh --browser  also Chromium + ChromeDriver, for the tests
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132

log() { echo "setup: $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

browser_pid=""
if [ "${1:-}" = "--browser" ]; then
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    log "chromium and chromedriver present"
  else
    # apt is mostly waiting on downloads: let it run beside the cargo installs.
    log "installing chromium and chromium-driver (Debian) in the background"
    ( as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver ) \
      > target-apt.log 2>&1 &
    browser_pid=$!
  fi
fi

if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "wasm32 target present"
else
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then
  log "trunk $TRUNK_VERSION present"
else
  # A debug build of Trunk is enough (it only orchestrates) and builds in
  # minutes instead of tens of minutes. Trunk 0.22 needs a newer rustc.
  log "installing trunk $TRUNK_VERSION"
  cargo install --locked --debug --force "trunk@$TRUNK_VERSION"
fi

# wasm-bindgen-cli must match the wasm-bindgen that Cargo.lock pins, and
# Trunk.toml must name the same version (or Trunk would try to download it).
WASM_BINDGEN_VERSION=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
if [ -z "$WASM_BINDGEN_VERSION" ]; then
  log "cannot read the wasm-bindgen version from Cargo.lock"; exit 1
fi
if ! grep -q "^wasm_bindgen = \"$WASM_BINDGEN_VERSION\"" Trunk.toml; then
  log "Trunk.toml's [tools] wasm_bindgen must be \"$WASM_BINDGEN_VERSION\" (Cargo.lock's)"; exit 1
fi
if wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  log "wasm-bindgen-cli $WASM_BINDGEN_VERSION present"
else
  # Not --locked: its lock file pins a webpki-roots the registry does not
  # serve. No TLS: the test runner only talks to chromedriver on loopback.
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --no-default-features
fi

if [ -x node_modules/.bin/wasm-opt ] && [ -d node_modules/playwright-core ] \
  && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm packages present"
else
  log "installing npm packages from package-lock.json (binaryen's wasm-opt, playwright-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi
if ! wasm-opt --version | grep -q "version $BINARYEN_VERSION"; then
  log "wasm-opt is not binaryen $BINARYEN_VERSION (Trunk.toml expects version_$BINARYEN_VERSION)"; exit 1
fi

if [ -n "$browser_pid" ]; then
  if ! wait "$browser_pid"; then
    log "installing chromium failed:"; tail -n 20 target-apt.log >&2; exit 1
  fi
  log "chromium and chromedriver installed"
fi
rm -f target-apt.log
