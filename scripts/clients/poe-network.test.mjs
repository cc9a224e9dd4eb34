// Proof of execution across the `local` network's four validators, as real
// `entroos-node` processes: the executor keys of Bob, Charlie and Dave live
// on three different nodes, so each receipt is computed, committed and
// revealed by a different process and reaches the author through gossip.
// polkadot.js submits a supply-chain job with k = 3 to Alice's node; the job
// is Verified by quorum, and each executor's node serves the verified
// output from its own off-chain storage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { blake2AsU8a, cryptoWaitReady } from '@polkadot/util-crypto';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import { rpc, waitFor } from './node-process.mjs';
import { fastLocalSpec, startFourValidators } from './local-network.mjs';
import {
  finalStatus, insertExecutorKey, nativeRun, registerProviders, shipment, submitJob, uploadModule, workload,
} from './poe-helpers.mjs';

const WAIT_MS = 120_000;
let nodes = [];
let api;
let spec;

before(async () => {
  await cryptoWaitReady();
  spec = fastLocalSpec();
  ({ nodes } = await startFourValidators(spec.path));
  api = await ApiPromise.create({ provider: new WsProvider(nodes[0].wsUrl), noInitWarn: true });
});

after(async () => {
  await api?.disconnect();
  await Promise.all(nodes.map((node) => node.stop()));
  spec?.remove();
});

test('executors on three different nodes bring a job to Verified', async () => {
  await waitFor('every node to have three peers', async () => {
    const healths = await Promise.all(nodes.map((node) => rpc(node.httpUrl, 'system_health')));
    return healths.every(({ result }) => result.peers >= 3);
  }, WAIT_MS);
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  const executors = ['Bob', 'Charlie', 'Dave'].map((name, i) => ({
    name, suri: `//${name}`, pair: keyring.addFromUri(`//${name}`), node: nodes[i + 1],
  }));
  for (const { node, suri, pair } of executors) await insertExecutorKey(node, suri, pair);
  await registerProviders(api, executors.map(({ pair }) => pair));
  const module = await uploadModule(api, workload('supply_chain'), alice);

  const input = shipment(12);
  const { jobId, included } = await submitJob(api, alice, { module, input });
  const job = await finalStatus(api, jobId, WAIT_MS);
  assert.equal(job.status.type, 'Verified');
  const record = (await api.query.poe.proofRecords(jobId)).unwrap();
  assert.ok(record.settlement.isQuorum);
  assert.deepEqual(
    record.agreeing.map((a) => a.toString()).sort(),
    executors.map(({ pair }) => pair.address).sort(),
  );
  console.log(`poe (four validators): job ${jobId} included in #${included}, ` +
    `Verified in #${record.settledAt.toNumber()}: ${record.settledAt.toNumber() - included} blocks`);

  const native = nativeRun('supply_chain', input);
  assert.equal(record.verdict.outputHash.toHex(), u8aToHex(blake2AsU8a(native.output)));
  for (const { name, node } of executors) {
    const answer = await rpc(node.httpUrl, 'poe_output', [jobId]);
    assert.ok(answer.result, `${name}'s node serves the output: ${JSON.stringify(answer.error)}`);
    assert.equal(Buffer.from(hexToU8a(answer.result.bytes)).toString(), native.output.toString(), name);
  }
  const elsewhere = await rpc(nodes[0].httpUrl, 'poe_output', [jobId]);
  assert.ok(elsewhere.error, 'a node that ran no executor of the job has no copy to serve');
});
