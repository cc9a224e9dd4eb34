// polkadot.js loads EntroOS's metadata and finds every pallet's calls,
// storage, events, errors and constants.
//
//   ENTROOS_CHAIN_INFO=<chain-info.json> node --test metadata.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { u8aToHex } from '@polkadot/util';
import { loadChainInfo, registryFor } from './lib.mjs';

const info = loadChainInfo(process.env.ENTROOS_CHAIN_INFO);
const { registry, metadata, decorated } = registryFor(info);
const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';

test('metadata is V14 and every pallet lists its items', () => {
  assert.equal(metadata.version, 14);
  const pallets = metadata.asLatest.pallets;
  const names = pallets.map((p) => p.name.toString());
  assert.deepEqual(names, ['System', 'Timestamp', 'Entropy', 'Balances', 'TransactionPayment', 'Poe']);
  for (const pallet of pallets) {
    const section = pallet.name.toString().replace(/^./, (c) => c.toLowerCase());
    const listing = {
      calls: Object.keys(decorated.tx[section] ?? {}),
      storage: Object.keys(decorated.query[section] ?? {}),
      events: Object.keys(decorated.events[section] ?? {}),
      errors: Object.keys(decorated.errors[section] ?? {}),
      constants: Object.keys(decorated.consts[section] ?? {}),
    };
    console.log(`${pallet.name} (${pallet.index}): ${JSON.stringify(listing)}`);
    assert.ok(Object.values(listing).some((items) => items.length > 0), `${pallet.name} describes nothing`);
  }
});

test('calls, events and errors clients rely on', () => {
  for (const call of ['transferAllowDeath', 'transferKeepAlive', 'transferAll', 'forceTransfer', 'forceSetBalance']) {
    assert.ok(decorated.tx.balances[call], `balances.${call}`);
  }
  assert.ok(decorated.tx.system.remark);
  assert.ok(decorated.tx.timestamp.set);
  assert.ok(decorated.events.system.ExtrinsicSuccess);
  assert.ok(decorated.events.system.ExtrinsicFailed);
  assert.ok(decorated.events.balances.Transfer);
  assert.ok(decorated.events.transactionPayment.TransactionFeePaid);
  assert.equal(decorated.errors.balances.Expendability.meta.index.toNumber(), 4);
  const call = decorated.tx.balances.transferKeepAlive({ Id: ALICE }, 5);
  assert.equal(u8aToHex(call.callIndex), '0x0403');
});

test('the entropy pallet: calls, storage, events, errors and constants', () => {
  for (const call of ['bond', 'bondExtra', 'unbond', 'withdrawUnbonded', 'validate', 'chill', 'setKeys',
    'reportBlockEquivocation', 'reportVoteEquivocation']) {
    assert.ok(decorated.tx.entropy[call], `entropy.${call}`);
  }
  for (const item of ['parameters', 'ledger', 'candidates', 'keys', 'keyOwner', 'scores', 'currentEpoch',
    'genesisSlot', 'lastSlot', 'epochSets', 'randomnessAccumulator', 'duties', 'period', 'offences']) {
    assert.ok(decorated.query.entropy[item], `entropy.${item}`);
  }
  for (const event of ['Bonded', 'KeysSet', 'NewEpoch', 'Slashed']) {
    assert.ok(decorated.events.entropy[event], `entropy.${event}`);
  }
  assert.ok(decorated.errors.entropy.WrongSecondaryAuthor);
  assert.ok(decorated.consts.entropy.maxValidators.toNumber() > 0);
  const bond = decorated.tx.entropy.bond(1_000_000_000_000n);
  assert.equal(u8aToHex(bond.callIndex), '0x0200');
  // A report call round-trips through the metadata's types.
  const report = decorated.tx.entropy.reportBlockEquivocation({
    offender: `0x${'11'.repeat(32)}`,
    slot: 7,
    first: { parentHash: `0x${'00'.repeat(32)}`, number: 1, stateRoot: `0x${'01'.repeat(32)}`, extrinsicsRoot: `0x${'02'.repeat(32)}`, digest: { logs: [] } },
    second: { parentHash: `0x${'00'.repeat(32)}`, number: 1, stateRoot: `0x${'03'.repeat(32)}`, extrinsicsRoot: `0x${'02'.repeat(32)}`, digest: { logs: [] } },
  });
  const again = registry.createType('Call', report.toU8a());
  assert.equal(again.section, 'entropy');
  assert.equal(again.method, 'reportBlockEquivocation');
  assert.equal(again.args[0].slot.toNumber(), 7);
});

