// SubQuery (@subql/node 6.4.6, @subql/query 2.25.0) on a real PostgreSQL
// against a real `entroos-node --dev`: the indexer, given a manifest whose
// `chainId` is the node's genesis hash, indexes every block from 1 to the
// tip, their extrinsics and a polkadot.js-signed Balances.Transfer, and the
// GraphQL query service answers for that transfer.
//
//   ENTROOS_PG_HOST/PORT/USER: a PostgreSQL (scripts/lib/postgres.sh)
//   ENTROOS_CLIENT_LOGS: optional, where the indexer's and query service's
//   logs are written
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { freePort, rpc, startNode, waitFor } from './node-process.mjs';
import {
  freshDatabase, startDictionaryRegistry, startService, writeProject,
} from './subquery/harness.mjs';

const DATABASE = 'entroos_subquery';
const SCHEMA = 'explorer';
const AMOUNT = 4_321_000_000_000n;

let node;
let api;
let db;
let registry;
let projectDir;
let indexer;
let query;
let indexerPort;
let transfer;
let tip;

function serviceLogs() {
  return `\n--- indexer ---\n${indexer?.log() ?? ''}\n--- query ---\n${query?.log() ?? ''}`;
}

async function indexedHeight() {
  if (!indexer.running()) throw new Error(`the indexer exited${serviceLogs()}`);
  const exists = await db.query(`SELECT to_regclass('${SCHEMA}.blocks') AS t`);
  if (!exists.rows[0].t) return 0;
  const { rows } = await db.query(`SELECT coalesce(max(number), 0) AS n FROM ${SCHEMA}.blocks`);
  return Number(rows[0].n);
}

// Signs and sends a transfer //Alice -> //Bob; resolves at finality with
// the extrinsic's hash and its block's number.
function sendTransfer() {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  const tx = api.tx.balances.transferKeepAlive(bob.address, AMOUNT);
  return new Promise((resolve, reject) => {
    tx.signAndSend(alice, async (result) => {
      if (result.dispatchError) reject(new Error(`dispatch failed: ${result.dispatchError}`));
      if (result.isError) reject(new Error(`transaction ${result.status.type}`));
      if (result.status.isFinalized) {
        const header = await api.rpc.chain.getHeader(result.status.asFinalized);
        resolve({ hash: tx.hash.toHex(), block: header.number.toNumber(), from: alice.address, to: bob.address });
      }
    }).catch(reject);
  });
}

before(async () => {
  await cryptoWaitReady();
  db = await freshDatabase(DATABASE);
  node = await startNode();
  api = await ApiPromise.create({ provider: new WsProvider(node.wsUrl), noInitWarn: true });
  const genesis = (await rpc(node.httpUrl, 'chain_getBlockHash', [0])).result;
  projectDir = writeProject({ chainId: genesis, endpoint: node.wsUrl });
  registry = await startDictionaryRegistry();
  indexerPort = await freePort();
  indexer = startService('indexer', [
    `--subquery=${projectDir}`, `--db-schema=${SCHEMA}`, `--port=${indexerPort}`,
    `--dictionary-registry=${registry.url}`, '--historical=false', '--log-level=info',
  ], DATABASE);
  transfer = await sendTransfer();
});

after(async () => {
  await query?.stop();
  await indexer?.stop();
  registry?.close();
  await api?.disconnect();
  await node?.stop();
  await db?.end();
  if (projectDir) rmSync(projectDir, { recursive: true, force: true });
});

test('indexes every block from 1 past the transfer, with no gaps and the node\'s hashes', async () => {
  await waitFor(`SubQuery to index block ${transfer.block}`, async () => (await indexedHeight()) > transfer.block, 90_000)
    .catch((e) => { throw new Error(`${e.message}${serviceLogs()}`); });
  const { rows } = await db.query(`SELECT number, hash, spec_version, timestamp FROM ${SCHEMA}.blocks ORDER BY number`);
  tip = rows.at(-1).number;
  assert.deepEqual(rows.map((r) => r.number), Array.from({ length: tip }, (_, i) => i + 1), 'blocks 1..tip, each once');
  const { specVersion } = (await rpc(node.httpUrl, 'state_getRuntimeVersion')).result;
  let previous = 0;
  for (const { number, hash, spec_version: blockSpec, timestamp } of rows) {
    assert.equal(hash, (await rpc(node.httpUrl, 'chain_getBlockHash', [number])).result, `hash of block ${number}`);
    assert.equal(blockSpec, specVersion, `spec version of block ${number}`);
    assert.ok(timestamp instanceof Date && timestamp.getTime() > previous, `timestamp of block ${number}: ${timestamp}`);
    previous = timestamp.getTime();
  }
});

