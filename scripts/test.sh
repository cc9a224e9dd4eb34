#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing, then
# formatting, lints, Rust tests, benches compiled, and the ecosystem clients'
# tests (polkadot.js, polkadot-api, sidecar, py-substrate-interface, subxt,
# SubQuery on a throwaway PostgreSQL) against a running node, and zombienet's
# tests of local networks.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
source scripts/lib/postgres.sh

ensure_toolchain
ensure_node
ensure_postgres_server

# Test builds inject faults into the ledger's off-chain worker on request
# (pallet-poe's `fault-injection`, forwarded by entroos-runtime and
# entroos-executor, which entroos-node depends on): every build below has
# it, so the suite builds once.
workspace_features=(--features pallet-poe/fault-injection,entroos-executor/fault-injection)
node_features=(--features entroos-executor/fault-injection)
runtime_features=(--features fault-injection)

step "formatting"
cargo fmt --all -- --check

step "lints"
cargo clippy --workspace --all-targets --locked "${workspace_features[@]}" -- -D warnings

step "Rust tests"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast "${workspace_features[@]}"
else
  cargo test --workspace --locked --no-fail-fast "${workspace_features[@]}"
fi

step "benches compile and link (dev profile; scripts/bench-* and cargo bench measure in release)"
cargo test --workspace --locked --benches --no-run "${workspace_features[@]}"

step "ecosystem clients (polkadot.js, polkadot-api, sidecar, py-substrate-interface, subxt, SubQuery) against a running node"
target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in /*) ;; *) target_dir="$PWD/$target_dir" ;; esac
ensure_npm_packages scripts/clients
npm --prefix scripts/clients/sidecar ci --no-audit --no-fund --loglevel=error
ensure_npm_packages scripts/clients/subquery
ensure_python_clients "$target_dir/py-clients"
mkdir -p target
cargo run -q --locked -p entroos-runtime "${runtime_features[@]}" --example chain-info -- target/chain-info.json
cargo build -q --locked -p entroos-node "${node_features[@]}"
cargo build -q --locked -p entroos-executor-wasm --example native-workload
cargo build -q --locked --manifest-path scripts/clients/subxt/Cargo.toml --target-dir "$target_dir"
logs="$target_dir/client-logs"
mkdir -p "$logs"
start_throwaway_postgres "$logs/postgres.log"
trap stop_throwaway_postgres EXIT
trap 'exit 130' INT TERM
(cd scripts/clients && ENTROOS_CHAIN_INFO=../../target/chain-info.json \
  ENTROOS_NODE_BIN="$target_dir/debug/entroos-node" \
  ENTROOS_NATIVE_WORKLOAD_BIN="$target_dir/debug/examples/native-workload" \
  ENTROOS_CLIENT_LOGS="$logs" \
  ENTROOS_PYTHON="$target_dir/py-clients/bin/python" \
  ENTROOS_SUBXT_BIN="$target_dir/debug/entroos-subxt-test" \
  node --test --test-concurrency=1)

step "zombienet (@zombienet/cli 1.3.138, native provider): local networks of entroos-node"
bash scripts/test-zombienet.sh
