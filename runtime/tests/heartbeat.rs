//! Heartbeats end to end in the runtime: the off-chain worker entry point
//! (`OffchainWorkerApi_offchain_worker`), run with a node context that
//! holds the dev keys, submits a validator heartbeat (Alice's slot key)
//! and a provider heartbeat (Bob's executor key); the pool admits each
//! under its tag; the next block includes both and deposits their
//! events; after that the worker sends nothing more this epoch and the
//! pool refuses a replay.

use codec::{Decode, Encode};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::validity::{
    InvalidTransaction, TransactionSource, TransactionValidity, TransactionValidityError,
};
use entroos_runtime::testing::{account, dev_pair, sign, SigningContext, TestChain};
use entroos_runtime::unsigned::{HEARTBEAT_PRIORITY, HEARTBEAT_TAG, PROVIDER_HEARTBEAT_TAG};
use entroos_runtime::{api, genesis, Runtime, RuntimeCall, RuntimeEvent, UncheckedExtrinsic};
use entroos_support::offchain::testing::TestOffchain;
use pallet_poe::{Capacity, ProviderInfo};

/// A node side holding dev keys: `(key type, secret URI)`.
fn dev_node(keys: &[([u8; 4], &str)]) -> TestOffchain {
    let mut node = TestOffchain::default();
    for (key_type, uri) in keys {
        node.add_key(*key_type, sr25519::Pair::from_uri(uri).unwrap());
    }
    node
}

/// Runs the runtime's off-chain worker on the head of `chain` with `node`;
/// returns what it submitted.
fn run_worker(node: &mut TestOffchain, chain: &TestChain) -> Vec<Vec<u8>> {
    let header = chain.head.encode();
    let out = chain
        .read(|ext| {
            api::call(
                ext,
                "OffchainWorkerApi_offchain_worker",
                &header,
                Some(&mut *node),
            )
        })
        .unwrap();
    assert!(out.is_empty());
    node.take_submitted()
}

fn validate(chain: &TestChain, xt: &[u8]) -> TransactionValidity {
    let xt = UncheckedExtrinsic::decode(&mut &xt[..]).unwrap();
    let input = (TransactionSource::Local, xt, chain.head.hash()).encode();
    let out = chain
        .read(|ext| {
            api::call(
                ext,
                "TaggedTransactionQueue_validate_transaction",
                &input,
                None,
            )
        })
        .unwrap();
    TransactionValidity::decode(&mut &out[..]).unwrap()
}

fn events(chain: &TestChain) -> Vec<RuntimeEvent> {
    chain
        .read(|ext| Runtime::events(ext))
        .into_iter()
        .map(|record| record.event)
        .collect()
}

/// A dev chain one block on, with Bob registered as a compute provider.
fn chain_with_bob_providing() -> TestChain {
    let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let register = RuntimeCall::Poe(pallet_poe::Call::register_provider {
        bond: 1_000_000_000_000,
        info: ProviderInfo {
            capacity: Capacity {
                cpu_millis: 1_000,
                memory_mib: 16,
            },
            ..Default::default()
        },
    });
    let bob = dev_pair("Bob").unwrap();
    let xt = sign(register, &bob, SigningContext::immortal(&chain, 0));
    let (_, results) = chain.build_block(&[xt]).unwrap();
    assert_eq!(results, vec![Ok(Ok(()))]);
    chain
}