test('indexes each block\'s extrinsics with their outcome, the transfer signed by Alice', async () => {
  assert.ok(tip > transfer.block, 'the blocks were indexed');
  const incomplete = await db.query(`
    SELECT b.number, b.extrinsic_count, count(x.id)::int AS indexed
    FROM ${SCHEMA}.blocks b LEFT JOIN ${SCHEMA}.extrinsics x ON x.block_id = b.id
    WHERE b.number <= $1 GROUP BY b.number, b.extrinsic_count HAVING b.extrinsic_count <> count(x.id)`, [tip]);
  assert.deepEqual(incomplete.rows, [], 'every block has all its extrinsics');
  const withoutTimestamp = await db.query(`
    SELECT b.number FROM ${SCHEMA}.blocks b LEFT JOIN ${SCHEMA}.extrinsics x ON x.block_id = b.id AND x.index = 0
      AND x.module = 'timestamp' AND x.call = 'set' AND x.signer IS NULL AND x.success
    WHERE b.number <= $1 AND x.id IS NULL`, [tip]);
  assert.deepEqual(withoutTimestamp.rows, [], 'each block opens with a successful timestamp.set');
  const { rows } = await db.query(`SELECT * FROM ${SCHEMA}.extrinsics WHERE hash = $1`, [transfer.hash]);
  assert.equal(rows.length, 1);
  const [xt] = rows;
  assert.equal(xt.block_id, `${transfer.block}`);
  assert.equal(xt.module, 'balances');
  assert.equal(xt.call, 'transferKeepAlive');
  assert.equal(xt.signer, transfer.from);
  assert.equal(xt.success, true);
});

test('indexes the Balances.Transfer event: from, to and amount', async () => {
  const { rows } = await db.query(`SELECT t.*, x.hash AS xt_hash FROM ${SCHEMA}.transfers t
    JOIN ${SCHEMA}.extrinsics x ON x.id = t.extrinsic_id WHERE t.block_id = $1`, [`${transfer.block}`]);
  assert.equal(rows.length, 1, JSON.stringify(rows));
  const [event] = rows;
  assert.equal(event.from, transfer.from);
  assert.equal(event.to, transfer.to);
  assert.equal(BigInt(event.amount), AMOUNT);
  assert.equal(event.xt_hash, transfer.hash);
});

// The query service reads the schema the indexer made, so it starts once
// blocks are indexed.
test('@subql/query answers a GraphQL query for the transfer', async () => {
  assert.ok(tip > transfer.block, 'the blocks were indexed');
  const queryPort = await freePort();
  query = startService('query', [
    `--name=${SCHEMA}`, `--port=${queryPort}`, '--playground=false', `--indexer=http://127.0.0.1:${indexerPort}`,
  ], DATABASE);
  const body = JSON.stringify({
    query: `query ($to: String!) {
      transfers(filter: { to: { equalTo: $to } }) {
        nodes { from to amount block { number hash } extrinsic { hash module call success } }
      }
      _metadata { genesisHash chain specName lastProcessedHeight }
    }`,
    variables: { to: transfer.to },
  });
  const answer = await waitFor('the GraphQL query service to answer', async () => {
    if (!query.running()) throw new Error(`the query service exited${serviceLogs()}`);
    const response = await fetch(`http://127.0.0.1:${queryPort}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return response.ok ? response.json() : null;
  }, 60_000);
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  const nodes = answer.data.transfers.nodes;
  assert.equal(nodes.length, 1, JSON.stringify(nodes));
  const [found] = nodes;
  assert.equal(found.from, transfer.from);
  assert.equal(found.to, transfer.to);
  assert.equal(BigInt(found.amount), AMOUNT);
  assert.equal(found.block.number, transfer.block);
  assert.equal(found.block.hash, (await rpc(node.httpUrl, 'chain_getBlockHash', [transfer.block])).result);
  assert.deepEqual(found.extrinsic, { hash: transfer.hash, module: 'balances', call: 'transferKeepAlive', success: true });
  const meta = answer.data._metadata;
  assert.equal(meta.genesisHash, (await rpc(node.httpUrl, 'chain_getBlockHash', [0])).result);
  assert.equal(meta.chain, 'Development');
  assert.equal(meta.specName, 'entroos');
  assert.ok(meta.lastProcessedHeight >= tip, JSON.stringify(meta));
});
