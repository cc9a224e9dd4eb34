// Runs SubQuery (@subql/node, @subql/query, pinned in package.json beside
// this file) against a node and a PostgreSQL the caller started:
// - `writeProject` lays out a SubQuery project in a fresh directory: the
//   schema and mapping kept here, and a manifest made from the running
//   node's genesis hash (`chainId`) and WebSocket endpoint.
// - `startDictionaryRegistry` answers the indexer's dictionary registry
//   look-up on 127.0.0.1 with "no dictionary for this chain", so it indexes
//   from the node alone and looks nothing up elsewhere.
// - `startService` spawns the indexer or the query service with the
//   database's connection in its environment; `stop()` ends it (SIGTERM,
//   then SIGKILL), and a process exit ends it too.
//
//   ENTROOS_PG_HOST, ENTROOS_PG_PORT, ENTROOS_PG_USER name the PostgreSQL
//   (scripts/lib/postgres.sh starts a throwaway one).
//   ENTROOS_CLIENT_LOGS, if set: a directory where each service's output is
//   also written (subquery-<name>.log).
import { spawn } from 'node:child_process';
import { copyFileSync, createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'package.json'));
const { Client } = require('pg');

const BINS = {
  indexer: join(here, 'node_modules/@subql/node/bin/run'),
  query: join(here, 'node_modules/@subql/query/bin/run'),
};

export function postgresConfig() {
  const { ENTROOS_PG_HOST: host, ENTROOS_PG_PORT: port, ENTROOS_PG_USER: user } = process.env;
  if (!host || !port || !user) {
    throw new Error('ENTROOS_PG_HOST, ENTROOS_PG_PORT and ENTROOS_PG_USER must name a PostgreSQL (scripts/lib/postgres.sh)');
  }
  return { host, port: Number(port), user, password: 'unused-trust-auth' };
}

// A database of its own for one run, and a client connected to it.
export async function freshDatabase(name) {
  const config = postgresConfig();
  const admin = new Client({ ...config, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const client = new Client({ ...config, database: name });
  await client.connect();
  return client;
}

function manifest({ chainId, endpoint }) {
  return `specVersion: 1.0.0
version: 1.0.0
name: entroos-explorer
description: Blocks, extrinsics and Balances.Transfer events of an EntroOS chain
runner:
  node:
    name: '@subql/node'
    version: '>=6.0.0'
  query:
    name: '@subql/query'
    version: '*'
schema:
  file: ./schema.graphql
network:
  chainId: '${chainId}'
  endpoint:
    - ${endpoint}
dataSources:
  - kind: substrate/Runtime
    startBlock: 1
    mapping:
      file: ./mapping.js
      handlers:
        - handler: handleBlock
          kind: substrate/BlockHandler
        - handler: handleTransfer
          kind: substrate/EventHandler
          filter:
            module: balances
            method: Transfer
`;
}

export function writeProject({ chainId, endpoint }) {
  const dir = mkdtempSync(join(tmpdir(), 'entroos-subql-'));
  copyFileSync(join(here, 'project/schema.graphql'), join(dir, 'schema.graphql'));
  copyFileSync(join(here, 'project/mapping.js'), join(dir, 'mapping.js'));
  writeFileSync(join(dir, 'project.yaml'), manifest({ chainId, endpoint }));
  return dir;
}

export function startDictionaryRegistry() {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ substrate: {} }));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() });
    });
  });
}

function logFile(name) {
  const dir = process.env.ENTROOS_CLIENT_LOGS;
  return dir ? createWriteStream(join(dir, `subquery-${name}.log`)) : null;
}

// `name` is `indexer` or `query`.
export function startService(name, args, database) {
  const { host, port, user, password } = postgresConfig();
  // The indexer refuses to start outside UTC (its proof of index hashes
  // timestamps).
  const env = { ...process.env, TZ: 'UTC', DB_HOST: host, DB_PORT: `${port}`, DB_USER: user, DB_PASS: password, DB_DATABASE: database };
  const child = spawn(process.execPath, [BINS[name], ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const file = logFile(name);
  let log = '';
  const keep = (chunk) => {
    log = (log + chunk.toString()).slice(-30_000);
    file?.write(chunk);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  exited.then(() => file?.end());
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  return {
    log: () => log,
    running: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
