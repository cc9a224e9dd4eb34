// Proof-of-execution helpers for the polkadot.js tests: workloads and their
// native reference runs, executor keys, providers, jobs and the test-build
// fault switch, all through public interfaces (extrinsics, storage and the
// node's JSON-RPC).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { rpc, waitFor } from './node-process.mjs';

export const BOND = 2_000_000_000_000n;
export const REWARD = 3_000_000_000n;

export function workload(name) {
  return readFileSync(new URL(`../../workloads/wasm/${name}.wasm`, import.meta.url));
}

// A pharmaceutical shipment's custody record, as the supply-chain verifier
// reads it; `breakAt` makes that step's handler differ from the previous
// receiver.
export function shipment(steps = 6, breakAt = -1) {
  const lines = [];
  for (let i = 0; i < steps; i += 1) {
    const handler = i === breakAt ? 'stranger' : `handler-${i}`;
    const readings = [20 + ((i * 7) % 50), 35 + i, 79 - i].join(',');
    lines.push(`PX-4711|${handler}|handler-${i + 1}|site-${i}|${readings}`);
  }
  return stringToU8a(`${lines.join('\n')}\n`);
}

// The workload's native Rust version run on `input`: { output, exit }.
export function nativeRun(name, input) {
  const bin = process.env.ENTROOS_NATIVE_WORKLOAD_BIN;
  if (!bin) throw new Error('ENTROOS_NATIVE_WORKLOAD_BIN must name the native-workload binary');
  try {
    return { output: execFileSync(bin, [name], { input }), exit: 0 };
  } catch (e) {
    if (typeof e.status === 'number' && e.stdout) return { output: e.stdout, exit: e.status };
    throw e;
  }
}

// Sends `tx` signed by `pair`; resolves with the block hash and the
// events once the block that includes it is finalized (on a network a
// block reported in-block may still lose its fork), rejects if it fails.
export function sendFinalized(api, tx, pair) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(pair, (result) => {
      if (result.dispatchError) {
        const error = result.dispatchError.isModule
          ? (({ section, name }) => `${section}.${name}`)(api.registry.findMetaError(result.dispatchError.asModule))
          : result.dispatchError.toString();
        reject(new Error(`dispatch failed: ${error}`));
      } else if (result.status.isFinalized) {
        resolve({ blockHash: result.status.asFinalized.toHex(), events: result.events });
      } else if (result.status.isInvalid || result.status.isDropped || result.status.isUsurped) {
        reject(new Error(`transaction ${result.status.type}`));
      }
    }).catch(reject);
  });
}

export const poeEvents = (events, method) =>
  events.filter(({ event }) => event.section === 'poe' && event.method === method).map(({ event }) => event);

// Puts `pair`'s secret into the node's keystore as an executor key.
export async function insertExecutorKey(node, suri, pair) {
  const answer = await rpc(node.httpUrl, 'author_insertKey', ['exec', suri, u8aToHex(pair.publicKey)]);
  if (answer.error) throw new Error(`author_insertKey: ${JSON.stringify(answer.error)}`);
}

export async function registerProviders(api, pairs) {
  await Promise.all(pairs.map((pair, i) => sendFinalized(api, api.tx.poe.registerProvider(BOND, {
    operator: `operator-${i}`, zone: `zone-${i % 3}`, capacity: { cpuMillis: 1000, memoryMib: 64 }, labels: ['wasm'],
  }), pair)));
}

export async function uploadModule(api, code, owner) {
  const stored = await sendFinalized(api, api.tx.poe.uploadModule(u8aToHex(code)), owner);
  return poeEvents(stored.events, 'ModuleStored')[0].data.module.toHex();
}

// Submits a job; resolves with its id and the number of the block that
// included it.
export async function submitJob(api, owner, { module, input, fuel = 20_000_000, pages = 64, replicas = 3, deadline = 200 }) {
  const now = (await api.rpc.chain.getHeader()).number.toNumber();
  const tx = api.tx.poe.submitJob(module, u8aToHex(input), fuel, pages, replicas, REWARD, now + deadline);
  const { blockHash, events } = await sendFinalized(api, tx, owner);
  const included = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
  return { jobId: poeEvents(events, 'JobSubmitted')[0].data.jobId.toNumber(), included };
}

export async function finalStatus(api, jobId, timeoutMs = 120_000) {
  return waitFor(`job ${jobId} to end`, async () => {
    const job = (await api.query.poe.jobs(jobId)).unwrap();
    return job.status.isVerified || job.status.isFailed ? job : null;
  }, timeoutMs);
}

// The poe events of every block in [from, to] of the best chain.
export async function eventsBetween(api, from, to) {
  const found = [];
  for (let n = from; n <= to; n += 1) {
    const hash = await api.rpc.chain.getBlockHash(n);
    for (const record of await api.query.system.events.at(hash)) {
      if (record.event.section === 'poe') found.push({ block: n, event: record.event });
    }
  }
  return found;
}

const FAULTS = { Lie: 0, WithholdReveal: 1, WithholdCommit: 2 };

// Makes the node's worker misbehave for `pair` (test builds only); `null`
// makes it honest again.
export async function setFault(node, pair, fault) {
  const key = u8aToHex(u8aConcat(stringToU8a('poe/fault/'), pair.publicKey));
  const value = fault === null ? '0x' : u8aToHex(new Uint8Array([FAULTS[fault]]));
  const answer = await rpc(node.httpUrl, 'offchain_localStorageSet', ['PERSISTENT', key, value]);
  if (answer.error) throw new Error(`offchain_localStorageSet: ${JSON.stringify(answer.error)}`);
}
