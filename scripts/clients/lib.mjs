// Shared helpers: load EntroOS's chain info (metadata, genesis hash, versions)
// into a polkadot.js registry, exactly as a wallet working offline would.
import { readFileSync } from 'node:fs';
import { Metadata, TypeRegistry, expandMetadata } from '@polkadot/types';

export function loadChainInfo(path) {
  if (!path) throw new Error('path to chain-info.json (cargo run -p entroos-runtime --example chain-info) required');
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function registryFor(info) {
  const registry = new TypeRegistry();
  const metadata = new Metadata(registry, info.metadata);
  registry.setMetadata(metadata);
  return { registry, metadata, decorated: expandMetadata(registry, metadata) };
}