test('the poe pallet: every call, storage item, event, error and constant', () => {
  const calls = ['uploadModule', 'removeModule', 'registerProvider', 'unregisterProvider', 'withdrawBond',
    'submitJob', 'commitReceipt', 'revealReceipt', 'heartbeat'];
  assert.deepEqual(Object.keys(decorated.tx.poe), calls);
  calls.forEach((call, index) => {
    assert.equal(decorated.tx.poe[call].callIndex[0], 6);
    assert.equal(decorated.tx.poe[call].callIndex[1], index);
  });
  // polkadot.js adds `palletVersion` to every pallet's storage.
  const storage = Object.keys(decorated.query.poe).filter((item) => item !== 'palletVersion');
  assert.deepEqual(storage, ['parameters', 'modules', 'moduleCode', 'providers',
    'providerCount', 'nextJobId', 'jobs', 'jobInputs', 'commitments', 'receipts', 'proofRecords', 'dueJobs', 'lastHeartbeat']);
  assert.deepEqual(Object.keys(decorated.events.poe), ['ModuleStored', 'ModuleRemoved', 'ProviderRegistered',
    'ProviderUnregistered', 'ProviderBondReleased', 'JobSubmitted', 'JobAssigned', 'ReceiptCommitted',
    'RevealStarted', 'ReceiptRevealed', 'JobDisputed', 'JobReExecuted', 'JobVerified', 'JobReassigned',
    'JobFailed', 'ExecutorRewarded', 'ExecutorSlashed', 'ProviderHeartbeat']);
  for (const error of ['ModuleTooLarge', 'MalformedModule', 'ForbiddenImport', 'BadImportSignature', 'FloatType',
    'MissingStart', 'StartSection', 'CommitmentMismatch', 'InvalidProof', 'NoJobExecutor', 'JobExecutorFailed',
    'BadReceiptSignature', 'StaleHeartbeat', 'DuplicateHeartbeat', 'InvalidHeartbeatSignature']) {
    assert.ok(decorated.errors.poe[error], `poe.${error}`);
  }
  assert.equal(decorated.errors.poe.ForbiddenImport.meta.index.toNumber(), 2);
  assert.equal(decorated.consts.poe.maxReplicas.toNumber(), 16);
  assert.equal(decorated.consts.poe.maxModuleBytes.toNumber(), 1 << 20);
  assert.ok(decorated.events.balances.ReserveRepatriated);

  // Calls with nested types round-trip through the metadata's types.
  const info = { operator: 'op-a', zone: 'eu-1', capacity: { cpuMillis: 2000, memoryMib: 512 }, labels: ['gpu'] };
  const register = decorated.tx.poe.registerProvider(1_000_000_000_000n, info);
  const decoded = registry.createType('Call', register.toU8a());
  assert.equal(decoded.method, 'registerProvider');
  assert.equal(decoded.args[1].zone.toUtf8(), 'eu-1');
  assert.equal(decoded.args[1].labels[0].toUtf8(), 'gpu');
  const receipt = {
    jobId: 7, outputHash: `0x${'11'.repeat(32)}`, logHash: `0x${'22'.repeat(32)}`,
    exit: { Trapped: 'Unreachable' }, fuelUsed: 1234, proof: `0x${'33'.repeat(32)}`,
  };
  const reveal = decorated.tx.poe.revealReceipt(7, receipt, `0x${'44'.repeat(32)}`, `0x${'66'.repeat(64)}`);
  const again = registry.createType('Call', reveal.toU8a());
  assert.equal(again.method, 'revealReceipt');
  assert.equal(again.args[3].toHex(), `0x${'66'.repeat(64)}`);
  assert.equal(again.args[1].exit.asTrapped.toString(), 'Unreachable');
  assert.equal(again.args[1].fuelUsed.toNumber(), 1234);
  const submit = decorated.tx.poe.submitJob(`0x${'55'.repeat(32)}`, '0x0102', 1000, 16, 3, 900, 50);
  assert.equal(registry.createType('Call', submit.toU8a()).args[3].toNumber(), 16);
});

// A decorated storage entry returns its key with a compact length prefix.
const storageKey = (u8a) => u8aToHex(u8a.subarray(u8a.length > 64 ? 2 : 1));

test('storage keys match Substrate', () => {
  assert.equal(
    storageKey(decorated.query.system.account(ALICE)),
    '0x26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9de1e86a9a8c739864cf3cc5ec2bea59fd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d',
  );
  assert.equal(storageKey(decorated.query.system.events()), '0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7');
  assert.ok(decorated.query.balances.locks);
  assert.ok(decorated.query.balances.totalIssuance);
});

test('constants decode', () => {
  assert.ok(decorated.consts.balances.existentialDeposit.toBigInt() > 0n);
  assert.equal(decorated.consts.system.ss58Prefix.toNumber(), 42);
  assert.ok(decorated.consts.system.blockHashCount.toNumber() > 0);
  assert.equal(decorated.consts.system.version.specName.toString(), 'entroos');
  assert.ok(decorated.consts.timestamp.minimumPeriod.toNumber() > 0);
});

test('extrinsic format: v4 with the standard signed extensions', () => {
  assert.deepEqual(registry.signedExtensions, [
    'CheckNonZeroSender', 'CheckSpecVersion', 'CheckTxVersion', 'CheckGenesis',
    'CheckMortality', 'CheckNonce', 'CheckWeight', 'ChargeTransactionPayment',
  ]);
  const valueType = registry.lookup.getTypeDef(decorated.query.system.account.meta.type.asMap.value);
  assert.equal(valueType.lookupName, 'FrameSystemAccountInfo');
  const account = registry.createType(valueType.lookupName);
  assert.deepEqual(Object.keys(account.data.toJSON()), ['free', 'reserved', 'frozen', 'flags']);
});
