// The consensus RPC (`entropy_*`) and metrics (`entroos_*`) of a real
// `entroos-node --dev`, each method called through polkadot.js's WsProvider
// and checked against polkadot.js's own decoding of the Entropy storage
// (metadata V14), with a candidate (Bob) joining outside the set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { startNode, waitFor } from './node-process.mjs';

const BILLION = 1_000_000_000n;
const FIXED_PER_PPB = 1_000_000_000n; // FixedU128 is value × 10^18

let node;
let provider;
let api;
let keyring;

before(async () => {
  await cryptoWaitReady();
  node = await startNode();
  provider = new WsProvider(node.wsUrl);
  api = await ApiPromise.create({ provider, noInitWarn: true });
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

// Raw calls through the provider polkadot.js itself uses.
const send = (method, params = []) => provider.send(method, params);

// The JSON-RPC error of `method(params)`.
async function rejection(method, params) {
  try {
    await send(method, params);
  } catch (e) {
    return e;
  }
  assert.fail(`${method}(${JSON.stringify(params)}) succeeded`);
}

// The Entropy storage at `at`, decoded by polkadot.js.
async function storageAt(at) {
  const view = await api.at(at);
  const epoch = (await view.query.entropy.currentEpoch()).toBigInt();
  const set = (await view.query.entropy.epochSets(epoch)).unwrap();
  const next = await view.query.entropy.epochSets(epoch + 1n);
  return { view, epoch, set, next };
}

// Sends `tx` signed by `pair`; resolves once it is in a finalized block.
function finalize(tx, pair) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(pair, (result) => {
      if (result.dispatchError) reject(new Error(result.dispatchError.toString()));
      if (result.status.isFinalized) resolve(result.status.asFinalized.toHex());
      if (result.status.isInvalid || result.status.isDropped) reject(new Error(result.status.type));
    }).catch(reject);
  });
}

test('entropy_validators: the set from EpochSets, bonds, scores and declarations', async () => {
  const at = (await api.rpc.chain.getFinalizedHead()).toHex();
  const report = await send('entropy_validators', [at]);
  const { view, epoch, set } = await storageAt(at);
  assert.equal(BigInt(report.epoch), epoch);
  assert.equal(BigInt(report.totalWeight), set.totalWeight.toBigInt());
  const members = report.validators.filter((v) => v.member);
  assert.equal(members.length, set.authorities.length);
  for (const [i, authority] of set.authorities.entries()) {
    const v = members[i];
    assert.equal(v.stash, authority.stash.toString(), 'set order, SS58');
    assert.equal(v.stashHex, authority.stash.toHex());
    assert.equal(BigInt(v.weight), authority.weight.toBigInt());
    const share = (authority.weight.toBigInt() * BILLION) / set.totalWeight.toBigInt();
    assert.equal(BigInt(v.share.ppb), share);
    // `keys` is a method of a polkadot.js struct: it renames the field `keys_`.
    const keys = authority.get('keys_');
    assert.deepEqual(v.sessionKeys, { vrf: keys.vrf.toHex(), finality: keys.finality.toHex() });
    const ledger = (await view.query.entropy.ledger(authority.stash)).unwrap();
    assert.equal(BigInt(v.stake), ledger.active.toBigInt());
    const scores = (await view.query.entropy.scores(authority.stash)).unwrap();
    assert.equal(BigInt(v.reliability.ppb), scores.reliability.toBigInt() / FIXED_PER_PPB);
    assert.equal(BigInt(v.entropy.ppb), scores.entropy.toBigInt() / FIXED_PER_PPB);
    const prefs = await view.query.entropy.candidates(authority.stash);
    assert.equal(v.candidate, prefs.isSome);
    if (prefs.isSome) assert.equal(v.commission.ppb, prefs.unwrap().commission.toNumber());
  }
  const alice = keyring.addFromUri('//Alice//stash');
  assert.equal(members[0].stash, alice.address);
  assert.equal(members[0].share.decimal, '1.000000000', 'the only member holds all the weight');
});

