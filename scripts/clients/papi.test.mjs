// polkadot-api (PAPI 2.2.2, no codegen: the unsafe API over the runtime's
// metadata) against a real `entroos-node --dev`, twice: as is, where PAPI
// speaks the new JSON-RPC spec the node advertises (chainHead_v1,
// chainSpec_v1, transaction_v1), and with --rpc-disable-spec-v2, where
// `polkadot-api/ws`'s middleware translates to the legacy methods. In both:
// chain spec data, the finalized stream, System.Account (value, entries and
// watchEntries), a signed transfer_keep_alive to finality with its events, a
// runtime API call and a constant.
//
//   ENTROOS_NODE_BIN=<entroos-node> ENTROOS_CHAIN_INFO=<chain-info.json> node --test papi.test.mjs
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Binary, Enum } from 'polkadot-api';
import { tap } from 'rxjs';
import { startNode, rpc, waitFor } from './node-process.mjs';
import { loadChainInfo, registryFor } from './lib.mjs';
import { ENDOWED, devAccount, firstMatching, tracedClient } from './papi-helpers.mjs';

const info = loadChainInfo(process.env.ENTROOS_CHAIN_INFO);
const { decorated } = registryFor(info);
const ENDOWMENT = 1n << 60n;
const SPEC_V2_GROUPS = ['chainHead_v1_', 'chainSpec_v1_', 'transaction_v1_', 'transactionWatch_v1_', 'archive_v1_'];

const MODES = [
  { name: 'new JSON-RPC spec', args: [], specV2: true },
  { name: 'legacy translation (--rpc-disable-spec-v2)', args: ['--rpc-disable-spec-v2'], specV2: false },
];

async function nodeRpc(node, method, params = []) {
  const answer = await rpc(node.httpUrl, method, params);
  if (answer.error) throw new Error(`${method}: ${JSON.stringify(answer.error)}`);
  return answer.result;
}

