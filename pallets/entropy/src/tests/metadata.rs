use crate::mock::*;
use crate::{
    BlockEquivocationProof, Call, ClaimKind, CurrentEpoch, Error, Event, KeyOwnershipProof, Ledger,
    OffenceTime, SessionKeys, ValidatorPrefs, VoteEquivocationProof, VoteKind,
};
use codec::{Decode, Encode};
use entroos_primitives::hashing::{blake2_128, twox_128};
use entroos_primitives::Header;
use entroos_support::dispatch::PalletError;
use entroos_support::metadata::PalletMetadataProvider;
use frame_metadata::v14::PalletMetadata;
use scale_info::form::PortableForm;
use scale_info::{IntoPortable, PortableRegistry, Registry, TypeDef};

fn portable() -> (PalletMetadata<PortableForm>, PortableRegistry) {
    let mut registry = Registry::new();
    let pallet = Entropy::pallet_metadata(INDEX).into_portable(&mut registry);
    (pallet, registry.into())
}

fn variant_names(types: &PortableRegistry, id: u32) -> (String, Vec<(u8, String)>) {
    let ty = types.resolve(id).unwrap();
    let TypeDef::Variant(variants) = &ty.type_def else {
        panic!("not an enum");
    };
    let names = variants
        .variants
        .iter()
        .map(|v| (v.index, v.name.clone()))
        .collect();
    (ty.path.segments.join("::"), names)
}

#[test]
fn calls_events_and_errors_are_described_under_frame_paths() {
    let (pallet, types) = portable();
    assert_eq!((pallet.name.as_str(), pallet.index), ("Entropy", INDEX));
    let (path, calls) = variant_names(&types, pallet.calls.unwrap().ty.id);
    assert_eq!(path, "pallet_entropy::pallet::Call");
    let call_names: Vec<&str> = calls.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(
        call_names,
        [
            "bond",
            "bond_extra",
            "unbond",
            "withdraw_unbonded",
            "validate",
            "chill",
            "set_keys",
            "report_block_equivocation",
            "report_vote_equivocation",
            "note_finality_round",
            "heartbeat"
        ]
    );
    assert!(calls
        .iter()
        .enumerate()
        .all(|(i, (index, _))| usize::from(*index) == i));
    let (path, events) = variant_names(&types, pallet.event.unwrap().ty.id);
    assert_eq!(path, "pallet_entropy::pallet::Event");
    assert_eq!(events.len(), 10);
    assert_eq!(
        events.last().unwrap(),
        &(9, "HeartbeatReceived".to_string())
    );
    let (path, errors) = variant_names(&types, pallet.error.unwrap().ty.id);
    assert_eq!(path, "pallet_entropy::pallet::Error");
    // The metadata's error indices are the ones dispatch errors carry.
    for (index, name) in &errors {
        let error = Error::decode(&mut &[*index][..]).unwrap();
        assert_eq!(error.name(), name);
        assert_eq!(error.encode(), vec![*index]);
    }
    assert_eq!(errors.len(), 29);
    let last: Vec<&str> = errors[25..].iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(
        last,
        [
            "StaleHeartbeat",
            "FutureHeartbeat",
            "UnknownValidator",
            "DuplicateHeartbeat"
        ]
    );
}

#[test]
fn every_storage_item_and_constant_is_described() {
    let (pallet, types) = portable();
    let storage = pallet.storage.unwrap();
    assert_eq!(storage.prefix, "Entropy");
    let names: Vec<&str> = storage.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Parameters",
            "Ledger",
            "Candidates",
            "CandidateCount",
            "Keys",
            "KeyOwner",
            "Scores",
            "CurrentEpoch",
            "GenesisSlot",
            "LastSlot",
            "EpochSets",
            "RandomnessAccumulator",
            "Duties",
            "Period",
            "Offences",
            "OffencesByEpoch",
            "LastNotedRound",
            "SlashedOffences",
            "ReceivedHeartbeats"
        ]
    );
    assert!(storage.entries.iter().all(|e| !e.docs.is_empty()));
    let paths: Vec<String> = types
        .types
        .iter()
        .map(|t| t.ty.path.segments.join("::"))
        .collect();
    for expected in [
        "sp_arithmetic::fixed_point::FixedU128",
        "sp_arithmetic::per_things::Perbill",
        "bounded_collections::bounded_vec::BoundedVec",
        "sp_core::crypto::AccountId32",
        "pallet_entropy::types::EpochSet",
        "pallet_entropy::params::Params",
        "sp_runtime::generic::header::Header",
    ] {
        assert!(paths.iter().any(|p| p == expected), "{expected} missing");
    }
    let constant = |name: &str| {
        pallet
            .constants
            .iter()
            .find(|c| c.name == name)
            .unwrap()
            .value
            .clone()
    };
    assert_eq!(constant("MaxValidators"), MAX_VALIDATORS.encode());
    assert_eq!(constant("MaxCandidates"), MAX_CANDIDATES.encode());
    assert_eq!(
        constant("MaxOffencesPerEpoch"),
        crate::MAX_OFFENCES_PER_EPOCH.encode()
    );
    assert!(!Entropy::pallet_docs().is_empty());
}

