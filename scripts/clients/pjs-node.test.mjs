// polkadot.js (@polkadot/api 16.5.6) against a real `entroos-node --dev`:
// accounts, a watched transfer to finality, fees, a burst of 50 transfers,
// storage iteration, historic state, session keys, the entropy pallet's
// storage and runtime API decoded from the metadata, and a proof-of-execution
// job whose dispute the node settles by re-executing the real workload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { blake2AsU8a, cryptoWaitReady, decodeAddress, signatureVerify } from '@polkadot/util-crypto';
import { stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { readFileSync } from 'node:fs';
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
  assert.equal(keys.length, 64, 'an sr25519 babe key and an ed25519 gran key');
  assert.equal((await api.rpc.author.hasSessionKeys(keys)).isTrue, true);
  assert.equal((await api.rpc.author.hasSessionKeys(`0x${'07'.repeat(64)}`)).isTrue, false);
  const decoded = await api.call.sessionKeys.decodeSessionKeys(keys);
  assert.ok(decoded.isSome, decoded.toString());
  const pairs = decoded.unwrap().map(([publicKey, keyType]) => [publicKey.toHex(), Buffer.from(keyType.toU8a()).toString()]);
  assert.deepEqual(pairs, [[u8aToHex(keys.subarray(0, 32)), 'babe'], [u8aToHex(keys.subarray(32)), 'gran']]);
  const alice = keyring.addFromUri('//Alice');
  assert.equal((await api.rpc.author.hasKey(u8aToHex(alice.publicKey), 'babe')).isTrue, true, "--dev's key");
});

test('the entropy pallet: storage, constants and call.entropyApi from metadata V15', async () => {
  const alice = keyring.addFromUri('//Alice');
  const stash = keyring.addFromUri('//Alice//stash');
  const ledger = await api.query.entropy.ledger(stash.address);
  assert.ok(ledger.isSome, 'the dev validator is bonded');
  assert.equal(ledger.unwrap().active.toBigInt(), 1_000_000_000_000n);
  const keys = (await api.query.entropy.keys(stash.address)).unwrap();
  assert.equal(keys.vrf.toHex(), u8aToHex(alice.publicKey));
  const params = await api.query.entropy.parameters();
  assert.equal(params.slotDuration.toNumber(), 1000);
  assert.equal(params.primaryProbability.toBigInt(), 250_000_000_000_000_000n);
  assert.equal((await api.call.entropyApi.slotDuration()).toNumber(), 1000);
  const epoch = await api.call.entropyApi.currentEpoch();
  assert.equal(epoch.index.toNumber(), (await api.query.entropy.currentEpoch()).toNumber());
  assert.ok(epoch.startSlot.isSome, 'the chain has started');
  assert.equal(epoch.length.toNumber(), 600);
  assert.equal(epoch.authorities.length, 1);
  assert.equal(epoch.authorities[0].vrfKey.toHex(), u8aToHex(alice.publicKey));
  assert.equal(epoch.authorities[0].stash.toString(), stash.address);
  const next = await api.call.entropyApi.nextEpoch();
  assert.equal(next.index.toNumber(), epoch.index.toNumber() + 1);
  const voters = await api.call.entropyApi.finalityVoters();
  assert.equal(voters.voters.length, 1);
  assert.equal(api.consts.entropy.maxValidators.toNumber(), 64);
});