test('a candidate outside the set is listed with its declarations and keys', async () => {
  const bob = keyring.addFromUri('//Bob');
  const vrf = keyring.addFromUri('//Bob//entroos-vrf');
  const gran = new Keyring({ type: 'ed25519' }).addFromUri('//Bob//entroos-gran');
  const bond = 2_000_000_000_000n;
  await finalize(api.tx.entropy.bond(bond), bob);
  const message = u8aConcat(stringToU8a('entroos/session-keys'), bob.publicKey, vrf.publicKey, gran.publicKey);
  const keys = { vrf: vrf.publicKey, finality: gran.publicKey };
  const proof = { vrfSignature: vrf.sign(message), finalitySignature: gran.sign(message) };
  await finalize(api.tx.entropy.setKeys(keys, proof), bob);
  const at = await finalize(api.tx.entropy.validate({ commission: 50_000_000, operator: 'op-bob', zone: 'eu-1' }), bob);

  const report = await send('entropy_validators', [at]);
  const entry = report.validators.find((v) => v.stash === bob.address);
  assert.ok(entry, JSON.stringify(report));
  const view = await api.at(at);
  const prefs = (await view.query.entropy.candidates(bob.address)).unwrap();
  assert.equal(entry.member, false);
  assert.equal(entry.candidate, true);
  assert.equal(entry.operator, prefs.operator.toUtf8());
  assert.equal(entry.zone, prefs.zone.toUtf8());
  assert.equal(entry.commission.ppb, prefs.commission.toNumber());
  assert.equal(entry.commission.decimal, '0.050000000');
  assert.equal(BigInt(entry.stake), (await view.query.entropy.ledger(bob.address)).unwrap().active.toBigInt());
  assert.equal(entry.share.ppb, 0, 'not in the set');
  assert.ok(BigInt(entry.weight) > 0n, 'the weight it would be selected with');
  assert.equal(entry.sessionKeys.vrf, u8aToHex(vrf.publicKey));
  assert.equal(entry.sessionKeys.finality, u8aToHex(gran.publicKey));
});

// Normalized Shannon entropy of `weights` (1 = even), as a float.
function entropy(weights) {
  const total = weights.reduce((a, b) => a + b, 0n);
  if (weights.length < 2 || total === 0n) return 0;
  const h = weights.reduce((sum, w) => {
    const p = Number(w) / Number(total);
    return p > 0 ? sum - p * Math.log(p) : sum;
  }, 0);
  return h / Math.log(weights.length);
}

// The fewest of `weights` (heaviest first) holding at least a third.
function nakamoto(weights) {
  const total = weights.reduce((a, b) => a + b, 0n);
  let held = 0n;
  const sorted = [...weights].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  for (const [i, w] of sorted.entries()) {
    held += w;
    if (held * 3n >= total) return i + 1;
  }
  return 0;
}

test('entropy_diversity: entropies and Nakamoto coefficients of the set’s weights', async () => {
  const at = (await api.rpc.chain.getFinalizedHead()).toHex();
  const diversity = await send('entropy_diversity', [at]);
  const { view, epoch, set } = await storageAt(at);
  const weights = set.authorities.map((a) => a.weight.toBigInt());
  assert.equal(BigInt(diversity.epoch), epoch);
  assert.equal(diversity.validators, weights.length);
  assert.equal(diversity.nakamoto, nakamoto(weights));
  assert.ok(Math.abs(Number(diversity.validatorEntropy.decimal) - entropy(weights)) < 1e-6);
  const byOperator = new Map();
  for (const a of set.authorities) {
    const prefs = await view.query.entropy.candidates(a.stash);
    const operator = prefs.isSome && prefs.unwrap().operator.length ? prefs.unwrap().operator.toHex() : a.stash.toHex();
    byOperator.set(operator, (byOperator.get(operator) ?? 0n) + a.weight.toBigInt());
  }
  assert.equal(diversity.operatorNakamoto, nakamoto([...byOperator.values()]));
  assert.ok(Math.abs(Number(diversity.operatorEntropy.decimal) - entropy([...byOperator.values()])) < 1e-6);
  assert.equal(BigInt(diversity.validatorEntropy.ppb), BigInt(diversity.validatorEntropy.decimal.replace('.', '')) / FIXED_PER_PPB);
});

test('entropy_epoch: index, slots, randomness and the next set from storage', async () => {
  const at = (await api.rpc.chain.getFinalizedHead()).toHex();
  const epoch = await send('entropy_epoch', [at]);
  const { view, epoch: index, set, next } = await storageAt(at);
  const params = await view.query.entropy.parameters();
  const genesisSlot = (await view.query.entropy.genesisSlot()).unwrap().toBigInt();
  assert.equal(BigInt(epoch.index), index);
  assert.equal(BigInt(epoch.length), params.epochLength.toBigInt());
  assert.equal(BigInt(epoch.slotDuration), params.slotDuration.toBigInt());
  assert.equal(BigInt(epoch.startSlot), genesisSlot + index * params.epochLength.toBigInt());
  assert.equal(epoch.randomness, set.randomness.toHex());
  assert.equal(epoch.setSize, set.authorities.length);
  assert.equal(epoch.nextSetSize, next.unwrap().authorities.length);
  assert.equal(BigInt(epoch.setId), index, 'the finality set id is the epoch index');
});