for (const mode of MODES) {
  describe(`polkadot-api 2.2.2, ${mode.name}`, () => {
    let node;
    let traced;
    let client;
    let api;
    const alice = devAccount('//Alice');
    const bob = devAccount('//Bob');
    // A fresh account: nothing at genesis, created by the transfer.
    const receiver = devAccount(`//papi-receiver//${randomBytes(8).toString('hex')}`);
    const amount = 1_234_567_890_000n;
    const watched = [];
    let watchError;
    let watchSub;
    let transfer;

    before(async () => {
      node = await startNode(mode.args);
      traced = tracedClient(node.wsUrl);
      client = traced.client;
      api = client.getUnsafeApi();
    });

    after(async () => {
      watchSub?.unsubscribe();
      client?.destroy();
      await node?.stop();
    });

    // A test whose failure carries PAPI's last JSON-RPC messages (>> sent,
    // << received), so it names the call and the node's answer.
    function step(name, fn) {
      test(name, { timeout: 120_000 }, async (t) => {
        try {
          await fn(t);
        } catch (e) {
          if (traced) e.message = `${e.message}\n--- last JSON-RPC traffic of PAPI ---\n${traced.tail()}`;
          throw e;
        }
      });
    }

    step('the node advertises exactly the method groups of this mode', async () => {
      const { methods } = await nodeRpc(node, 'rpc_methods');
      for (const group of ['chainHead_v1_', 'chainSpec_v1_', 'transaction_v1_']) {
        assert.equal(methods.some((m) => m.startsWith(group)), mode.specV2, `${group}* in rpc_methods`);
      }
    });

    step('getChainSpecData: name, genesis hash and properties', async () => {
      const spec = await client.getChainSpecData();
      const genesis = await nodeRpc(node, 'chain_getBlockHash', [0]);
      assert.equal(spec.genesisHash, genesis);
      assert.equal(spec.genesisHash, info.genesisHash);
      assert.deepEqual(spec.properties, await nodeRpc(node, 'system_properties'));
      assert.deepEqual(spec.properties, { ss58Format: 42, tokenDecimals: 12, tokenSymbol: 'ENT' });
      if (mode.specV2) {
        // chainSpec_v1_chainName: the chain spec's name.
        assert.equal(spec.name, 'Development');
        assert.equal(spec.name, await nodeRpc(node, 'system_chain'));
      } else {
        // PAPI's legacy translation answers chainSpec_v1_chainName with
        // `system_name` (the node implementation's name), not `system_chain`.
        assert.equal(spec.name, await nodeRpc(node, 'system_name'));
      }
    });

    step('finalizedBlock$ advances along the node\'s canonical chain', async () => {
      const start = await client.getFinalizedBlock();
      const seen = [];
      const last = await firstMatching(
        client.finalizedBlock$.pipe(tap((block) => seen.push(block))),
        (block) => block.number >= start.number + 3,
        30_000,
        `finalized block #${start.number + 3}`,
      );
      assert.ok(last.number >= start.number + 3);
      for (let i = 1; i < seen.length; i++) {
        assert.ok(seen[i].number > seen[i - 1].number, `finalized numbers ${seen.map((b) => b.number).join()}`);
        if (seen[i].number === seen[i - 1].number + 1) assert.equal(seen[i].parent, seen[i - 1].hash);
      }
      for (const block of seen) {
        assert.equal(block.hash, await nodeRpc(node, 'chain_getBlockHash', [block.number]), `#${block.number}`);
      }
      const again = await client.getFinalizedBlock();
      assert.ok(again.number >= last.number);
    });

    step('System.Account: Alice\'s value and the 8 endowed entries', async () => {
      const account = await api.query.System.Account.getValue(alice.address);
      assert.equal(account.nonce, 0);
      assert.equal(account.data.free, ENDOWMENT);
      assert.equal(account.data.reserved, 0n);
      assert.ok(account.providers >= 1);

      const entries = await api.query.System.Account.getEntries();
      const byAddress = new Map(entries.map(({ keyArgs, value }) => [keyArgs[0], value]));
      assert.deepEqual([...byAddress.keys()].sort(), ENDOWED.map((p) => devAccount(p).address).sort());
      for (const path of ENDOWED) {
        const { free, reserved } = byAddress.get(devAccount(path).address).data;
        assert.equal(free + reserved, ENDOWMENT, path);
        // The dev validator's stash has its bond (one token) reserved.
        assert.equal(reserved, path === '//Alice//stash' ? 1_000_000_000_000n : 0n, path);
      }
      assert.equal(await api.query.System.Account.getValue(receiver.address).then((a) => a.data.free), 0n);
    });

    step('watchEntries(System.Account) starts with the endowed accounts', async () => {
      watchSub = api.query.System.Account.watchEntries().subscribe({
        next: (emission) => watched.push(emission),
        error: (e) => {
          watchError = e;
        },
      });
      await waitFor('the first watchEntries emission', () => {
        if (watchError) throw watchError;
        return watched.length > 0;
      }, 30_000);
      const addresses = watched[0].entries.map(({ args }) => args[0]).sort();
      assert.deepEqual(addresses, ENDOWED.map((p) => devAccount(p).address).sort());
    });

    step('transfer_keep_alive signed by PAPI reaches finalized with Balances.Transfer', async () => {
      const tx = api.tx.Balances.transfer_keep_alive({ dest: Enum('Id', receiver.address), value: amount });
      const kinds = [];
      transfer = await firstMatching(
        tx.signSubmitAndWatch(alice.signer).pipe(tap((event) => kinds.push(event.type))),
        (event) => event.type === 'finalized',
        60_000,
        'the transfer to be finalized',
      );
      assert.equal(kinds[0], 'signed', kinds.join());
      assert.ok(kinds.includes('broadcasted'), kinds.join());
      assert.equal(transfer.ok, true, JSON.stringify(transfer.dispatchError, (_, v) => (typeof v === 'bigint' ? `${v}` : v)));
      assert.equal(transfer.block.hash, await nodeRpc(node, 'chain_getBlockHash', [transfer.block.number]));

      const names = transfer.events.map((e) => `${e.type}.${e.value.type}`);
      assert.ok(names.includes('System.ExtrinsicSuccess'), names.join());
      const moved = transfer.events.find((e) => e.type === 'Balances' && e.value.type === 'Transfer');
      assert.ok(moved, names.join());
      assert.deepEqual(moved.value.value, { from: alice.address, to: receiver.address, amount });
      const feePaid = transfer.events.find((e) => e.type === 'TransactionPayment' && e.value.type === 'TransactionFeePaid');
      assert.ok(feePaid, names.join());
      const fee = feePaid.value.value.actual_fee;

      const at = { at: transfer.block.hash };
      const received = await api.query.System.Account.getValue(receiver.address, at);
      assert.equal(received.data.free, amount);
      const sender = await api.query.System.Account.getValue(alice.address, at);
      assert.equal(sender.data.free, ENDOWMENT - amount - fee);
      assert.equal(sender.nonce, 1);
      const latest = await api.query.System.Account.getValue(receiver.address);
      assert.equal(latest.data.free, amount);
    });

    step('AccountNonceApi.account_nonce equals Alice\'s nonce after the transfer', async () => {
      assert.ok(transfer, 'the transfer test ran');
      const at = { at: transfer.block.hash };
      const nonce = await api.apis.AccountNonceApi.account_nonce(alice.address, at);
      assert.equal(nonce, (await api.query.System.Account.getValue(alice.address, at)).nonce);
      assert.equal(nonce, 1);
      assert.equal(await api.apis.AccountNonceApi.account_nonce(alice.address), 1);
    });

    step('SessionKeys.decode_session_keys, typed from metadata V15', async () => {
      // Byte arrays come back as bytes or, when fixed-size, as hex.
      const bytes = (value) => (typeof value === 'string' ? Binary.fromHex(value) : Uint8Array.from(value));
      const keys = new Uint8Array(64).fill(7, 0, 32).fill(8, 32);
      const decoded = await api.apis.SessionKeys.decode_session_keys(keys);
      assert.equal(decoded.length, 2);
      assert.deepEqual(decoded.map(([publicKey]) => bytes(publicKey)), [keys.subarray(0, 32), keys.subarray(32)]);
      assert.deepEqual(decoded.map(([, keyType]) => Binary.toText(bytes(keyType))), ['babe', 'gran']);
      assert.equal(await api.apis.SessionKeys.decode_session_keys(keys.subarray(1)), undefined);
    });

    step('EntropyApi and Entropy storage, typed from metadata V15', async () => {
      const bytes = (value) => (typeof value === 'string' ? Binary.fromHex(value) : Uint8Array.from(value));
      assert.equal(await api.apis.EntropyApi.slot_duration(), 1000n);
      const epoch = await api.apis.EntropyApi.current_epoch();
      assert.equal(epoch.index, await api.query.Entropy.CurrentEpoch.getValue());
      assert.equal(typeof epoch.start_slot, 'bigint', 'the chain has started');
      assert.equal(epoch.length, 600n);
      assert.equal(epoch.authorities.length, 1);
      assert.deepEqual(bytes(epoch.authorities[0].vrf_key), alice.publicKey);
      const stash = devAccount('//Alice//stash');
      assert.equal(epoch.authorities[0].stash, stash.address);
      const ledger = await api.query.Entropy.Ledger.getValue(stash.address);
      assert.equal(ledger.active, 1_000_000_000_000n);
      const params = await api.query.Entropy.Parameters.getValue();
      assert.equal(params.slot_duration, 1000n);
      const voters = await api.apis.EntropyApi.finality_voters();
      assert.equal(voters.voters.length, 1);
      assert.equal(await api.constants.Entropy.MaxValidators(), 64);
    });

    step('constant Balances.ExistentialDeposit', async () => {
      const ed = await api.constants.Balances.ExistentialDeposit();
      assert.equal(typeof ed, 'bigint');
      assert.equal(ed, decorated.consts.balances.existentialDeposit.toBigInt());
      assert.equal(ed, 1_000_000_000n); // 0.001 ENT
    });

    step('watchEntries reports the transfer\'s change in its block', async () => {
      assert.ok(transfer, 'the transfer test ran');
      const emission = await waitFor('a watchEntries emission of the transfer\'s block', () => {
        if (watchError) throw watchError;
        return watched.find((e) => e.block.hash === transfer.block.hash && e.deltas);
      }, 30_000);
      const upserted = new Map(emission.deltas.upserted.map(({ args, value }) => [args[0], value]));
      assert.equal(upserted.get(receiver.address)?.data.free, amount, 'receiver upserted with the amount');
      assert.ok(upserted.has(alice.address), 'sender upserted');
      assert.equal(upserted.get(alice.address).nonce, 1);
      assert.deepEqual(emission.deltas.deleted, []);
      assert.equal(emission.entries.length, ENDOWED.length + 1);
      // No emission before that block knew the receiver.
      for (const earlier of watched.filter((e) => e.block.number < transfer.block.number)) {
        assert.ok(!earlier.entries.some(({ args }) => args[0] === receiver.address), `receiver seen at #${earlier.block.number}`);
      }
    });

    step('signAndSubmit (the promise form) finalizes a second transfer', async () => {
      const more = 5_000_000_000n;
      const result = await api.tx.Balances.transfer_keep_alive({ dest: Enum('Id', receiver.address), value: more })
        .signAndSubmit(bob.signer);
      assert.equal(result.ok, true);
      assert.ok(result.events.some((e) => e.type === 'Balances' && e.value.type === 'Transfer'
        && e.value.value.from === bob.address && e.value.value.amount === more));
      const received = await api.query.System.Account.getValue(receiver.address, { at: result.block.hash });
      assert.equal(received.data.free, amount + more);
    });

    step('PAPI spoke the JSON-RPC of this mode', async (t) => {
      const methods = [...traced.methods].sort();
      t.diagnostic(`methods PAPI sent: ${methods.join(', ')}`);
      const specV2 = methods.filter((m) => SPEC_V2_GROUPS.some((g) => m.startsWith(g)));
      if (mode.specV2) {
        // Nothing fell back to the legacy methods.
        assert.deepEqual(methods.filter((m) => m !== 'rpc_methods' && !specV2.includes(m)), [], 'legacy methods on the wire');
        for (const m of ['chainHead_v1_follow', 'chainHead_v1_storage', 'chainHead_v1_call', 'chainSpec_v1_genesisHash', 'transaction_v1_broadcast']) {
          assert.ok(methods.includes(m), `${m} not used: ${methods.join()}`);
        }
      } else {
        assert.deepEqual(specV2, [], 'no new-spec method on the wire');
        for (const m of ['chain_subscribeFinalizedHeads', 'state_call']) {
          assert.ok(methods.includes(m), `${m} not used: ${methods.join()}`);
        }
      }
    });
  });
}
