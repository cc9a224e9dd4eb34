// subxt (Rust, dynamic API, its own crate in ./subxt) against a real
// `entroos-node --dev`. ENTROOS_SUBXT_BIN names the built test binary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startNode } from './node-process.mjs';

test('subxt reads storage and finalizes a transfer', async () => {
  const bin = process.env.ENTROOS_SUBXT_BIN;
  assert.ok(bin, 'ENTROOS_SUBXT_BIN must name the subxt test binary');
  const node = await startNode();
  try {
    const run = spawnSync(bin, [node.wsUrl], { encoding: 'utf8', timeout: 120_000 });
    console.log(run.stdout);
    assert.equal(run.status, 0, `${run.stderr}\n${run.stdout}`);
  } finally {
    await node.stop();
  }
});