#[test]
fn the_offchain_worker_sends_both_heartbeats_and_the_next_block_includes_them() {
    let mut chain = chain_with_bob_providing();
    // Charlie's executor key is no provider's: nothing is sent for it.
    let mut node = dev_node(&[
        (*b"babe", "//Alice"),
        (pallet_poe::local::EXECUTOR_KEY_TYPE, "//Bob"),
        (pallet_poe::local::EXECUTOR_KEY_TYPE, "//Charlie"),
    ]);
    let submitted = run_worker(&mut node, &chain);
    assert_eq!(
        submitted.len(),
        2,
        "one validator and one provider heartbeat"
    );
    // The pallets' encoding is the runtime's unsigned extrinsic, byte for byte.
    for xt in &submitted {
        let decoded = UncheckedExtrinsic::decode(&mut &xt[..]).unwrap();
        assert!(decoded.signature.is_none());
        assert!(matches!(
            decoded.function,
            RuntimeCall::Entropy(pallet_entropy::Call::heartbeat { .. })
                | RuntimeCall::Poe(pallet_poe::Call::heartbeat { .. })
        ));
        assert_eq!(
            &UncheckedExtrinsic::new_unsigned(decoded.function).encode(),
            xt
        );
    }

    let bob = account(&dev_pair("Bob").unwrap());
    let mut validator_tag = HEARTBEAT_TAG.to_vec();
    (0u64, 0u32).encode_to(&mut validator_tag);
    let mut provider_tag = PROVIDER_HEARTBEAT_TAG.to_vec();
    (0u64, bob).encode_to(&mut provider_tag);
    for (xt, tag) in submitted.iter().zip([&validator_tag, &provider_tag]) {
        let valid = validate(&chain, xt).unwrap();
        assert_eq!(valid.provides, vec![tag.clone()]);
        assert!(valid.requires.is_empty());
        assert_eq!(valid.priority, HEARTBEAT_PRIORITY);
        assert!(valid.priority < u64::MAX / 2, "below round notes");
        assert!(valid.longevity >= 1);
    }

    let (_, results) = chain.build_block(&submitted).unwrap();
    assert_eq!(results, vec![Ok(Ok(())), Ok(Ok(()))]);
    let events = events(&chain);
    let alice_stash = genesis::dev_stash("Alice").unwrap();
    assert!(events.contains(&RuntimeEvent::Entropy(
        pallet_entropy::Event::HeartbeatReceived {
            epoch: 0,
            validator_index: 0,
            stash: alice_stash,
        }
    )));
    assert!(
        events.contains(&RuntimeEvent::Poe(pallet_poe::Event::ProviderHeartbeat {
            provider: bob,
            epoch: 0,
        }))
    );
    assert!(chain.read(|ext| pallet_entropy::Pallet::<Runtime>::heartbeat_received(ext, 0)));
    assert!(chain.read(|ext| pallet_poe::Pallet::<Runtime>::heard_recently(ext, &bob)));

    // Heard from: the worker sends nothing more, and a replay is stale.
    assert!(run_worker(&mut node, &chain).is_empty());
    for xt in &submitted {
        assert_eq!(
            validate(&chain, xt),
            Err(TransactionValidityError::Invalid(InvalidTransaction::Stale))
        );
    }
    let (_, results) = chain.build_block(&submitted).unwrap();
    assert!(results
        .iter()
        .all(|r| r == &Err(TransactionValidityError::Invalid(InvalidTransaction::Stale))));
}

#[test]
fn a_node_without_the_keys_sends_nothing_and_forged_heartbeats_are_refused() {
    let chain = chain_with_bob_providing();
    // Keys that are neither a member's slot key nor a provider's.
    let mut stranger = dev_node(&[
        (*b"babe", "//Eve"),
        (pallet_poe::local::EXECUTOR_KEY_TYPE, "//Eve"),
    ]);
    assert!(run_worker(&mut stranger, &chain).is_empty());
    assert!(stranger.storage.is_empty());

    // Alice's heartbeat signed by Eve, and Bob's signed by Eve.
    let eve = sr25519::Pair::from_uri("//Eve").unwrap();
    let heartbeat = pallet_entropy::Heartbeat {
        epoch: 0,
        validator_index: 0,
        block_number: 1,
    };
    let forged = RuntimeCall::Entropy(pallet_entropy::Call::heartbeat {
        heartbeat,
        signature: eve.sign(&pallet_entropy::heartbeat::heartbeat_payload(&heartbeat)),
    });
    let provider_heartbeat = pallet_poe::ProviderHeartbeat {
        epoch: 0,
        provider: account(&dev_pair("Bob").unwrap()),
        block_number: 1,
    };
    let forged_provider = RuntimeCall::Poe(pallet_poe::Call::heartbeat {
        heartbeat: provider_heartbeat,
        signature: eve.sign(&pallet_poe::heartbeat::heartbeat_payload(
            &provider_heartbeat,
        )),
    });
    for call in [forged, forged_provider] {
        let xt = UncheckedExtrinsic::new_unsigned(call).encode();
        assert_eq!(
            validate(&chain, &xt),
            Err(TransactionValidityError::Invalid(
                InvalidTransaction::BadProof
            ))
        );
    }
}
