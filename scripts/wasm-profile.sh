#!/usr/bin/env bash
# Where the engine's time goes in Wasm: builds tools/wasm-profile (the
# benchmark workloads as Wasm exports, the engine at opt-level 3 as the app
# builds it), binds it for Node with wasm-bindgen, runs a workload under
# V8's CPU profiler and prints self and inclusive time by function.
#   scripts/wasm-profile.sh [WORKLOAD] [CUSTOMERS]
# (WORKLOAD: engine_topology5 by default; engine_mm1, engine_tandem3,
# bare_heap_loop_mm1, bare_zig_loop_mm1, …). `WASM_OPT=1` runs
# `wasm-opt -O3` on it first (the app's module is `-Oz`; names are kept).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
workload=${1:-engine_topology5}
customers=${2:-1000000}
target=${CARGO_TARGET_DIR:-$PWD/tools/wasm-profile/target}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd tools/wasm-profile && CARGO_TARGET_DIR=$target cargo build --quiet --release --target wasm32-unknown-unknown)
wasm=$target/wasm32-unknown-unknown/release/wasm_profile.wasm
if [ "${WASM_OPT:-0}" = 1 ]; then
  wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --debuginfo "$wasm" -o "$out/opt.wasm"
  wasm=$out/opt.wasm
fi
wasm-bindgen --target nodejs --keep-debug --out-dir "$out/pkg" "$wasm"
node --cpu-prof --cpu-prof-dir="$out/prof" tools/wasm-profile/run.cjs "$out/pkg" "$workload" "$customers" 3
node tools/wasm-profile/summarize.cjs "$out"/prof/*.cpuprofile 25
