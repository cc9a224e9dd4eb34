// polkadot.js (@polkadot/api 16.5.6) against a real `entroos-node --dev`:
// accounts, a watched transfer to finality, fees, a burst of 50 transfers,
// storage iteration, historic state, and session keys.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { startNode, waitFor } from './node-process.mjs';

let node;
let api;
let keyring;

before(async () => {
  await cryptoWaitReady();
  node = await startNode(['--state-pruning', 'archive']);
  api = await ApiPromise.create({ provider: new WsProvider(node.wsUrl), noInitWarn: true });
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

// Sends `tx` signed by `pair`; resolves at finality with the block hash, the
// statuses seen and the extrinsic's events.
// `submitted` resolves once the node has accepted it.
function sendAndFinalize(tx, pair, options = {}, submitted = {}) {
  return new Promise((resolve, reject) => {
    const statuses = [];
    submitted.promise = tx.signAndSend(pair, options, (result) => {
      statuses.push(result.status.type);
      if (result.dispatchError) reject(new Error(`dispatch failed: ${result.dispatchError.toString()}`));
      if (result.status.isFinalized) {
        resolve({ blockHash: result.status.asFinalized.toHex(), statuses, events: result.events });
      }
      if (result.status.isInvalid || result.status.isDropped || result.status.isUsurped) {
        reject(new Error(`transaction ${result.status.type}`));
      }
    });
    submitted.promise.catch(reject);
  });
}

test('reads the chain and the dev accounts', async () => {
  assert.equal((await api.rpc.system.chain()).toString(), 'Development');
  assert.equal(api.runtimeVersion.specName.toString(), 'entroos');
  const alice = await api.query.system.account(keyring.addFromUri('//Alice').address);
  const bob = await api.query.system.account(keyring.addFromUri('//Bob').address);
  assert.equal(alice.data.free.toBigInt(), 1n << 60n);
  assert.equal(bob.data.free.toBigInt(), 1n << 60n);
  const properties = await api.rpc.system.properties();
  assert.equal(properties.tokenSymbol.unwrap()[0].toString(), 'ENT');
});

test('a transfer reaches finalized; balances move by amount and amount + fee', async () => {
  const alice = keyring.addFromUri('//Alice');
  const dave = keyring.addFromUri('//Dave');
  const amount = 123_456_789_000n;
  const tx = api.tx.balances.transferKeepAlive(dave.address, amount);
  const info = await tx.paymentInfo(alice);
  const { blockHash, statuses, events } = await sendAndFinalize(tx, alice);
  // The node sends ready, inBlock and finalized; with instant finality
  // polkadot.js may fold inBlock into finalized while it fetches events.
  assert.equal(statuses[0], 'Ready');
  assert.equal(statuses.at(-1), 'Finalized');
  assert.ok(statuses.every((s) => ['Ready', 'InBlock', 'Finalized'].includes(s)), statuses.join());

  const names = events.map(({ event }) => `${event.section}.${event.method}`);
  assert.ok(names.includes('balances.Transfer'), names.join());
  assert.ok(names.includes('system.ExtrinsicSuccess'), names.join());
  const feePaid = events.find(({ event }) => event.section === 'transactionPayment' && event.method === 'TransactionFeePaid');
  const fee = feePaid.event.data[1].toBigInt();
  assert.equal(fee, info.partialFee.toBigInt(), 'paymentInfo predicts the fee charged');

  const block = await api.rpc.chain.getHeader(blockHash);
  const before = await api.at(block.parentHash);
  const after = await api.at(blockHash);
  const aliceBefore = (await before.query.system.account(alice.address)).data.free.toBigInt();
  const aliceAfter = (await after.query.system.account(alice.address)).data.free.toBigInt();
  const daveBefore = (await before.query.system.account(dave.address)).data.free.toBigInt();
  const daveAfter = (await after.query.system.account(dave.address)).data.free.toBigInt();
  assert.equal(daveAfter - daveBefore, amount);
  assert.equal(aliceBefore - aliceAfter, amount + fee);
});

// Each submission is awaited (so the next `nonce: -1` lookup sees it in the
// pool), none of the 50 finalities is.
test('50 transfers sent at once with nonce -1 all land', async () => {
  const charlie = keyring.addFromUri('//Charlie');
  const ferdie = keyring.addFromUri('//Ferdie').address;
  const start = (await api.query.system.account(charlie.address)).nonce.toNumber();
  const sends = [];
  for (let i = 0; i < 50; i++) {
    const submitted = {};
    sends.push(sendAndFinalize(api.tx.balances.transferKeepAlive(ferdie, 1_000_000_000_000n + BigInt(i)), charlie, { nonce: -1 }, submitted));
    await submitted.promise.catch((e) => { throw new Error(`transfer ${i}: ${e.message}`); });
  }
  const results = await Promise.all(sends);
  assert.equal(results.length, 50);
  const nonce = (await api.query.system.account(charlie.address)).nonce.toNumber();
  assert.equal(nonce, start + 50);
});

test('storage iteration lists the endowed accounts', async () => {
  const entries = await api.query.system.account.entries();
  const addresses = new Set(entries.map(([key]) => key.args[0].toString()));
  for (const name of ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie', 'Alice//stash', 'Bob//stash']) {
    assert.ok(addresses.has(keyring.addFromUri(`//${name}`).address), `${name} missing`);
  }
});

test('api.at(old block) returns the old balance', async () => {
  const alice = keyring.addFromUri('//Alice');
  const eve = keyring.addFromUri('//Eve');
  const oldHash = await api.rpc.chain.getFinalizedHead();
  const oldBalance = (await (await api.at(oldHash)).query.system.account(eve.address)).data.free.toBigInt();
  await sendAndFinalize(api.tx.balances.transferKeepAlive(eve.address, 5_000_000_000_000n), alice);
  const now = (await api.query.system.account(eve.address)).data.free.toBigInt();
  assert.equal(now, oldBalance + 5_000_000_000_000n);
  const again = (await (await api.at(oldHash)).query.system.account(eve.address)).data.free.toBigInt();
  assert.equal(again, oldBalance);
  await waitFor('a later block', async () => (await api.rpc.chain.getHeader()).number.toNumber() > 0);
});

test('session keys: author.rotateKeys, author.hasSessionKeys and call.sessionKeys from metadata V15', async () => {
  const keys = await api.rpc.author.rotateKeys();
  assert.equal(keys.length, 32, 'one sr25519 aura key');
  assert.equal((await api.rpc.author.hasSessionKeys(keys)).isTrue, true);
  assert.equal((await api.rpc.author.hasSessionKeys(`0x${'07'.repeat(32)}`)).isTrue, false);
  const decoded = await api.call.sessionKeys.decodeSessionKeys(keys);
  assert.ok(decoded.isSome, decoded.toString());
  const pairs = decoded.unwrap();
  assert.equal(pairs.length, 1);
  const [publicKey, keyType] = pairs[0];
  assert.equal(publicKey.toHex(), keys.toHex());
  assert.equal(Buffer.from(keyType.toU8a()).toString(), 'aura');
  const alice = keyring.addFromUri('//Alice');
  assert.equal((await api.rpc.author.hasKey(u8aToHex(alice.publicKey), 'aura')).isTrue, true, "--dev's key");
});
