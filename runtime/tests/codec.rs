//! Codec properties: every stored type round-trips, and random bytes fed to
//! the extrinsic, block and header decoders and to every runtime API return
//! typed errors instead of panicking.

use codec::{Decode, Encode};
use entroos_primitives::arithmetic::FixedU128;
use entroos_primitives::dispatch::{DispatchClass, DispatchError, DispatchInfo, ModuleError, Pays};
use entroos_primitives::{AccountId32, Digest, DigestItem, Header, Weight, H256};
use entroos_runtime::{api, genesis, testing::TestChain, Block, RuntimeEvent, UncheckedExtrinsic};
use pallet_balances::{AccountData, BalanceLock, Reasons};
use pallet_system::{AccountInfo, EventRecord, PerDispatchClass, Phase};
use proptest::prelude::*;

fn round_trips<T: Encode + Decode + PartialEq + std::fmt::Debug>(
    value: T,
) -> Result<(), TestCaseError> {
    let encoded = value.encode();
    let decoded = T::decode(&mut &encoded[..]).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(decoded, value);
    Ok(())
}

fn account() -> impl Strategy<Value = AccountId32> {
    any::<[u8; 32]>().prop_map(AccountId32)
}

fn weight() -> impl Strategy<Value = Weight> {
    (any::<u64>(), any::<u64>()).prop_map(|(r, p)| Weight::from_parts(r, p))
}

fn phase() -> impl Strategy<Value = Phase> {
    prop_oneof![
        any::<u32>().prop_map(Phase::ApplyExtrinsic),
        Just(Phase::Finalization),
        Just(Phase::Initialization)
    ]
}

fn dispatch_info() -> impl Strategy<Value = DispatchInfo> {
    (weight(), 0u8..3, any::<bool>()).prop_map(|(weight, class, pays)| DispatchInfo {
        weight,
        class: [
            DispatchClass::Normal,
            DispatchClass::Operational,
            DispatchClass::Mandatory,
        ][class as usize],
        pays_fee: if pays { Pays::Yes } else { Pays::No },
    })
}

fn event() -> impl Strategy<Value = RuntimeEvent> {
    prop_oneof![
        (account(), account(), any::<u128>()).prop_map(
            |(from, to, amount)| RuntimeEvent::Balances(pallet_balances::Event::Transfer {
                from,
                to,
                amount
            })
        ),
        (account(), any::<u128>(), any::<u128>()).prop_map(|(who, actual_fee, tip)| {
            RuntimeEvent::TransactionPayment(
                pallet_transaction_payment::Event::TransactionFeePaid {
                    who,
                    actual_fee,
                    tip,
                },
            )
        }),
        dispatch_info().prop_map(|dispatch_info| RuntimeEvent::System(
            pallet_system::Event::ExtrinsicSuccess { dispatch_info }
        )),
        (dispatch_info(), any::<u8>(), any::<[u8; 4]>()).prop_map(
            |(dispatch_info, index, error)| RuntimeEvent::System(
                pallet_system::Event::ExtrinsicFailed {
                    dispatch_error: DispatchError::Module(ModuleError {
                        index,
                        error,
                        message: None
                    }),
                    dispatch_info,
                }
            )
        ),
    ]
}

fn digest() -> impl Strategy<Value = Digest> {
    let item = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(DigestItem::Other),
        (
            any::<[u8; 4]>(),
            proptest::collection::vec(any::<u8>(), 0..40)
        )
            .prop_map(|(e, d)| DigestItem::PreRuntime(e, d)),
        (
            any::<[u8; 4]>(),
            proptest::collection::vec(any::<u8>(), 0..40)
        )
            .prop_map(|(e, d)| DigestItem::Seal(e, d)),
        (
            any::<[u8; 4]>(),
            proptest::collection::vec(any::<u8>(), 0..40)
        )
            .prop_map(|(e, d)| DigestItem::Consensus(e, d)),
        Just(DigestItem::RuntimeEnvironmentUpdated),
    ];
    proptest::collection::vec(item, 0..5).prop_map(|logs| Digest { logs })
}

