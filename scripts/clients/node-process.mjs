// Starts a real `entroos-node` (by default `--dev --tmp`) on free 127.0.0.1
// ports, waits until its JSON-RPC answers, and stops it (SIGTERM, then
// SIGKILL).
//
//   ENTROOS_NODE_BIN=<path to entroos-node>
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

// Ports handed out by this process: the OS may offer a port again as soon
// as the probe closes it, so two calls could otherwise return the same one.
const handedOut = new Set();

function probePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// A free 127.0.0.1 port, never one this process handed out before.
export async function freePort() {
  for (;;) {
    const port = await probePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

export async function rpc(httpUrl, method, params = []) {
  const response = await fetch(httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return response.json();
}

export async function waitFor(what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

// `chainArgs` replaces `--dev --tmp`, e.g. `['--chain', 'dev', '--tmp']` for
// a full node of the dev chain.
export async function startNode(extraArgs = [], chainArgs = ['--dev', '--tmp']) {
  const bin = process.env.ENTROOS_NODE_BIN;
  if (!bin) throw new Error('ENTROOS_NODE_BIN must name the entroos-node binary');
  const rpcPort = await freePort();
  const promPort = await freePort();
  const args = [...chainArgs, '--rpc-port', `${rpcPort}`, '--prometheus-port', `${promPort}`, ...extraArgs];
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk) => {
    log = (log + chunk.toString()).slice(-20_000);
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const httpUrl = `http://127.0.0.1:${rpcPort}`;
  const node = {
    wsUrl: `ws://127.0.0.1:${rpcPort}`,
    httpUrl,
    metricsUrl: `http://127.0.0.1:${promPort}/metrics`,
    log: () => log,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await waitFor('the node to answer JSON-RPC', async () => {
      if (child.exitCode !== null) throw new Error(`node exited (${child.exitCode}):\n${log}`);
      const health = await rpc(httpUrl, 'system_health');
      return health.result !== undefined;
    });
  } catch (e) {
    await node.stop();
    throw e;
  }
  return node;
}
