// `npx zombienet -p native spawn zombienet/local-4.toml`, run from the
// repository root as a person would, then polkadot.js (@polkadot/api
// 16.5.6) at the endpoint zombienet prints for alice: the chain answers,
// its genesis is the one zombienet wrote (session keys of //Alice …
// //Dave, their stashes' 2 ENT), the node key is sha256("alice"), and new
// blocks are finalized. Zombienet runs in a process group of its own with
// the nodes it starts; afterwards the group gets SIGINT (zombienet tears
// the network down), then SIGKILL, and the check ends only once no process
// of it is left. The group is killed as well if this process is
// interrupted.
//
//   ENTROOS_NODE_BIN=<path to entroos-node> (zombienet runs `entroos-node`
//   from its directory); ZOMBIENET_RUN_DIR=<run directory, replaced; a new
//   temporary one without it>; zombienet's output goes to <run dir>.out.
//
//   node --test zombienet-spawn.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { waitFor } from './node-process.mjs';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VALIDATORS = ['Alice', 'Bob', 'Charlie', 'Dave'];
// What zombienet gives each validator's stash (its default `balance`).
const STASH_BALANCE = 2_000_000_000_000n;
// libp2p's ed25519 peer id of the node key sha256("alice").
const ALICE_PEER_ID = '12D3KooWQCkBm1BYtkHpocxCwMgR8yjitEeHGx8spzcDLGt2gkBm';
const SPAWN_SECONDS = 240;
const STOP_SECONDS = 30;

let zombienet;
let output = '';
let api;

function plain(text) {
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

// The WebSocket endpoint zombienet printed for `name` (its polkadot.js link).
function printedEndpoint(name) {
  const block = plain(output).split(/Node Information/).find((part) => new RegExp(`Name\\s*:\\s*${name}\\b`).test(part));
  return block?.match(/Direct Link \(pjs\)\s*:\s*\S*\?rpc=(ws:\/\/127\.0\.0\.1:\d+)/)?.[1];
}

function startZombienet(runDir) {
  const bin = process.env.ENTROOS_NODE_BIN;
  if (!bin) throw new Error('ENTROOS_NODE_BIN must name the entroos-node binary');
  rmSync(runDir, { recursive: true, force: true });
  const log = createWriteStream(`${runDir}.out`);
  const child = spawn(
    'npx',
    ['zombienet', '-p', 'native', '-l', 'text', '-d', runDir, '-f', 'spawn', 'zombienet/local-4.toml'],
    {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PATH: `${dirname(bin)}:${process.env.PATH}` },
    },
  );
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      output += chunk.toString();
      log.write(chunk);
    });
  }
  return child;
}

function groupAlive(group) {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup() {
  if (zombienet && groupAlive(zombienet.pid)) process.kill(-zombienet.pid, 'SIGKILL');
}

// SIGINT to the whole group (zombienet tears the network down), SIGKILL if
// that takes too long; resolves once no process of the group is left.
async function stopZombienet() {
  if (!zombienet) return;
  const gone = () => !groupAlive(zombienet.pid);
  if (!gone()) process.kill(-zombienet.pid, 'SIGINT');
  try {
    await waitFor('zombienet to tear the network down', gone, STOP_SECONDS * 1000);
  } catch {
    killGroup();
    await waitFor('every process zombienet started to end', gone, STOP_SECONDS * 1000);
  }
}

process.on('exit', killGroup);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killGroup();
    process.exit(1);
  });
}

before(async () => {
  await cryptoWaitReady();
  const runDir = process.env.ZOMBIENET_RUN_DIR || join(mkdtempSync(join(tmpdir(), 'zombienet-')), 'spawn');
  zombienet = startZombienet(runDir);
  const endpoint = await waitFor(
    'zombienet to print the endpoints of all four nodes',
    () => {
      if (zombienet.exitCode !== null) throw new Error(`zombienet exited (${zombienet.exitCode}):\n${plain(output).slice(-3000)}`);
      return printedEndpoint('dave') && printedEndpoint('alice');
    },
    SPAWN_SECONDS * 1000,
  );
  api = await ApiPromise.create({ provider: new WsProvider(endpoint), noInitWarn: true });
});

after(async () => {
  await api?.disconnect();
  await stopZombienet();
});

test('polkadot.js reaches alice at the endpoint zombienet printed', async () => {
  assert.equal((await api.rpc.system.chain()).toString(), 'Local Testnet');
  assert.equal((await api.rpc.system.localPeerId()).toString(), ALICE_PEER_ID);
  assert.deepEqual((await api.rpc.system.nodeRoles()).map((role) => role.toString()), ['Authority']);
  assert.equal(api.runtimeVersion.specName.toString(), 'entroos');
});

test('the genesis holds the session keys and balances zombienet wrote', async () => {
  const sr = new Keyring({ type: 'sr25519' });
  const ed = new Keyring({ type: 'ed25519' });
  for (const name of VALIDATORS) {
    const stash = sr.addFromUri(`//${name}//stash`).address;
    const keys = (await api.query.entropy.keys(stash)).unwrap();
    assert.equal(keys.vrf.toHex(), u8aToHex(sr.addFromUri(`//${name}`).publicKey), `${name}'s babe key`);
    assert.equal(keys.finality.toHex(), u8aToHex(ed.addFromUri(`//${name}`).publicKey), `${name}'s grandpa key`);
    const { data } = await api.query.system.account(stash);
    assert.equal(data.free.toBigInt() + data.reserved.toBigInt(), STASH_BALANCE, `${name}'s stash balance`);
  }
  assert.equal((await api.query.entropy.keys.keys()).length, VALIDATORS.length);
});

test('the four validators are peers and finalize new blocks', async () => {
  await waitFor('three peers', async () => (await api.rpc.system.health()).peers.toNumber() >= 3, 60_000);
  const start = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
  const finalized = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nothing finalized past #${start + 2} within 60 s`)), 60_000);
    api.rpc.chain
      .subscribeFinalizedHeads((header) => {
        if (header.number.toNumber() >= start + 2) {
          clearTimeout(timer);
          resolve(header.number.toNumber());
        }
      })
      .catch(reject);
  });
  assert.ok(finalized >= start + 2);
});
