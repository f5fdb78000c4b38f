#!/usr/bin/env bash
# Installs what is missing, then runs every check and test: formatting and
# lints, native tests, wasm-bindgen tests in headless Chromium, the release
# build, and the end-to-end tests that drive the built site in Chromium.
# Ends with one line: "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser || { echo "0 passed, 1 failed"; exit 1; }
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed_steps=()

step() {
  local name=$1; shift
  echo "=== $name: $*"
  local start=$SECONDS
  if "$@" 2>&1 | tee -a "$log"; then
    echo "=== $name: ok ($((SECONDS - start)) s)"
  else
    echo "=== $name: FAILED ($((SECONDS - start)) s)"
    failed_steps+=("$name")
  fi
}

step "format" cargo fmt --all --check
step "lint (native)" cargo clippy --workspace --all-targets --quiet -- -D warnings
step "lint (wasm)" cargo clippy -p scalesim-web --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings
step "native tests" cargo test --workspace
# The native release build the browser benchmark compares with
# (tests/e2e/bench.test.mjs runs it) starts here, in the background: the
# next two steps leave a core idle for long stretches (tests in Chromium,
# wasm-bindgen, the app's single-unit LTO, wasm-opt, compression), and it
# builds in target/release, which they do not lock. Joined before the
# end-to-end tests, which it must not share the cores with.
native_log=$(mktemp)
trap 'rm -f "$log" "$native_log"' EXIT
cargo build --release --quiet -p scalesim-engine --bin workloads >"$native_log" 2>&1 &
native_pid=$!
step "browser tests (wasm-bindgen, headless Chromium)" cargo test -p scalesim-web --target wasm32-unknown-unknown
step "release build" trunk build --release --public-url ./
waited=$SECONDS
native_status=0
wait "$native_pid" || native_status=$?
# Its output and status, as a step (the arguments only name what ran).
native_build() { cat "$native_log"; return "$native_status"; }
step "native release build (beside the two steps above; waited $((SECONDS - waited)) s more)" \
  native_build cargo build --release -p scalesim-engine --bin workloads
step "bundle size (first load, gzipped)" scripts/size.sh
step "end-to-end tests (Playwright, headless Chromium)" node --test tests/e2e/

# One closing count over every runner: cargo's "test result:" lines and
# node's "# pass"/"# fail" lines; a failed step with no count adds a failure.
passed=$(awk '/^test result:/ { for (i = 1; i <= NF; i++) if ($(i+1) ~ /^passed;?$/) p += $i } /^# pass / { p += $3 } END { print p + 0 }' "$log")
failed=$(awk '/^test result:/ { for (i = 1; i <= NF; i++) if ($(i+1) ~ /^failed;?$/) f += $i } /^# fail / { f += $3 } END { print f + 0 }' "$log")
if [ ${#failed_steps[@]} -gt 0 ]; then
  echo "failed steps: ${failed_steps[*]}"
  [ "$failed" -gt 0 ] || failed=${#failed_steps[@]}
fi
echo "$passed passed, $failed failed"
[ ${#failed_steps[@]} -eq 0 ]
