#!/usr/bin/env bash
# Regenerates runtime/tests/fixtures/pjs-transfer.json: a transfer signed by
# the pinned @polkadot/api over this runtime's metadata and dev genesis hash.
# Run it after a change to the genesis state, the metadata or the versions.
set -euo pipefail
cd "$(dirname "$0")/.."
npm --prefix scripts/clients ci --no-audit --no-fund >/dev/null
mkdir -p target
cargo run -q -p entroos-runtime --example chain-info -- target/chain-info.json
node scripts/clients/sign-transfer.mjs target/chain-info.json runtime/tests/fixtures/pjs-transfer.json
