// polkadot.js (@polkadot/api 16.5.6) against a network of four real
// `entroos-node` processes on 127.0.0.1: one authority (`--dev`, Alice) and
// three full nodes (`--chain dev`) that know only the authority, by a `/ws`
// boot-node address. The full nodes find each other through Kademlia; a
// transfer submitted by polkadot.js to the fourth node is included by the
// authority and reported finalized by the fourth node.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { freePort, rpc, startNode, waitFor } from './node-process.mjs';

const WAIT_MS = 90_000;
const nodes = [];
let api;

async function p2pListen() {
  return `/ip4/127.0.0.1/tcp/${await freePort()}/ws`;
}

before(async () => {
  await cryptoWaitReady();
  const authorityListen = await p2pListen();
  const authority = await startNode(['--no-mdns', '--listen-addr', authorityListen]);
  nodes.push(authority);
  const peerId = (await rpc(authority.httpUrl, 'system_localPeerId')).result;
  const bootnode = `${authorityListen}/p2p/${peerId}`;
  for (let i = 0; i < 3; i += 1) {
    const listen = await p2pListen();
    nodes.push(
      await startNode(['--no-mdns', '--listen-addr', listen, '--bootnodes', bootnode], ['--chain', 'dev', '--tmp']),
    );
  }
  api = await ApiPromise.create({ provider: new WsProvider(nodes[3].wsUrl), noInitWarn: true });
});

after(async () => {
  await api?.disconnect();
  await Promise.all(nodes.map((node) => node.stop()));
});

async function header(node, method, params = []) {
  const { result } = await rpc(node.httpUrl, method, params);
  return result;
}

test('every node finds the other three through Kademlia', async () => {
  await waitFor(
    'every node to have three peers',
    async () => {
      const healths = await Promise.all(nodes.map((node) => rpc(node.httpUrl, 'system_health')));
      return healths.every(({ result }) => result.peers >= 3);
    },
    WAIT_MS,
  );
  const peers = (await rpc(nodes[3].httpUrl, 'system_peers')).result;
  const roles = peers.map((peer) => peer.roles).sort();
  assert.deepEqual(roles, ['AUTHORITY', 'FULL', 'FULL'], JSON.stringify(peers));
});

test('the four nodes reach the same best and finalized hashes', async () => {
  const target = (await header(nodes[0], 'chain_getHeader')).number;
  await waitFor(
    `all four nodes to finalize block ${Number(target)}`,
    async () => {
      const hashes = await Promise.all(nodes.map((node) => header(node, 'chain_getBlockHash', [Number(target)])));
      const finalized = await Promise.all(nodes.map((node) => header(node, 'chain_getFinalizedHead')));
      const numbers = await Promise.all(
        nodes.map(async (node, i) => Number((await header(node, 'chain_getHeader', [finalized[i]])).number)),
      );
      return hashes.every((hash) => hash && hash === hashes[0]) && numbers.every((n) => n >= Number(target));
    },
    WAIT_MS,
  );
});

test('a transfer sent by polkadot.js to the fourth node is included by the authority and finalized there', async () => {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const bob = keyring.addFromUri('//Bob');
  const ferdie = keyring.addFromUri('//Ferdie');
  const amount = 987_654_321_000n;
  const before = (await api.query.system.account(ferdie.address)).data.free.toBigInt();
  const tx = api.tx.balances.transferKeepAlive(ferdie.address, amount);

  const statuses = [];
  const finalizedIn = await new Promise((resolve, reject) => {
    tx.signAndSend(bob, (result) => {
      statuses.push(result.status.type);
      if (result.dispatchError) reject(new Error(`dispatch failed: ${result.dispatchError.toString()}`));
      if (result.status.isFinalized) resolve(result.status.asFinalized.toHex());
      if (result.status.isInvalid || result.status.isDropped || result.status.isUsurped) {
        reject(new Error(`transaction ${result.status.type}`));
      }
    }).catch(reject);
  });
  assert.equal(statuses.at(-1), 'Finalized', statuses.join());

  const { block } = (await rpc(nodes[0].httpUrl, 'chain_getBlock', [finalizedIn])).result;
  assert.ok(block, `the authority has block ${finalizedIn}`);
  assert.ok(
    block.extrinsics.includes(tx.toHex()),
    `block ${finalizedIn} on the authority holds the transfer`,
  );
  const canonical = await header(nodes[0], 'chain_getBlockHash', [Number(block.header.number)]);
  assert.equal(canonical, finalizedIn, 'the block is on the authority\'s canonical chain');

  const after = (await api.query.system.account(ferdie.address)).data.free.toBigInt();
  assert.equal(after - before, amount);
});
