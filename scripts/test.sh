#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing, then
# formatting, lints, Rust tests, benches compiled, and the ecosystem clients'
# tests (polkadot.js) against EntroOS's own runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh

ensure_toolchain
ensure_node

step "formatting"
cargo fmt --all -- --check

step "lints"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi

step "benches compile"
cargo bench --workspace --locked --no-run

step "polkadot.js client tests (offline metadata, and against a running node)"
npm --prefix scripts/clients ci --no-audit --no-fund --loglevel=error
mkdir -p target
cargo run -q --locked -p entroos-runtime --example chain-info -- target/chain-info.json
cargo build -q --locked -p entroos-node
export ENTROOS_NODE_BIN="$PWD/${CARGO_TARGET_DIR:-target}/debug/entroos-node"
[ -x "$ENTROOS_NODE_BIN" ] || ENTROOS_NODE_BIN="${CARGO_TARGET_DIR}/debug/entroos-node"
(cd scripts/clients && ENTROOS_CHAIN_INFO=../../target/chain-info.json node --test)
