#!/usr/bin/env bash
# Installs what is missing, then builds and serves the app at
# http://127.0.0.1:8080/ (rebuilding on every change).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
echo "scalesim: serving at http://127.0.0.1:8080/ (Ctrl+C to stop)"
exec trunk serve --address 127.0.0.1 --port 8080 "$@"
