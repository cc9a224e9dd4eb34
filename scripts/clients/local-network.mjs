// The `local` chain's four validators (Alice, Bob, Charlie, Dave) as real
// `entroos-node` processes on 127.0.0.1, with one-second slots and ten-slot
// epochs so that tests see epochs and finality quickly.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, rpc, startNode } from './node-process.mjs';

// Writes the fast `local` chain spec; returns its path and a cleanup.
export function fastLocalSpec() {
  const out = execFileSync(process.env.ENTROOS_NODE_BIN, ['build-spec', '--chain', 'local']);
  const spec = JSON.parse(out.toString());
  const params = spec.genesis.runtimeGenesis.patch.entropy.params;
  params.slotDuration = 1000;
  params.epochLength = 10;
  params.dutyPeriod = 5;
  const dir = mkdtempSync(join(tmpdir(), 'entroos-local-'));
  const path = join(dir, 'local-fast.json');
  writeFileSync(path, JSON.stringify(spec));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// Starts validator `name` (`alice`, `bob`, …) of `spec`; returns the node
// and its boot-node address.
export async function startValidator(spec, name, bootnode) {
  const listen = `/ip4/127.0.0.1/tcp/${await freePort()}/ws`;
  const args = [`--${name}`, '--no-mdns', '--listen-addr', listen];
  if (bootnode) args.push('--bootnodes', bootnode);
  const node = await startNode(args, ['--chain', spec, '--tmp']);
  const peerId = (await rpc(node.httpUrl, 'system_localPeerId')).result;
  return { node, bootnode: `${listen}/p2p/${peerId}` };
}

// Starts the four validators, Alice first as everyone's boot node.
export async function startFourValidators(spec) {
  const alice = await startValidator(spec, 'alice');
  const nodes = [alice.node];
  for (const name of ['bob', 'charlie', 'dave']) {
    nodes.push((await startValidator(spec, name, alice.bootnode)).node);
  }
  return { nodes, aliceBoot: alice.bootnode };
}
