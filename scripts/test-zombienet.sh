#!/usr/bin/env bash
# The zombienet step of scripts/test.sh, runnable alone: installs the
# pinned @zombienet/cli (package.json) and polkadot.js (scripts/clients),
# builds entroos-node, then runs zombienet's three tests with the native
# provider (zombienet/*.zndsl) and spawns zombienet/local-4.toml for
# polkadot.js to reach (scripts/clients/zombienet-spawn.mjs). Every run's
# directory — chain specs, keystores, node logs, but not the node
# databases — is kept under <target dir>/zombienet/. Prints how long the
# step took.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
source scripts/lib/zombienet.sh

started=$SECONDS
ensure_toolchain
ensure_node
ensure_npm_packages .
ensure_npm_packages scripts/clients
# With the ledger's fault injection, as scripts/test.sh builds it (one build).
cargo build -q --locked -p entroos-node --features entroos-executor/fault-injection

target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in /*) ;; *) target_dir="$PWD/$target_dir" ;; esac
runs="$target_dir/zombienet"
export PATH="$target_dir/debug:$PATH"
trap kill_zombienet_group EXIT
trap 'exit 130' INT TERM

for test in local-4 validators-and-full finality-loss; do
  step "zombienet test $test"
  run_zombienet_test "$runs" "$test"
done

step "zombienet spawn zombienet/local-4.toml, reached by polkadot.js"
(cd scripts/clients && ENTROOS_NODE_BIN="$target_dir/debug/entroos-node" \
  ZOMBIENET_RUN_DIR="$runs/spawn" \
  timeout --kill-after=15 "${ZOMBIENET_TIMEOUT:-600}" node --test zombienet-spawn.mjs)
drop_node_databases "$runs/spawn"

echo "zombienet step: $((SECONDS - started)) s (logs under $runs)"
