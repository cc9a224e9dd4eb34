//! Every invalid transaction gets Substrate's error, from the pool's
//! validation and from block application alike, and changes nothing.

use codec::{Decode, Encode};
use entroos_primitives::dispatch::{DispatchError, ModuleError};
use entroos_primitives::validity::{
    ApplyExtrinsicResult, InvalidTransaction, TransactionSource, TransactionValidity,
    TransactionValidityError,
};
use entroos_primitives::{Era, H256};
use entroos_runtime::constants::{pallet_index, DEV_ENDOWMENT, EXISTENTIAL_DEPOSIT, UNIT};
use entroos_runtime::testing::{
    account, dev_pair, sign, transfer_keep_alive, SigningContext, TestChain,
};
use entroos_runtime::{api, genesis, Runtime, RuntimeEvent, UncheckedExtrinsic};

fn chain() -> TestChain {
    TestChain::new(genesis::DEV_PRESET).unwrap()
}

fn validate(chain: &TestChain, xt: &[u8]) -> TransactionValidity {
    let input = (
        TransactionSource::External,
        UncheckedExtrinsic::decode(&mut &xt[..]).unwrap(),
        chain.head.hash(),
    )
        .encode();
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

fn apply_alone(chain: &mut TestChain, xt: Vec<u8>) -> ApplyExtrinsicResult {
    let (_, results) = chain.build_block(&[xt]).unwrap();
    results.into_iter().next().unwrap()
}

fn partial_fee(chain: &TestChain, xt: &[u8]) -> u128 {
    let mut input = xt.to_vec();
    input.extend((xt.len() as u32).encode());
    let out = chain
        .read(|ext| api::call(ext, "TransactionPaymentApi_query_info", &input, None))
        .unwrap();
    entroos_primitives::dispatch::RuntimeDispatchInfo::decode(&mut &out[..])
        .unwrap()
        .partial_fee
}

/// Both the pool's validation and block application refuse `xt` with `e`.
fn assert_refused(chain: &mut TestChain, xt: Vec<u8>, e: InvalidTransaction) {
    assert_eq!(validate(chain, &xt), Err(invalid(e)));
    assert_eq!(apply_alone(chain, xt), Err(invalid(e)));
}

fn invalid(e: InvalidTransaction) -> TransactionValidityError {
    TransactionValidityError::Invalid(e)
}

fn bob_transfer(ctx: SigningContext) -> Vec<u8> {
    sign(
        transfer_keep_alive(account(&dev_pair("Bob").unwrap()), 1_000_000_000),
        &dev_pair("Alice").unwrap(),
        ctx,
    )
}

#[test]
fn bad_signature() {
    let mut chain = chain();
    let mut xt = bob_transfer(SigningContext::immortal(&chain, 0));
    // The signature starts after: compact length (2) + version (1) + address (33) + signature kind (1).
    xt[2 + 1 + 33 + 1 + 5] ^= 0xff;
    assert_refused(&mut chain, xt, InvalidTransaction::BadProof);
}

#[test]
fn wrong_genesis_is_a_bad_signature() {
    let mut chain = chain();
    let mut ctx = SigningContext::immortal(&chain, 0);
    ctx.genesis_hash = H256([1; 32]);
    ctx.birth_hash = H256([1; 32]);
    let xt = bob_transfer(ctx);
    assert_refused(&mut chain, xt, InvalidTransaction::BadProof);
}

#[test]
fn future_nonce_waits_in_the_pool_and_is_refused_in_a_block() {
    let mut chain = chain();
    let xt = bob_transfer(SigningContext::immortal(&chain, 3));
    let valid = validate(&chain, &xt).unwrap();
    assert_eq!(
        valid.requires,
        vec![(account(&dev_pair("Alice").unwrap()), 2u32).encode()]
    );
    assert_eq!(
        apply_alone(&mut chain, xt),
        Err(invalid(InvalidTransaction::Future))
    );
}

#[test]
fn stale_nonce() {
    let mut chain = chain();
    let first = bob_transfer(SigningContext::immortal(&chain, 0));
    assert_eq!(apply_alone(&mut chain, first.clone()), Ok(Ok(())));
    assert_refused(&mut chain, first, InvalidTransaction::Stale);
}

#[test]
fn ancient_birth_block() {
    let mut chain = chain();
    chain.build_block(&[]).unwrap();
    let mut ctx = SigningContext::immortal(&chain, 0);
    ctx.era = Era::mortal(64, 1000);
    let xt = bob_transfer(ctx);
    assert_refused(&mut chain, xt, InvalidTransaction::AncientBirthBlock);
}

#[test]
fn mortal_transactions_with_a_known_birth_block_are_valid() {
    let mut chain = chain();
    chain.build_block(&[]).unwrap();
    let mut ctx = SigningContext::immortal(&chain, 0);
    ctx.era = Era::mortal(64, 1);
    ctx.birth_hash = chain.hashes[&1];
    let xt = bob_transfer(ctx);
    let valid = validate(&chain, &xt).unwrap();
    assert_eq!(valid.longevity, 63);
    assert_eq!(apply_alone(&mut chain, xt), Ok(Ok(())));
}

#[test]
fn cannot_pay_fees() {
    let mut chain = chain();
    let pauper = entroos_primitives::crypto::sr25519::Pair::from_uri("//Pauper").unwrap();
    let xt = sign(
        transfer_keep_alive(account(&dev_pair("Bob").unwrap()), 1),
        &pauper,
        SigningContext::immortal(&chain, 0),
    );
    assert_refused(&mut chain, xt, InvalidTransaction::Payment);
}

#[test]
fn keep_alive_below_existential_deposit_is_a_balances_module_error() {
    let mut chain = chain();
    let (alice, bob) = (
        dev_pair("Alice").unwrap(),
        account(&dev_pair("Bob").unwrap()),
    );
    let probe = sign(
        transfer_keep_alive(bob, DEV_ENDOWMENT - UNIT),
        &alice,
        SigningContext::immortal(&chain, 0),
    );
    let fee = partial_fee(&chain, &probe);
    // After the fee, Alice keeps half the existential deposit: keep-alive must refuse.
    let amount = DEV_ENDOWMENT - fee - EXISTENTIAL_DEPOSIT / 2;
    let xt = sign(
        transfer_keep_alive(bob, amount),
        &alice,
        SigningContext::immortal(&chain, 0),
    );
    assert_eq!(xt.len(), probe.len());
    let expected = DispatchError::Module(ModuleError {
        index: pallet_index::BALANCES,
        error: [4, 0, 0, 0],
        message: None,
    });
    let result = apply_alone(&mut chain, xt);
    assert_eq!(
        result.map(|r| r.map_err(|e| e.encode())),
        Ok(Err(expected.encode()))
    );
    let failed = chain
        .read(|ext| Runtime::events(ext))
        .into_iter()
        .find_map(|r| match r.event {
            RuntimeEvent::System(pallet_system::Event::ExtrinsicFailed {
                dispatch_error, ..
            }) => Some(dispatch_error),
            _ => None,
        });
    let Some(DispatchError::Module(module)) = failed else {
        panic!("ExtrinsicFailed with a module error")
    };
    assert_eq!(
        (module.index, module.error),
        (pallet_index::BALANCES, [4, 0, 0, 0])
    );
    // Clients name it from the metadata: error 4 of pallet 4.
    assert_eq!(
        entroos_runtime::metadata::error_name(module.index, module.error[0]).as_deref(),
        Some("Expendability")
    );
}

#[test]
fn unsigned_transfers_and_validated_inherents_are_refused() {
    let chain = chain();
    let unsigned = UncheckedExtrinsic::new_unsigned(transfer_keep_alive(
        account(&dev_pair("Bob").unwrap()),
        1,
    ))
    .encode();
    assert!(matches!(
        validate(&chain, &unsigned),
        Err(TransactionValidityError::Unknown(_))
    ));
    let inherent = UncheckedExtrinsic::new_unsigned(entroos_runtime::RuntimeCall::Timestamp(
        pallet_timestamp::Call::set { now: 1 },
    ))
    .encode();
    assert_eq!(
        validate(&chain, &inherent),
        Err(invalid(InvalidTransaction::MandatoryValidation))
    );
}
