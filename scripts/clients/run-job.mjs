// Runs a proof-of-execution job on a running node with polkadot.js: puts
// executor keys for Bob, Charlie and Dave into the node's keystore (unsafe
// RPC, so a local node), registers them as compute providers if they are
// not yet, uploads the supply-chain verifier, submits a shipment's custody
// record as a job with k = 3 as Alice, follows it to its end with
// `poe_subscribeJob`, and prints the verdict and the output served by
// `poe_output`.
//
//   node scripts/clients/run-job.mjs [ws://127.0.0.1:9944] [shipment.txt]
import { readFileSync } from 'node:fs';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { hexToU8a, u8aToString } from '@polkadot/util';
import {
  finalStatus, insertExecutorKey, registerProviders, shipment, submitJob, uploadModule, workload,
} from './poe-helpers.mjs';

const wsUrl = process.argv[2] ?? 'ws://127.0.0.1:9944';
const input = process.argv[3] ? readFileSync(process.argv[3]) : shipment(8);

await cryptoWaitReady();
const provider = new WsProvider(wsUrl);
const api = await ApiPromise.create({ provider, noInitWarn: true });
const node = { httpUrl: wsUrl.replace(/^ws/, 'http') };
const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
const alice = keyring.addFromUri('//Alice');
const executors = ['Bob', 'Charlie', 'Dave'].map((name) => keyring.addFromUri(`//${name}`));

for (const [i, pair] of executors.entries()) {
  await insertExecutorKey(node, `//${['Bob', 'Charlie', 'Dave'][i]}`, pair);
}
const unregistered = [];
for (const pair of executors) {
  if ((await api.query.poe.providers(pair.address)).isNone) unregistered.push(pair);
}
await registerProviders(api, unregistered);
const module = await uploadModule(api, workload('supply_chain'), alice).catch(async (e) => {
  if (!/ModuleExists/.test(e.message)) throw e;
  const { blake2AsHex } = await import('@polkadot/util-crypto');
  return blake2AsHex(workload('supply_chain'));
});
const { jobId, included } = await submitJob(api, alice, { module, input });
console.log(`job ${jobId} submitted in block #${included}`);
await provider.subscribe('poe_jobStatus', 'poe_subscribeJob', [jobId], (error, update) => {
  if (!error) console.log(`job ${jobId} at #${update.block.number}: ${update.status.kind}`);
});
const job = await finalStatus(api, jobId);
if (job.status.isVerified) {
  const record = (await api.query.poe.proofRecords(jobId)).unwrap();
  const served = await provider.send('poe_output', [jobId]);
  console.log(`verified by ${record.settlement.type} in block #${record.settledAt}: exit ${JSON.stringify(record.verdict.exit.toJSON())}`);
  console.log(`output: ${u8aToString(hexToU8a(served.bytes)).trimEnd()}`);
} else {
  console.log(`job ${jobId} ended ${JSON.stringify(job.status.toJSON())}`);
}
await api.disconnect();