proptest! {
    #[test]
    fn stored_types_round_trip(
        nonce in any::<u32>(), refs in any::<(u32, u32, u32)>(), data in any::<(u128, u128, u128, u128)>(),
        lock_amounts in proptest::collection::vec((any::<[u8; 8]>(), any::<u128>(), 0u8..3), 0..4),
        records in proptest::collection::vec((phase(), event()), 0..6),
        per_class in (weight(), weight(), weight()),
        digest in digest(), number in any::<u32>(), hashes in any::<([u8; 32], [u8; 32], [u8; 32])>(),
        multiplier in any::<u128>(),
    ) {
        round_trips(AccountInfo {
            nonce,
            consumers: refs.0,
            providers: refs.1,
            sufficients: refs.2,
            data: AccountData { free: data.0, reserved: data.1, frozen: data.2, flags: data.3 },
        })?;
        let locks: Vec<BalanceLock> = lock_amounts
            .into_iter()
            .map(|(id, amount, r)| BalanceLock { id, amount, reasons: [Reasons::Fee, Reasons::Misc, Reasons::All][r as usize] })
            .collect();
        round_trips(locks)?;
        let records: Vec<EventRecord<RuntimeEvent, H256>> =
            records.into_iter().map(|(phase, event)| EventRecord { phase, event, topics: vec![] }).collect();
        round_trips(records)?;
        round_trips(PerDispatchClass { normal: per_class.0, operational: per_class.1, mandatory: per_class.2 })?;
        round_trips(Header {
            parent_hash: H256(hashes.0),
            number,
            state_root: H256(hashes.1),
            extrinsics_root: H256(hashes.2),
            digest: digest.clone(),
        })?;
        round_trips(digest)?;
        round_trips(FixedU128(multiplier))?;
    }

    #[test]
    fn random_bytes_never_panic_the_decoders(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = UncheckedExtrinsic::decode(&mut &bytes[..]);
        let _ = UncheckedExtrinsic::decode_body(&bytes);
        let _ = Block::decode(&mut &bytes[..]);
        let _ = Header::decode(&mut &bytes[..]);
        let _ = Vec::<EventRecord<RuntimeEvent, H256>>::decode(&mut &bytes[..]);
    }

    #[test]
    fn mutated_extrinsics_never_panic(flip in 0usize..160, value in any::<u8>(), cut in 0usize..160) {
        let signed = signed_transfer();
        let mut mutated = signed.clone();
        let index = flip % mutated.len();
        mutated[index] = value;
        mutated.truncate(cut.max(1).min(mutated.len()));
        let _ = UncheckedExtrinsic::decode(&mut &mutated[..]);
    }
}

fn signed_transfer() -> Vec<u8> {
    use entroos_runtime::testing::{account, dev_pair, sign, transfer_keep_alive, SigningContext};
    static SIGNED: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    SIGNED
        .get_or_init(|| {
            let chain = TestChain::new(genesis::DEV_PRESET).unwrap();
            let (alice, bob) = (
                dev_pair("Alice").unwrap(),
                account(&dev_pair("Bob").unwrap()),
            );
            sign(
                transfer_keep_alive(bob, 1),
                &alice,
                SigningContext::immortal(&chain, 0),
            )
        })
        .clone()
}

#[test]
fn every_runtime_api_rejects_garbage_with_a_typed_error() {
    let chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let garbage: [&[u8]; 4] = [
        &[],
        &[0xff; 3],
        &[0x04, 0x01, 0x02, 0x03, 0x04, 0x05],
        &[0x80; 64],
    ];
    for method in api::METHODS {
        for input in garbage {
            // An error or a value: never a panic, and state is untouched (discarded overlay).
            let _ = chain.read(|ext| api::call(ext, method, input, None));
        }
    }
    let err = chain
        .read(|ext| api::call(ext, "BlockBuilder_apply_extrinsic", &[0x04, 0x99], None))
        .unwrap_err();
    assert!(
        matches!(err, entroos_runtime::RuntimeError::BadArguments { .. }),
        "{err}"
    );
}

#[test]
fn deeply_nested_input_is_bounded() {
    // A block claiming a billion extrinsics decodes to an error, not an allocation.
    let mut bytes = Header::default().encode();
    bytes.extend(codec::Compact(1_000_000_000u32).encode());
    assert!(Block::decode(&mut &bytes[..]).is_err());
}
