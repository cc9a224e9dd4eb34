// Proof of execution end to end on one real `entroos-node --dev` holding
// three executor keys (Bob, Charlie, Dave): polkadot.js uploads the
// supply-chain verifier and submits jobs with k = 3, the node's off-chain
// workers run them in the wasm engine, commit and reveal signed receipts,
// and the chain settles them. The verified output served by `poe_output`
// is compared with the verifier's native Rust version run on the same
// input. Then the test build's fault switch makes executors lie or stay
// silent, and the chain's answers are checked: a lone liar is outvoted, two
// liars are overruled by re-execution, a silent executor is slashed after
// the deadline, and a job beyond the re-execution bound is reassigned once,
// then fails and is refunded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { blake2AsU8a, cryptoWaitReady, signatureVerify } from '@polkadot/util-crypto';
import { hexToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { rpc, startNode } from './node-process.mjs';
import {
  REWARD, eventsBetween, finalStatus, insertExecutorKey, nativeRun, poeEvents, registerProviders,
  sendFinalized, setFault, shipment, submitJob, uploadModule, workload,
} from './poe-helpers.mjs';

let node;
let api;
let provider;
let keyring;
let alice;
let executors;
let supplyChain;

before(async () => {
  await cryptoWaitReady();
  node = await startNode();
  provider = new WsProvider(node.wsUrl);
  api = await ApiPromise.create({ provider, noInitWarn: true });
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  alice = keyring.addFromUri('//Alice');
  executors = ['Bob', 'Charlie', 'Dave'].map((name) => ({ name, suri: `//${name}`, pair: keyring.addFromUri(`//${name}`) }));
  for (const { suri, pair } of executors) await insertExecutorKey(node, suri, pair);
  await registerProviders(api, executors.map(({ pair }) => pair));
  supplyChain = await uploadModule(api, workload('supply_chain'), alice);
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

async function poe(method, params) {
  const answer = await rpc(node.httpUrl, method, params);
  if (answer.error) throw new Error(`${method}: ${JSON.stringify(answer.error)}`);
  return answer.result;
}

const byName = (address) => executors.find(({ pair }) => pair.address === address)?.name;

async function settledEvents(jobId, included) {
  const job = (await api.query.poe.jobs(jobId)).unwrap();
  const record = await api.query.poe.proofRecords(jobId);
  const end = record.isSome ? record.unwrap().settledAt.toNumber() : (await api.rpc.chain.getHeader()).number.toNumber();
  const events = (await eventsBetween(api, included, end)).filter(({ event }) => event.data.jobId?.toNumber() === jobId);
  return { job, record, events: events.map(({ event }) => event) };
}

const slashed = (events) => Object.fromEntries(poeEvents(events.map((event) => ({ event })), 'ExecutorSlashed')
  .map((e) => [byName(e.data.executor.toString()), e.data.offence.type]));

test('three executor keys on one node bring a supply-chain job to Verified', async () => {
  const input = shipment(8, 5);
  const { jobId, included } = await submitJob(api, alice, { module: supplyChain, input });
  const statuses = [];
  const ended = new Promise((resolve) => {
    provider.subscribe('poe_jobStatus', 'poe_subscribeJob', [jobId], (error, update) => {
      if (error) return;
      statuses.push(update.status.kind);
      if (update.status.kind === 'verified' || update.status.kind === 'failed') resolve();
    });
  });
  const job = await finalStatus(api, jobId);
  assert.equal(job.status.type, 'Verified');
  await ended;
  assert.equal(statuses.at(-1), 'verified', `poe_subscribeJob sent ${statuses}`);
  const record = (await api.query.poe.proofRecords(jobId)).unwrap();
  assert.ok(record.settlement.isQuorum);
  assert.equal(record.agreeing.length, 3);
  console.log(`poe: job ${jobId} included in #${included}, Verified in #${record.settledAt.toNumber()}: ` +
    `${record.settledAt.toNumber() - included} blocks`);

  const native = nativeRun('supply_chain', input);
  assert.match(native.output.toString(), /^VIOLATION product=PX-4711 step=5 location=site-5 reason=custody-break/);
  const served = await poe('poe_output', [jobId]);
  assert.equal(Buffer.from(hexToU8a(served.bytes)).toString(), native.output.toString());
  assert.equal(served.checkedAgainst, 'verdict');
  assert.equal(record.verdict.outputHash.toHex(), u8aToHex(blake2AsU8a(native.output)));
  assert.deepEqual(record.verdict.exit.toJSON(), { exited: native.exit });

  const { events } = await settledEvents(jobId, included);
  const rewarded = poeEvents(events.map((event) => ({ event })), 'ExecutorRewarded');
  assert.equal(rewarded.length, 3);
  assert.equal(rewarded.reduce((sum, e) => sum + e.data.amount.toBigInt(), 0n), REWARD);

  // The receipts decode in polkadot.js, and their signatures check out
  // with polkadot.js's own sr25519 verification.
  const receipts = await api.query.poe.receipts.entries(jobId);
  assert.equal(receipts.length, 3);
  for (const [key, value] of receipts) {
    const executor = key.args[1];
    const signed = value.unwrap();
    const payload = u8aConcat(stringToU8a('entroos/poe-receipt'), signed.receipt.toU8a(), executor.toU8a());
    assert.ok(signatureVerify(payload, signed.signature.toU8a(), executor.toString()).isValid, byName(executor.toString()));
  }

  const [first] = (await poe('poe_receipts', [jobId])).executors.filter((e) => e.receipt);
  const checked = await poe('poe_verifyReceipt', [{ executor: first.executor, receipt: first.receipt, signature: first.signature }]);
  assert.equal(checked.valid, true, JSON.stringify(checked));
  const tampered = { ...first.receipt, outputHash: u8aToHex(blake2AsU8a(stringToU8a('tampered'))) };
  const refused = await poe('poe_verifyReceipt', [{ executor: first.executor, receipt: tampered, signature: first.signature }]);
  assert.equal(refused.valid, false, JSON.stringify(refused));
});

test('a lone liar is outvoted by the other two and slashed for dissent', async () => {
  const [, , dave] = executors;
  await setFault(node, dave.pair, 'Lie');
  try {
    const { jobId, included } = await submitJob(api, alice, { module: supplyChain, input: shipment(5) });
    const job = await finalStatus(api, jobId);
    assert.equal(job.status.type, 'Verified');
    const { record, events } = await settledEvents(jobId, included);
    assert.ok(record.unwrap().settlement.isQuorum);
    assert.deepEqual(record.unwrap().agreeing.map((a) => byName(a.toString())).sort(), ['Bob', 'Charlie']);
    assert.deepEqual(slashed(events), { Dave: 'Dissent' });
  } finally {
    await setFault(node, dave.pair, null);
  }
});

test('two liars are overruled by the chain re-executing the job', async () => {
  const [, charlie, dave] = executors;
  await setFault(node, charlie.pair, 'Lie');
  await setFault(node, dave.pair, 'Lie');
  try {
    const input = shipment(6);
    const { jobId, included } = await submitJob(api, alice, { module: supplyChain, input });
    const job = await finalStatus(api, jobId);
    assert.equal(job.status.type, 'Verified');
    const { record, events } = await settledEvents(jobId, included);
    assert.ok(record.unwrap().settlement.isReExecution);
    assert.ok(poeEvents(events.map((event) => ({ event })), 'JobDisputed').length === 1);
    assert.equal(record.unwrap().verdict.outputHash.toHex(), u8aToHex(blake2AsU8a(nativeRun('supply_chain', input).output)));
    assert.deepEqual(slashed(events), { Charlie: 'Dissent', Dave: 'Dissent' });
    const rewarded = poeEvents(events.map((event) => ({ event })), 'ExecutorRewarded');
    assert.deepEqual(rewarded.map((e) => byName(e.data.executor.toString())), ['Bob']);
  } finally {
    await setFault(node, charlie.pair, null);
    await setFault(node, dave.pair, null);
  }
});

test('an executor that never reveals is slashed as a no-show after the reveal deadline', async () => {
  const [, , dave] = executors;
  await setFault(node, dave.pair, 'WithholdReveal');
  try {
    const { jobId, included } = await submitJob(api, alice, { module: supplyChain, input: shipment(4) });
    const job = await finalStatus(api, jobId);
    assert.equal(job.status.type, 'Verified');
    const { record, events } = await settledEvents(jobId, included);
    assert.deepEqual(record.unwrap().agreeing.map((a) => byName(a.toString())).sort(), ['Bob', 'Charlie']);
    assert.deepEqual(slashed(events), { Dave: 'NoShow' });
  } finally {
    await setFault(node, dave.pair, null);
  }
});

test('a job beyond the re-execution bound without quorum is reassigned once, then fails and is refunded', async () => {
  const extra = ['Eve', 'Ferdie', 'Grace'].map((name) => ({ name, suri: `//${name}`, pair: keyring.addFromUri(`//${name}`) }));
  const grace = extra[2].pair;
  await sendFinalized(api, api.tx.balances.transferKeepAlive(grace.address, 10_000_000_000_000n), alice);
  for (const { suri, pair } of extra) await insertExecutorKey(node, suri, pair);
  await registerProviders(api, extra.map(({ pair }) => pair));
  executors.push(...extra);
  for (const { pair } of executors) await setFault(node, pair, 'Lie');
  try {
    const bound = (await api.query.poe.parameters()).reexecutionFuelBound.toNumber();
    const reservedBefore = (await api.query.system.account(alice.address)).data.reserved.toBigInt();
    const { jobId, included } = await submitJob(api, alice, { module: supplyChain, input: shipment(3), fuel: bound + 1 });
    const job = await finalStatus(api, jobId);
    assert.deepEqual(job.status.toJSON(), { failed: 'NoQuorum' });
    const { events } = await settledEvents(jobId, included);
    const wrapped = events.map((event) => ({ event }));
    assert.equal(poeEvents(wrapped, 'JobReassigned').length, 1);
    assert.equal(poeEvents(wrapped, 'JobFailed')[0].data.refunded.toBigInt(), REWARD);
    assert.equal(job.previous.length, 3);
    assert.ok(job.executors.every((e) => !job.previous.some((p) => p.eq(e))), 'fresh executors');
    assert.equal((await api.query.system.account(alice.address)).data.reserved.toBigInt(), reservedBefore);
  } finally {
    for (const { pair } of executors) await setFault(node, pair, null);
  }
});
