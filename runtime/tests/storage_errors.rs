//! A state read that fails aborts the block being imported or built with
//! `RuntimeError::Storage`; it never reads as an absent key.

use codec::{Decode, Encode};
use entroos_primitives::Header;
use entroos_runtime::inherents::InherentData;
use entroos_runtime::testing::{
    account, dev_pair, sign, transfer_keep_alive, SigningContext, TestChain,
};
use entroos_runtime::{api, genesis, RuntimeError};
use entroos_support::state::{BackendOperation, Externalities, FailingBackend, Overlay};

/// A chain with one transfer from Alice to Bob in block 1, the genesis
/// state, and that block.
fn transfer_block() -> (
    entroos_support::state::InMemoryBackend,
    entroos_primitives::Block,
    Vec<u8>,
) {
    let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let genesis_state = chain.state.clone();
    let (alice, bob) = (dev_pair("Alice").unwrap(), dev_pair("Bob").unwrap());
    let xt = sign(
        transfer_keep_alive(account(&bob), 1_000_000_000_000),
        &alice,
        SigningContext::immortal(&chain, 0),
    );
    let (block, results) = chain.build_block(std::slice::from_ref(&xt)).unwrap();
    assert_eq!(results, vec![Ok(Ok(()))]);
    (genesis_state, block, xt)
}

fn alice_account_key() -> Vec<u8> {
    pallet_system::Account::<entroos_runtime::Runtime>::key(&account(&dev_pair("Alice").unwrap()))
}

fn storage_error_on(key: &[u8], result: Result<Vec<u8>, RuntimeError>) {
    match result {
        Err(RuntimeError::Storage(error)) => {
            assert_eq!(error.operation, BackendOperation::Get(key.to_vec()))
        }
        other => panic!("expected a storage error, got {other:?}"),
    }
}

#[test]
fn importing_a_block_over_a_failing_read_is_a_storage_error() {
    let (genesis_state, block, _) = transfer_block();
    let key = alice_account_key();
    let failing = FailingBackend {
        state: genesis_state.clone(),
        failing_key: key.clone(),
    };
    let mut overlay = Overlay::new(&failing);
    let result = api::call(&mut overlay, "Core_execute_block", &block.encode(), None);
    storage_error_on(&key, result);
    assert!(overlay.try_into_changes().is_err());

    // Read as absent, Alice could not pay: a different, wrong verdict.
    let mut without_alice = genesis_state.clone();
    without_alice.entries.remove(&key);
    let mut overlay = Overlay::new(&without_alice);
    let absent = api::call(&mut overlay, "Core_execute_block", &block.encode(), None);
    assert!(
        matches!(absent, Err(RuntimeError::InvalidBlock(_))),
        "{absent:?}"
    );

    // Healthy state imports the block.
    let mut overlay = Overlay::new(&genesis_state);
    api::call(&mut overlay, "Core_execute_block", &block.encode(), None).unwrap();
}

#[test]
fn building_a_block_over_a_failing_read_is_a_storage_error() {
    let (genesis_state, block, xt) = transfer_block();
    let key = alice_account_key();
    let failing = FailingBackend {
        state: genesis_state,
        failing_key: key.clone(),
    };
    let mut overlay = Overlay::new(&failing);
    let call = |overlay: &mut Overlay<'_, FailingBackend>, method: &str, input: &[u8]| {
        api::call(overlay, method, input, None)
    };
    let pending = Header {
        parent_hash: block.header.parent_hash,
        number: 1,
        digest: block.header.digest.clone(),
        ..Default::default()
    };
    call(&mut overlay, "Core_initialize_block", &pending.encode()).unwrap();
    let mut data = InherentData::new();
    data.insert(
        pallet_timestamp::INHERENT_IDENTIFIER,
        1_700_000_001_000u64.encode(),
    );
    let inherents = call(
        &mut overlay,
        "BlockBuilder_inherent_extrinsics",
        &data.encode(),
    )
    .unwrap();
    let inherents =
        Vec::<entroos_primitives::OpaqueExtrinsic>::decode(&mut &inherents[..]).unwrap();
    for inherent in inherents {
        call(
            &mut overlay,
            "BlockBuilder_apply_extrinsic",
            &inherent.encode(),
        )
        .unwrap();
    }
    storage_error_on(
        &key,
        call(&mut overlay, "BlockBuilder_apply_extrinsic", &xt),
    );
    // Poisoned: nothing more is built on it.
    storage_error_on(&key, call(&mut overlay, "BlockBuilder_finalize_block", &[]));
    assert_eq!(
        overlay.backend_error().map(|e| &e.operation),
        Some(&BackendOperation::Get(key))
    );
}

#[test]
fn a_failing_slot_read_does_not_pass_the_slot_check() {
    // Read as absent, `LastSlot` would say no block came before and any
    // slot would follow it.
    let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    chain.build_block(&[]).unwrap();
    let key = pallet_entropy::LastSlot::key().to_vec();
    let (_, slot) = chain.next_slot();
    let failing = FailingBackend {
        state: chain.state.clone(),
        failing_key: key.clone(),
    };
    let pending = Header {
        parent_hash: chain.head.hash(),
        number: 2,
        digest: chain.claim_digest(slot),
        ..Default::default()
    };
    let mut overlay = Overlay::new(&failing);
    let result = api::call(
        &mut overlay,
        "Core_initialize_block",
        &pending.encode(),
        None,
    );
    storage_error_on(&key, result);
}

#[test]
fn read_only_calls_report_storage_errors_too() {
    let (genesis_state, _, _) = transfer_block();
    let key = alice_account_key();
    let failing = FailingBackend {
        state: genesis_state,
        failing_key: key.clone(),
    };
    let mut overlay = Overlay::new(&failing);
    let alice = account(&dev_pair("Alice").unwrap());
    let result = api::call(
        &mut overlay,
        "AccountNonceApi_account_nonce",
        &alice.encode(),
        None,
    );
    storage_error_on(&key, result);
}