test('Bob bonds, sets session keys and validates: polkadot.js encodes the calls and decodes the events and storage', async () => {
  const bob = keyring.addFromUri('//Bob');
  const vrf = keyring.addFromUri('//Bob//entroos-vrf');
  const finality = new Keyring({ type: 'ed25519' }).addFromUri('//Bob//entroos-gran');
  const bond = 2_000_000_000_000n;
  const bonded = await sendAndFinalize(api.tx.entropy.bond(bond), bob);
  const bondedEvent = bonded.events.find(({ event }) => event.section === 'entropy' && event.method === 'Bonded');
  assert.ok(bondedEvent, bonded.events.map(({ event }) => event.method).join());
  assert.equal(bondedEvent.event.data.amount.toBigInt(), bond);

  // Both keys sign "entroos/session-keys" ++ stash ++ vrf ++ finality.
  const message = u8aConcat(stringToU8a('entroos/session-keys'), bob.publicKey, vrf.publicKey, finality.publicKey);
  const keys = { vrf: vrf.publicKey, finality: finality.publicKey };
  const proof = { vrfSignature: vrf.sign(message), finalitySignature: finality.sign(message) };
  const set = await sendAndFinalize(api.tx.entropy.setKeys(keys, proof), bob);
  const keysSet = set.events.find(({ event }) => event.section === 'entropy' && event.method === 'KeysSet');
  assert.ok(keysSet, set.events.map(({ event }) => event.method).join());
  // `data.keys` is a method of the event data; the field is the second one.
  assert.equal(keysSet.event.data[1].vrf.toHex(), u8aToHex(vrf.publicKey));

  const prefs = { commission: 50_000_000, operator: 'op-bob', zone: 'eu-1' };
  const validated = await sendAndFinalize(api.tx.entropy.validate(prefs), bob);
  assert.ok(validated.events.some(({ event }) => event.section === 'entropy' && event.method === 'ValidatorPrefsSet'));

  const candidate = (await api.query.entropy.candidates(bob.address)).unwrap();
  assert.equal(candidate.zone.toUtf8(), 'eu-1');
  assert.equal((await api.query.entropy.ledger(bob.address)).unwrap().active.toBigInt(), bond);
  const owner = await api.query.entropy.keyOwner(['Vrf', vrf.publicKey]);
  assert.equal(owner.unwrap().toString(), bob.address);
  // Every storage item of the pallet decodes from the live state.
  for (const [name, query] of Object.entries(api.query.entropy)) {
    const decoded = query.meta.type.isMap ? await query.entries() : await query();
    assert.ok(decoded !== undefined, name);
  }
});

const workload = (name) => readFileSync(new URL(`../../workloads/wasm/${name}.wasm`, import.meta.url));
// polkadot.js reads a Uint8Array given for `Vec<u8>` as already length-prefixed: raw bytes go as hex.
const hexBytes = (u8a) => u8aToHex(u8a);

const u64le = (n) => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(n), true);
  return bytes;
};

// FNV-1a 64 over `data`, `rounds` times: what the hash kernel computes.
function fnv1a64(data, rounds) {
  let h = 0xcbf29ce484222325n;
  for (let r = 0; r < rounds; r++) {
    for (const byte of data) h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

// Sends `tx`; resolves with the name of the module error it fails with.
function dispatchErrorOf(tx, pair) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(pair, (result) => {
      if (result.dispatchError?.isModule) {
        const { section, name } = api.registry.findMetaError(result.dispatchError.asModule);
        resolve(`${section}.${name}`);
      } else if (result.status.isFinalized) {
        reject(new Error('the call succeeded'));
      }
    }).catch(reject);
  });
}

const poeEvent = (events, method) => events.find(({ event }) => event.section === 'poe' && event.method === method)?.event;