#[test]
fn storage_keys_are_frames() {
    let prefix = twox_128(b"Entropy");
    assert_eq!(CurrentEpoch::key()[..16], prefix);
    assert_eq!(CurrentEpoch::key()[16..], twox_128(b"CurrentEpoch"));
    let who = stash(1);
    let key = Ledger::key(&who);
    assert_eq!(key[32..48], blake2_128(&who.encode()));
    assert_eq!(key[48..], who.0);
}

#[test]
fn calls_round_trip_through_scale() {
    let v = Validator::new(1);
    let header = Header {
        number: 3,
        digest: slot_digest(9, None),
        ..Default::default()
    };
    let vote = crate::SignedVote {
        target_hash: Default::default(),
        target_number: 1,
        signature: [3; 64],
    };
    let calls = [
        Call::bond { value: u128::MAX },
        Call::withdraw_unbonded {},
        Call::validate {
            prefs: ValidatorPrefs {
                operator: b"op".to_vec().try_into().unwrap(),
                ..Default::default()
            },
        },
        Call::set_keys {
            keys: v.keys(),
            proof: KeyOwnershipProof {
                vrf_signature: [1; 64],
                finality_signature: [2; 64],
            },
        },
        Call::report_block_equivocation {
            proof: Box::new(BlockEquivocationProof {
                offender: [1; 32],
                slot: 9,
                first: header.clone(),
                second: header,
            }),
        },
        Call::report_vote_equivocation {
            proof: Box::new(VoteEquivocationProof {
                offender: [1; 32],
                set_id: 0,
                round: 1,
                kind: VoteKind::Prevote,
                first: vote,
                second: vote,
            }),
        },
        Call::heartbeat {
            heartbeat: crate::Heartbeat {
                epoch: 2,
                validator_index: 1,
                block_number: 30,
            },
            signature: [4; 64],
        },
    ];
    for call in calls {
        let encoded = call.encode();
        assert_eq!(Call::decode(&mut &encoded[..]).unwrap(), call);
    }
    let heartbeat = Call::heartbeat {
        heartbeat: crate::Heartbeat {
            epoch: 2,
            validator_index: 1,
            block_number: 30,
        },
        signature: [4; 64],
    };
    assert_eq!(
        heartbeat.encode(),
        [
            &[10u8][..],
            &2u64.encode(),
            &1u32.encode(),
            &30u32.encode(),
            &[4; 64]
        ]
        .concat(),
        "index 10, the heartbeat's fields, the raw signature"
    );
    assert_eq!(
        Call::bond { value: 1 }.encode(),
        vec![0, 4],
        "index, then compact"
    );
    let too_long = (
        4u8,
        ValidatorPrefs::default().commission,
        vec![0u8; 65],
        Vec::<u8>::new(),
    )
        .encode();
    assert!(
        Call::decode(&mut &too_long[..]).is_err(),
        "a declaration over 64 bytes does not decode"
    );
    let event = Event::Slashed {
        stash: stash(1),
        amount: 5,
        time: OffenceTime::Slot(3),
    };
    assert_eq!(Event::decode(&mut &event.encode()[..]).unwrap(), event);
    let claim = ClaimKind::Primary {
        vrf_output: [1; 32],
    };
    assert_eq!(ClaimKind::decode(&mut &claim.encode()[..]).unwrap(), claim);
    let keys = SessionKeys {
        vrf: [1; 32],
        finality: [2; 32],
    };
    assert_eq!(keys.encode(), [[1u8; 32], [2; 32]].concat(), "two raw keys");
}
