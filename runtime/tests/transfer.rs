//! A signed transfer through the whole block pipeline.

use codec::Decode;
use entroos_primitives::dispatch::{DispatchClass, DispatchInfo, Pays};
use entroos_runtime::testing::{
    account, dev_pair, sign, transfer_keep_alive, SigningContext, TestChain,
};
use entroos_runtime::{api, executive, genesis, Balances, Runtime, RuntimeEvent};
use entroos_support::state::Overlay;
use pallet_system::Phase;

#[test]
fn transfer_moves_balance_charges_fee_and_emits_events() {
    let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let (alice, bob) = (dev_pair("Alice").unwrap(), dev_pair("Bob").unwrap());
    let before = chain.read(|ext| {
        (
            Balances::free_balance(ext, &account(&alice)),
            Balances::free_balance(ext, &account(&bob)),
        )
    });
    let amount = 1_000_000_000_000u128;
    let xt = sign(
        transfer_keep_alive(account(&bob), amount),
        &alice,
        SigningContext::immortal(&chain, 0),
    );
    let (block, results) = chain.build_block(&[xt]).unwrap();
    assert_eq!(results, vec![Ok(Ok(()))]);
    assert_eq!(block.extrinsics.len(), 2);

    let events = chain.read(|ext| Runtime::events(ext));
    let fee = events
        .iter()
        .find_map(|r| match &r.event {
            RuntimeEvent::TransactionPayment(
                pallet_transaction_payment::Event::TransactionFeePaid { actual_fee, .. },
            ) => Some(*actual_fee),
            _ => None,
        })
        .expect("TransactionFeePaid");
    assert!(fee > 0);
    let after = chain.read(|ext| {
        (
            Balances::free_balance(ext, &account(&alice)),
            Balances::free_balance(ext, &account(&bob)),
        )
    });
    assert_eq!(after.0, before.0 - amount - fee);
    assert_eq!(after.1, before.1 + amount);

    let of_tx: Vec<_> = events
        .iter()
        .filter(|r| r.phase == Phase::ApplyExtrinsic(1))
        .map(|r| &r.event)
        .collect();
    assert!(
        of_tx.contains(&&RuntimeEvent::Balances(pallet_balances::Event::Transfer {
            from: account(&alice),
            to: account(&bob),
            amount
        }))
    );
    assert_eq!(
        of_tx.last(),
        Some(&&RuntimeEvent::System(
            pallet_system::Event::ExtrinsicSuccess {
                dispatch_info: DispatchInfo {
                    weight: pallet_balances::weights::TRANSFER,
                    class: DispatchClass::Normal,
                    pays_fee: Pays::Yes
                }
            }
        ))
    );
    assert!(matches!(
        events.first().map(|r| r.phase),
        Some(Phase::ApplyExtrinsic(0))
    ));
}

#[test]
fn built_blocks_re_execute_to_the_same_roots() {
    let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let parent_state = chain.state.clone();
    let (alice, bob) = (dev_pair("Alice").unwrap(), dev_pair("Bob").unwrap());
    let xts: Vec<_> = (0..5)
        .map(|n| {
            sign(
                transfer_keep_alive(account(&bob), 10_000_000_000),
                &alice,
                SigningContext::immortal(&chain, n),
            )
        })
        .collect();
    let (block, _) = chain.build_block(&xts).unwrap();
    let mut roots = Vec::new();
    for _ in 0..2 {
        let mut overlay = Overlay::new(&parent_state);
        executive::execute_block(&mut overlay, &block).expect("block re-executes");
        let mut state = parent_state.clone();
        state.apply(overlay.into_changes());
        roots.push(state.root());
    }
    assert_eq!(roots[0], roots[1]);
    assert_eq!(roots[0], block.header.state_root);
}

#[test]
fn tampered_blocks_are_rejected_with_the_reason() {
    let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let parent_state = chain.state.clone();
    let (block, _) = chain.build_block(&[]).unwrap();
    let mut bad_root = block.clone();
    bad_root.header.state_root.0[0] ^= 1;
    let mut overlay = Overlay::new(&parent_state);
    let err = executive::execute_block(&mut overlay, &bad_root).unwrap_err();
    assert!(
        matches!(err, entroos_runtime::BlockError::StateRootMismatch { .. }),
        "{err}"
    );
    let mut no_timestamp = block.clone();
    no_timestamp.extrinsics.clear();
    let mut overlay = Overlay::new(&parent_state);
    let err = executive::execute_block(&mut overlay, &no_timestamp).unwrap_err();
    assert_eq!(err, entroos_runtime::BlockError::MissingTimestamp);
}

#[test]
fn nonce_and_fee_queries_through_runtime_apis() {
    let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let (alice, bob) = (dev_pair("Alice").unwrap(), dev_pair("Bob").unwrap());
    let xt = sign(
        transfer_keep_alive(account(&bob), 5),
        &alice,
        SigningContext::immortal(&chain, 0),
    );
    let mut input = xt.clone();
    input.extend((xt.len() as u32).to_le_bytes());
    let info = chain
        .read(|ext| api::call(ext, "TransactionPaymentApi_query_info", &input, None))
        .unwrap();
    let info = entroos_primitives::dispatch::RuntimeDispatchInfo::decode(&mut &info[..]).unwrap();
    chain.build_block(&[xt]).unwrap();
    let nonce = chain
        .read(|ext| {
            api::call(
                ext,
                "AccountNonceApi_account_nonce",
                &account(&alice).0,
                None,
            )
        })
        .unwrap();
    assert_eq!(nonce, 1u32.to_le_bytes().to_vec());
    let paid = chain
        .read(|ext| Runtime::events(ext))
        .into_iter()
        .find_map(|r| match r.event {
            RuntimeEvent::TransactionPayment(
                pallet_transaction_payment::Event::TransactionFeePaid { actual_fee, .. },
            ) => Some(actual_fee),
            _ => None,
        });
    assert_eq!(
        paid,
        Some(info.partial_fee),
        "query_info predicts the fee charged"
    );
}
