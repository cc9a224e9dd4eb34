#!/usr/bin/env bash
# Regenerates chain-specs/{dev,local}.json from the runtime's presets.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p entroos-node
node_bin="${CARGO_TARGET_DIR:-target}/debug/entroos-node"
"$node_bin" build-spec --chain dev --disable-default-bootnode > chain-specs/dev.json
"$node_bin" build-spec --chain local --disable-default-bootnode > chain-specs/local.json
echo "chain-specs/dev.json and chain-specs/local.json written"
