// polkadot.js (@polkadot/api 16.5.6) watching the local chain's four
// validators as real `entroos-node` processes (one-second slots, ten-slot
// epochs), with Alice's keys run by a second process as well: the twin
// authors blocks in Alice's slots and votes with Alice's finality key, any
// node reports the equivocation in an unsigned transaction, and the chain
// slashes Alice. polkadot.js sees the `Entropy.Slashed` event from its
// metadata alone, and sees Alice left out of the next set; finality goes
// on all the while.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { waitFor } from './node-process.mjs';
import { fastLocalSpec, startFourValidators, startValidator } from './local-network.mjs';

const WAIT_MS = 120_000;
let nodes = [];
let api;
let spec;
let aliceBoot;

before(async () => {
  await cryptoWaitReady();
  spec = fastLocalSpec();
  ({ nodes, aliceBoot } = await startFourValidators(spec.path));
  api = await ApiPromise.create({ provider: new WsProvider(nodes[1].wsUrl), noInitWarn: true });
});

after(async () => {
  await api?.disconnect();
  await Promise.all(nodes.map((node) => node.stop()));
  spec?.remove();
});

test('a validator run twice is reported and slashed, visible through polkadot.js events', async () => {
  await waitFor('the four validators to finalize #3', async () => {
    const hash = await api.rpc.chain.getFinalizedHead();
    const header = await api.rpc.chain.getHeader(hash);
    return header.number.toNumber() >= 3;
  }, WAIT_MS);
  const keyring = new Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  const aliceStash = keyring.addFromUri('//Alice//stash');
  const slashed = new Promise((resolve) => {
    const unsubscribe = api.query.system.events((records) => {
      for (const { event } of records) {
        if (api.events.entropy.Slashed.is(event)) {
          unsubscribe.then((stop) => stop());
          resolve({ event, at: records.createdAtHash });
        }
      }
    });
  });
  nodes.push((await startValidator(spec.path, 'alice', aliceBoot)).node);

  const timeout = new Promise((_, reject) => setTimeout(
    () => reject(new Error('no Entropy.Slashed event within the wait')), WAIT_MS,
  ).unref());
  const { event, at } = await Promise.race([slashed, timeout]);
  const { stash, amount, time } = event.data;
  assert.equal(stash.toString(), aliceStash.address, "Alice's stash is the offender");
  assert.ok(amount.toBigInt() > 0n, 'some of her bond is burned');
  assert.ok(time.isSlot || time.isRound, `the offence is dated: ${time.toString()}`);
  console.log(`Entropy.Slashed ${stash.toString()} ${amount.toString()} for ${time.toString()} at ${at?.toHex?.()}`);

  const next = await api.call.entropyApi.nextEpoch();
  const keys = next.authorities.map((authority) => authority.vrfKey.toHex());
  assert.ok(!keys.includes(u8aToHex(alice.publicKey)), 'Alice is out of the next set');
  assert.ok(keys.length >= 3, `the rest stay: ${keys.length}`);

  const finalizedAtSlash = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
  await waitFor('finality to go on after the slash', async () => {
    const header = await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead());
    return header.number.toNumber() >= finalizedAtSlash + 3;
  }, WAIT_MS);
});
