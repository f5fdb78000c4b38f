#!/usr/bin/env bash
# What scalesim's stack weighs before the app's own features: builds
# tools/size-floor (a one-button Yew page) with each part of the stack added
# in turn, runs wasm-bindgen and `wasm-opt -Oz` as Trunk does for the app,
# and prints the Wasm and JS glue gzipped at level 9, as scripts/size.sh
# counts the app. Not part of the test command (it builds four times);
# figures in BENCHMARKS.md. Needs what scripts/setup.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"
out=$root/target/size-floor
mkdir -p "$out"
gz() { gzip -9 -c "$1" | wc -c; }
printf '%-36s %12s %12s\n' "page" "wasm gz" "+ glue gz"
for features in "" chart chart,scenario chart,engine; do
  label=${features:-yew}
  cargo build --quiet --release --target wasm32-unknown-unknown \
    --manifest-path tools/size-floor/Cargo.toml --target-dir "$out/target" \
    --no-default-features ${features:+--features "$features"}
  rm -rf "$out/$label" && mkdir -p "$out/$label"
  wasm-bindgen --target web --out-dir "$out/$label" "$out/target/wasm32-unknown-unknown/release/size-floor.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-reference-types --enable-multivalue --enable-mutable-globals \
    "$out/$label/size-floor_bg.wasm" -o "$out/$label/opt.wasm"
  wasm=$(gz "$out/$label/opt.wasm")
  glue=$(gz "$out/$label/size-floor.js")
  printf '%-36s %9d kB %9d kB\n' "$label" $(( (wasm + 1023) / 1024 )) $(( (wasm + glue + 1023) / 1024 ))
done