test('entropy_proveFinality, the justification subscription and the round state', async () => {
  const alice = new Keyring({ type: 'ed25519' }).addFromUri('//Alice');
  const aliceKey = u8aToHex(alice.publicKey);
  const finalized = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
  const target = Math.max(1, finalized - 2);
  const proof = await waitFor('a finality proof of a finalized block', () => send('entropy_proveFinality', [target]));
  assert.equal(proof.block.number, target);
  assert.ok(proof.justified.number >= target && proof.justified.number <= finalized + 5, JSON.stringify(proof.justified));
  assert.equal(proof.decoded.target.number, proof.justified.number);
  assert.deepEqual(proof.decoded.precommits.map((p) => p.voter), [aliceKey], "Alice's finality key precommitted");
  const hashAt = (await api.rpc.chain.getBlockHash(proof.justified.number)).toHex();
  assert.equal(proof.justified.hash, hashAt, 'the justified block is on the finalized chain');
  assert.equal(await send('entropy_proveFinality', [finalized + 100_000]), null, 'not final');
  assert.match((await rejection('entropy_proveFinality', ['abc'])).message, /-32602/);
  assert.match((await rejection('entropy_validators', ['0x1234'])).message, /-32602/);
  assert.match((await rejection('entropy_epoch', [u8aToHex(new Uint8Array(32).fill(9))])).message, /4003/);

  let notified;
  const arrived = new Promise((resolve) => { notified = resolve; });
  const id = await provider.subscribe('entropy_justification', 'entropy_subscribeJustifications', [], (error, value) => {
    if (!error) notified(value);
  });
  assert.ok(id, 'a subscription id');
  const notice = await arrived;
  assert.ok(notice.number > 0 && notice.justification.startsWith('0x'), JSON.stringify(notice));
  assert.ok(BigInt(notice.setId) <= (await api.query.entropy.currentEpoch()).toBigInt(), 'a set that has begun');
  assert.equal(await provider.unsubscribe('entropy_justification', 'entropy_unsubscribeJustifications', id), true);

  const round = await waitFor('the voter to publish its round', () => send('entropy_roundState'));
  assert.equal(round.voters.length, 1, 'the dev chain has one voter');
  assert.equal(round.voters[0].id, aliceKey);
  assert.equal(round.totalWeight, round.voters[0].weight);
  assert.equal(BigInt(round.threshold), BigInt(round.totalWeight) / 3n * 2n + (BigInt(round.totalWeight) % 3n) * 2n / 3n + 1n);
  assert.ok(round.base.number <= (await api.rpc.chain.getHeader()).number.toNumber());
});

// The value of the sample of `name` whose labels contain `labels`.
function sample(text, name, labels = '') {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  assert.ok(line, `${name}{${labels}} in\n${text}`);
  return BigInt(line.split(' ').pop());
}

test('/metrics: validator, epoch, finality, diversity and equivocation series', async () => {
  const text = await (await fetch(node.metricsUrl)).text();
  const best = (await api.rpc.chain.getBlockHash()).toHex();
  const { view, epoch, set } = await storageAt(best);
  const alice = set.authorities[0];
  assert.equal(sample(text, 'entroos_validator_weight', `stash="${alice.stash.toString()}"`), alice.weight.toBigInt());
  const ledger = (await view.query.entropy.ledger(alice.stash)).unwrap();
  assert.equal(sample(text, 'entroos_validator_stake', `stash="${alice.stash.toString()}"`), ledger.active.toBigInt());
  const scores = (await view.query.entropy.scores(alice.stash)).unwrap();
  assert.equal(sample(text, 'entroos_validator_reliability_ppb'), scores.reliability.toBigInt() / FIXED_PER_PPB);
  assert.equal(sample(text, 'entroos_validator_entropy_ppb'), scores.entropy.toBigInt() / FIXED_PER_PPB);
  assert.equal(text.split('\n').filter((l) => l.startsWith('entroos_validator_weight{')).length, set.authorities.length);
  assert.equal(sample(text, 'entroos_epoch_index'), epoch);
  assert.equal(sample(text, 'entroos_finality_set_id'), epoch);
  assert.equal(sample(text, 'entroos_diversity_nakamoto_coefficient'), BigInt(nakamoto(set.authorities.map((a) => a.weight.toBigInt()))));
  for (const kind of ['validator', 'operator', 'zone']) sample(text, `entroos_diversity_${kind}_entropy_ppb`);
  assert.equal(sample(text, 'entroos_equivocations_total'), (await view.query.entropy.slashedOffences()).toBigInt());
  const round = await send('entropy_roundState');
  assert.ok(sample(text, 'entroos_finality_round') <= BigInt(round.round), 'the round the voter published, or an earlier one');
});
