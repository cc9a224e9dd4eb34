//! A transfer signed by polkadot.js (`@polkadot/api` 16.5.6) over this
//! runtime's own metadata: our code decodes it, rebuilds the signing payload
//! byte for byte, verifies the signature and applies it.
//! Regenerate the fixture with `scripts/regen-pjs-fixture.sh`.

use codec::{Decode, Encode};
use entroos_primitives::generic::extensions::AdditionalSigned;
use entroos_primitives::generic::signing_payload;
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::{AccountId32, Era, MultiAddress, MultiSignature, H256};
use entroos_runtime::testing::TestChain;
use entroos_runtime::{genesis, Balances, Runtime, RuntimeCall, RuntimeEvent, UncheckedExtrinsic};
use pallet_system::Phase;
use serde_json::Value;

fn fixture() -> Value {
    serde_json::from_str(include_str!("fixtures/pjs-transfer.json")).unwrap()
}

fn bytes(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap().trim_start_matches("0x")).unwrap()
}

#[test]
fn polkadot_js_transfer_decodes_verifies_and_applies() {
    let f = fixture();
    let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let genesis_hash: H256 = f["genesisHash"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        chain.genesis_hash(),
        genesis_hash,
        "the dev genesis changed: run scripts/regen-pjs-fixture.sh to re-sign the fixture"
    );

    let wire = bytes(&f["extrinsic"]);
    assert_eq!(
        H256(blake2_256(&wire)),
        f["hash"].as_str().unwrap().parse::<H256>().unwrap()
    );
    let xt = UncheckedExtrinsic::decode(&mut &wire[..]).unwrap();
    assert_eq!(xt.encode(), wire, "re-encodes to the same bytes");
    let (address, signature, extra) = xt.signature.clone().unwrap();
    let alice: AccountId32 = f["signer"].as_str().unwrap().parse().unwrap();
    let bob: AccountId32 = f["dest"].as_str().unwrap().parse().unwrap();
    let amount: u128 = f["amount"].as_str().unwrap().parse().unwrap();
    assert_eq!(address, MultiAddress::Id(alice));
    assert_eq!(extra.era, Era::mortal(64, 0));
    assert_eq!(extra.era.encode(), bytes(&f["era"]["encoded"]));
    assert_eq!((extra.nonce, extra.tip), (0, 0));
    assert_eq!(
        xt.function,
        RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
            dest: MultiAddress::Id(bob),
            value: amount
        })
    );
    assert_eq!(xt.function.encode(), bytes(&f["call"]));

    let additional = AdditionalSigned {
        spec_version: entroos_runtime::SPEC_VERSION,
        transaction_version: entroos_runtime::TRANSACTION_VERSION,
        genesis_hash,
        birth_hash: genesis_hash,
    };
    let payload = signing_payload(&xt.function.encode(), &extra, &additional);
    assert_eq!(
        payload,
        bytes(&f["signingPayload"]),
        "signing payload equals polkadot.js's byte for byte"
    );
    assert!(matches!(signature, MultiSignature::Sr25519(_)));
    assert!(signature.verify(&payload, &alice));

    let before = chain.read(|ext| {
        (
            Balances::free_balance(ext, &alice),
            Balances::free_balance(ext, &bob),
        )
    });
    let (block, results) = chain.build_block(&[wire]).unwrap();
    assert_eq!(results, vec![Ok(Ok(()))]);
    assert_eq!(
        block.extrinsics[1].hash(),
        f["hash"].as_str().unwrap().parse::<H256>().unwrap()
    );
    let events: Vec<_> = chain
        .read(|ext| Runtime::events(ext))
        .into_iter()
        .filter(|r| r.phase == Phase::ApplyExtrinsic(1))
        .collect();
    let fee = events
        .iter()
        .find_map(|r| match r.event {
            RuntimeEvent::TransactionPayment(
                pallet_transaction_payment::Event::TransactionFeePaid {
                    who,
                    actual_fee,
                    tip,
                },
            ) => {
                assert_eq!((who, tip), (alice, 0));
                Some(actual_fee)
            }
            _ => None,
        })
        .expect("TransactionPayment.TransactionFeePaid");
    assert!(events.iter().any(|r| r.event
        == RuntimeEvent::Balances(pallet_balances::Event::Transfer {
            from: alice,
            to: bob,
            amount
        })));
    assert!(matches!(
        events.last().map(|r| &r.event),
        Some(RuntimeEvent::System(
            pallet_system::Event::ExtrinsicSuccess { .. }
        ))
    ));
    let after = chain.read(|ext| {
        (
            Balances::free_balance(ext, &alice),
            Balances::free_balance(ext, &bob),
        )
    });
    assert_eq!(after, (before.0 - amount - fee, before.1 + amount));
}
