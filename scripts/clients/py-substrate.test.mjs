// py-substrate-interface (pinned in python/requirements.txt) against a real
// `entroos-node --dev`. ENTROOS_PYTHON names the interpreter of the venv
// that scripts/test.sh prepares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startNode } from './node-process.mjs';

test('py-substrate-interface reads an account and finalizes a transfer', async () => {
  const python = process.env.ENTROOS_PYTHON;
  assert.ok(python, 'ENTROOS_PYTHON must name the venv interpreter');
  const node = await startNode();
  try {
    const run = spawnSync(python, ['python/transfer_test.py', node.wsUrl], { encoding: 'utf8', timeout: 120_000 });
    console.log(run.stdout);
    assert.equal(run.status, 0, `${run.stderr}\n${run.stdout}`);
  } finally {
    await node.stop();
  }
});
