// Regenerates runtime/tests/fixtures/pjs-transfer.json: a transfer_keep_alive
// from //Alice to //Bob signed by @polkadot/api over EntroOS's own metadata,
// with the signing payload polkadot.js computed, for the runtime to check.
//
//   node sign-transfer.mjs <chain-info.json> <out.json>
import { writeFileSync } from 'node:fs';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { loadChainInfo, registryFor } from './lib.mjs';

const [infoPath, outPath] = process.argv.slice(2);
const info = loadChainInfo(infoPath);
await cryptoWaitReady();
const { registry, decorated } = registryFor(info);
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const alice = keyring.addFromUri('//Alice');
const bob = keyring.addFromUri('//Bob');

const amount = 1_000_000_000_000n;
const nonce = 0;
const tip = 0;
const era = registry.createType('ExtrinsicEra', { current: 0, period: 64 });
const method = decorated.tx.balances.transferKeepAlive({ Id: bob.address }, amount);
const payload = registry.createType('ExtrinsicPayload', {
  method: method.toHex(),
  era: era.toHex(),
  nonce,
  tip,
  specVersion: info.specVersion,
  transactionVersion: info.transactionVersion,
  genesisHash: info.genesisHash,
  blockHash: info.genesisHash,
  version: 4,
}, { version: 4 });
const { signature } = payload.sign(alice);
const extrinsic = registry.createType('Extrinsic', { method: method.toHex() }, { version: 4 });
extrinsic.addSignature(alice.address, signature, payload.toHex());

const fixture = {
  generatedBy: '@polkadot/api 16.5.6 (scripts/clients/sign-transfer.mjs)',
  genesisHash: info.genesisHash,
  specVersion: info.specVersion,
  transactionVersion: info.transactionVersion,
  signer: alice.address,
  dest: bob.address,
  amount: amount.toString(),
  nonce,
  tip,
  era: { period: 64, current: 0, encoded: era.toHex() },
  call: method.toHex(),
  signingPayload: u8aToHex(payload.toU8a({ method: true })),
  extrinsic: extrinsic.toHex(),
  hash: extrinsic.hash.toHex(),
};
writeFileSync(outPath, JSON.stringify(fixture, null, 2) + '\n');
console.log(`wrote ${outPath}: ${fixture.extrinsic.length / 2 - 1} bytes, hash ${fixture.hash}`);