test('the poe pallet: polkadot.js drives a job whose dispute the node settles by re-execution', async () => {
  const [alice, bob, charlie, dave, eve] = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve'].map((n) => keyring.addFromUri(`//${n}`));
  assert.equal(await dispatchErrorOf(api.tx.poe.uploadModule(hexBytes(workload('clock_importer'))), alice), 'poe.ForbiddenImport');

  const code = workload('hash_kernel');
  const stored = await sendAndFinalize(api.tx.poe.uploadModule(hexBytes(code)), alice);
  const moduleHash = poeEvent(stored.events, 'ModuleStored').data.module.toHex();
  assert.equal(moduleHash, u8aToHex(blake2AsU8a(code)));
  assert.equal((await api.query.poe.modules(moduleHash)).unwrap().codeBytes.toNumber(), code.length);

  const providers = [bob, charlie, dave, eve];
  const bond = 1_000_000_000_000n;
  await Promise.all(providers.map((p, i) => sendAndFinalize(api.tx.poe.registerProvider(bond, {
    operator: `op-${i}`, zone: `zone-${i}`, capacity: { cpuMillis: 1000, memoryMib: 64 }, labels: ['wasm'],
  }), p)));
  assert.equal((await api.query.poe.providerCount()).toNumber(), 4);

  const data = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) % 251);
  const input = u8aConcat(new Uint8Array([3, 0, 0, 0]), data);
  const now = (await api.rpc.chain.getHeader()).number.toNumber();
  const submit = api.tx.poe.submitJob(moduleHash, hexBytes(input), 20_000_000, 64, 3, 3_000_000_000n, now + 200);
  const submitted = await sendAndFinalize(submit, alice);
  const jobId = poeEvent(submitted.events, 'JobSubmitted').data.jobId.toNumber();
  const job = await waitFor('the job to be assigned', async () => {
    const found = (await api.query.poe.jobs(jobId)).unwrap();
    return found.status.isCommitting ? found : null;
  });
  const executors = job.executors.map((e) => e.toString());
  assert.equal(executors.length, 3);
  assert.ok(!executors.includes(alice.address), 'never the owner');

  // Every executor reports a different, made-up output: no quorum.
  const receiptType = api.tx.poe.revealReceipt.meta.args[1].type.toString();
  const seed = job.entropySeed.toU8a();
  const signer = new Map(providers.map((p) => [p.address, p]));
  const answers = executors.map((address, i) => {
    const outputHash = blake2AsU8a(stringToU8a(`made up ${i}`));
    const fuelUsed = 1000 + i;
    const proof = blake2AsU8a(u8aConcat(u64le(jobId), seed, u64le(fuelUsed), outputHash));
    const receipt = api.createType(receiptType, {
      jobId, outputHash, logHash: blake2AsU8a(new Uint8Array()), exit: { Exited: 0 }, fuelUsed, proof,
    });
    const salt = blake2AsU8a(stringToU8a(`salt ${address}`));
    const commitment = blake2AsU8a(u8aConcat(receipt.toU8a(), decodeAddress(address), salt));
    // The receipt signature: sr25519 (Substrate's signing context) over
    // "entroos/poe-receipt" ++ SCALE(receipt) ++ executor.
    const signingPayload = u8aConcat(stringToU8a('entroos/poe-receipt'), receipt.toU8a(), decodeAddress(address));
    const signature = signer.get(address).sign(signingPayload);
    return { address, receipt, salt, commitment, signingPayload, signature };
  });
  await Promise.all(answers.map((a) => sendAndFinalize(api.tx.poe.commitReceipt(jobId, a.commitment), signer.get(a.address))));
  // A receipt signed by another executor is refused.
  const [first, second] = answers;
  const forged = api.tx.poe.revealReceipt(jobId, first.receipt, first.salt, second.signature);
  assert.equal(await dispatchErrorOf(forged, signer.get(first.address)), 'poe.BadReceiptSignature');
  await Promise.all(answers.map((a) => sendAndFinalize(api.tx.poe.revealReceipt(jobId, a.receipt, a.salt, a.signature), signer.get(a.address))));
  for (const a of answers) {
    const stored = (await api.query.poe.receipts(jobId, a.address)).unwrap();
    assert.equal(stored.receipt.toHex(), a.receipt.toHex());
    assert.ok(signatureVerify(a.signingPayload, stored.signature, a.address).isValid, 'the stored receipt verifies offline');
  }

  const record = await waitFor('the proof record', async () => {
    const found = await api.query.poe.proofRecords(jobId);
    return found.isSome ? found.unwrap() : null;
  });
  const expected = `fnv1a64 rounds=3 bytes=4096 hash=${fnv1a64(data, 3)}\n`;
  assert.ok(record.settlement.isReExecution);
  assert.equal(record.verdict.outputHash.toHex(), u8aToHex(blake2AsU8a(stringToU8a(expected))), 'the node ran the real workload');
  assert.ok(record.verdict.exit.isExited);
  assert.equal(record.agreeing.length, 0);
  for (const address of executors) {
    assert.equal((await api.query.poe.providers(address)).unwrap().bond.toBigInt(), bond - bond / 10n);
  }
  const settledAt = await api.rpc.chain.getBlockHash(record.settledAt);
  const events = (await api.query.system.events.at(settledAt)).map((r) => r);
  assert.ok(poeEvent(events, 'JobDisputed'));
  assert.equal(poeEvent(events, 'JobReExecuted').data.outputHash.toHex(), record.verdict.outputHash.toHex());
  assert.ok(poeEvent(events, 'JobVerified').data.settlement.isReExecution);
  assert.equal(events.filter(({ event }) => event.section === 'poe' && event.method === 'ExecutorSlashed').length, 3);
  assert.equal((await api.query.poe.jobs(jobId)).unwrap().status.type, 'Verified');
  // Every storage item of the pallet decodes from the live state.
  for (const [name, query] of Object.entries(api.query.poe)) {
    const decoded = query.meta.type.isMap ? await query.entries() : await query();
    assert.ok(decoded !== undefined, name);
  }
  assert.equal((await api.query.poe.receipts.entries(jobId)).length, 3);
});
