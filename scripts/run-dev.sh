#!/usr/bin/env bash
# Sets up a fresh Debian machine (build tools, Debian's RocksDB) and runs a
# development node: Alice authors 1 s blocks, the dev accounts are endowed,
# JSON-RPC on ws://127.0.0.1:9944, metrics on http://127.0.0.1:9615/metrics.
# Extra arguments go to the node (e.g. --tmp for a throwaway chain).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
ensure_toolchain
cargo build --release --locked -p entroos-node
exec "${CARGO_TARGET_DIR:-target}/release/entroos-node" --dev "$@"
