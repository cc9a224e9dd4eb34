// substrate-api-sidecar 18.0.0 (its own polkadot.js 10.13.1 inside) against
// a real `entroos-node --dev`: node and runtime info, blocks with decoded
// extrinsics and events, balances, and POST /transaction.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { freePort, startNode, waitFor } from './node-process.mjs';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
let node;
let sidecar;
let sidecarLog = '';
let base;

async function get(path) {
  const response = await fetch(`${base}${path}`);
  const body = await response.json();
  assert.equal(response.status, 200, `${path}: ${JSON.stringify(body)}`);
  return body;
}

before(async () => {
  node = await startNode(['--state-pruning', 'archive']);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  sidecar = spawn(process.execPath, ['sidecar/node_modules/@substrate/api-sidecar/build/src/main.js'], {
    env: { ...process.env, SAS_SUBSTRATE_URL: node.wsUrl, SAS_EXPRESS_PORT: `${port}`, SAS_EXPRESS_BIND_HOST: '127.0.0.1', SAS_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  sidecar.stdout.on('data', (c) => { sidecarLog = (sidecarLog + c).slice(-20_000); });
  sidecar.stderr.on('data', (c) => { sidecarLog = (sidecarLog + c).slice(-20_000); });
  await waitFor('sidecar to serve /node/version', async () => {
    if (sidecar.exitCode !== null) throw new Error(`sidecar exited:\n${sidecarLog}`);
    return (await fetch(`${base}/node/version`)).ok;
  });
});

after(async () => {
  if (sidecar && sidecar.exitCode === null) {
    const exited = new Promise((r) => sidecar.on('exit', r));
    sidecar.kill('SIGTERM');
    await exited;
  }
  await node?.stop();
});

test('/node/version and /runtime/spec', async () => {
  const version = await get('/node/version');
  assert.equal(version.clientImplName, 'entroos-node');
  assert.match(version.clientVersion, /^\d+\.\d+\.\d+/);
  assert.equal(version.chain, 'Development');
  const spec = await get('/runtime/spec');
  assert.equal(spec.specName, 'entroos');
  assert.equal(spec.properties.tokenSymbol[0], 'ENT');
  assert.equal(spec.properties.ss58Format, '42');
});

test('/blocks/head and /blocks/{n} decode extrinsics and events', async () => {
  await waitFor('block 2', async () => Number((await get('/blocks/head')).number) >= 2);
  const head = await get('/blocks/head');
  assert.ok(head.hash.startsWith('0x'));
  const block = await get('/blocks/1');
  assert.equal(block.number, '1');
  const inherent = block.extrinsics[0];
  assert.equal(inherent.method.pallet, 'timestamp');
  assert.equal(inherent.method.method, 'set');
  assert.ok(inherent.success);
  assert.ok(inherent.events.some((e) => e.method.pallet === 'system' && e.method.method === 'ExtrinsicSuccess'));
});

test('/accounts/{alice}/balance-info', async () => {
  const info = await get(`/accounts/${ALICE}/balance-info`);
  assert.ok(BigInt(info.free) > 0n, JSON.stringify(info));
  assert.deepEqual(info.locks, []);
});

test('POST /transaction with a polkadot.js-signed transfer lands in a block', async () => {
  await cryptoWaitReady();
  const api = await ApiPromise.create({ provider: new WsProvider(node.wsUrl), noInitWarn: true });
  try {
    const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
    const bob = new Keyring({ type: 'sr25519' }).addFromUri('//Bob');
    const signed = await api.tx.balances.transferKeepAlive(bob.address, 3_000_000_000_000n).signAsync(alice, { nonce: -1 });
    const response = await fetch(`${base}/transaction`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tx: signed.toHex() }),
    });
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.hash, signed.hash.toHex());
    const from = Number((await get('/blocks/head')).number);
    const found = await waitFor('the transfer in a finalized block', async () => {
      const head = Number((await get('/blocks/head')).number);
      for (let n = from; n <= head; n++) {
        const block = await get(`/blocks/${n}`);
        const xt = block.extrinsics.find((x) => x.hash === body.hash);
        if (xt) return xt;
      }
      return null;
    });
    assert.equal(found.method.pallet, 'balances');
    assert.equal(found.method.method, 'transferKeepAlive');
    assert.ok(found.success);
    assert.ok(found.events.some((e) => e.method.method === 'Transfer'));
  } finally {
    await api.disconnect();
  }
});
