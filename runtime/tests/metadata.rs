//! The metadata decodes with `frame-metadata` and names types the way clients
//! look them up.

use codec::Decode;
use entroos_runtime::api;
use frame_metadata::v14::StorageEntryType;
use frame_metadata::{RuntimeMetadata, RuntimeMetadataPrefixed};
use scale_info::{PortableRegistry, TypeDef};
use std::collections::BTreeSet;

fn decoded() -> frame_metadata::v14::RuntimeMetadataV14 {
    let prefixed =
        RuntimeMetadataPrefixed::decode(&mut entroos_runtime::metadata::encoded()).unwrap();
    assert_eq!(prefixed.0, 0x6174656d, "magic 'meta'");
    match prefixed.1 {
        RuntimeMetadata::V14(v14) => v14,
        _ => panic!("V14 expected"),
    }
}

fn paths(types: &PortableRegistry) -> BTreeSet<String> {
    types
        .types
        .iter()
        .map(|t| t.ty.path.segments.join("::"))
        .collect()
}

/// blake2-256 of the V14 bytes (`state_getMetadata`, `Metadata_metadata`).
/// A change here is a change every client sees: update the hash only for a
/// deliberate change of a pallet's calls, storage, events, errors or
/// constants (`System.Version` lists the runtime APIs), or of the extrinsic
/// format.
const V14_BLAKE2_256: &str = "30faa5c512612dad26ca5eb094f403d5ee69346a6eb79e17dfbdd3bd509b146b";

#[test]
fn v14_bytes_are_unchanged() {
    let encoded = entroos_runtime::metadata::encoded();
    let hash = entroos_primitives::hashing::blake2_256(encoded);
    assert_eq!(hex::encode(hash), V14_BLAKE2_256);
}

#[test]
fn client_visible_type_paths_are_substrates() {
    let md = decoded();
    let paths = paths(&md.types);
    for expected in [
        "sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic",
        "sp_runtime::multiaddress::MultiAddress",
        "sp_core::crypto::AccountId32",
        "sp_runtime::MultiSignature",
        "entroos_runtime::RuntimeCall",
        "entroos_runtime::RuntimeEvent",
        "frame_system::EventRecord",
        "frame_system::Phase",
        "frame_system::AccountInfo",
        "sp_runtime::DispatchError",
        "sp_runtime::ModuleError",
        "sp_weights::weight_v2::Weight",
        "pallet_balances::types::AccountData",
        "pallet_balances::types::BalanceLock",
        "sp_runtime::generic::era::Era",
        "sp_arithmetic::fixed_point::FixedU128",
        "bounded_collections::bounded_vec::BoundedVec",
        "pallet_entropy::types::EpochSet",
    ] {
        assert!(paths.contains(expected), "missing {expected}");
    }
    let xt = md.types.resolve(md.extrinsic.ty.id).unwrap();
    let names: Vec<_> = xt.type_params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Address", "Call", "Signature", "Extra"]);
    assert!(xt.type_params.iter().all(|p| p.ty.is_some()));
}

#[test]
fn extrinsic_v4_with_the_standard_extensions_in_order() {
    let md = decoded();
    assert_eq!(md.extrinsic.version, 4);
    let ids: Vec<_> = md
        .extrinsic
        .signed_extensions
        .iter()
        .map(|e| e.identifier.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "CheckNonZeroSender",
            "CheckSpecVersion",
            "CheckTxVersion",
            "CheckGenesis",
            "CheckMortality",
            "CheckNonce",
            "CheckWeight",
            "ChargeTransactionPayment"
        ]
    );
}

#[test]
fn every_pallet_is_described_at_its_index() {
    let md = decoded();
    let pallets: Vec<_> = md
        .pallets
        .iter()
        .map(|p| (p.name.as_str(), p.index))
        .collect();
    assert_eq!(
        pallets,
        [
            ("System", 0),
            ("Timestamp", 1),
            ("Entropy", 2),
            ("Balances", 4),
            ("TransactionPayment", 5),
            ("Poe", 6)
        ]
    );
    let balances = md.pallets.iter().find(|p| p.name == "Balances").unwrap();
    let calls = md
        .types
        .resolve(balances.calls.as_ref().unwrap().ty.id)
        .unwrap();
    let TypeDef::Variant(calls) = &calls.type_def else {
        panic!()
    };
    let transfer = calls
        .variants
        .iter()
        .find(|v| v.name == "transfer_keep_alive")
        .unwrap();
    assert_eq!(transfer.index, 3);
    let ed = balances
        .constants
        .iter()
        .find(|c| c.name == "ExistentialDeposit")
        .unwrap();
    assert_eq!(
        u128::decode(&mut &ed.value[..]).unwrap(),
        entroos_runtime::constants::EXISTENTIAL_DEPOSIT
    );
    let system = md.pallets.iter().find(|p| p.name == "System").unwrap();
    let storage: Vec<_> = system
        .storage
        .as_ref()
        .unwrap()
        .entries
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    for item in [
        "Account",
        "Events",
        "Number",
        "ParentHash",
        "BlockHash",
        "EventCount",
    ] {
        assert!(storage.contains(&item), "System.{item}");
    }
    assert!(system.constants.iter().any(|c| c.name == "BlockHashCount"));
    assert!(system.constants.iter().any(|c| c.name == "SS58Prefix"));
}

#[test]
fn entropy_storage_calls_events_and_constants_are_described() {
    let md = decoded();
    let entropy = md.pallets.iter().find(|p| p.name == "Entropy").unwrap();
    let storage = entropy.storage.as_ref().unwrap();
    assert_eq!(storage.prefix, "Entropy");
    let names: Vec<_> = storage.entries.iter().map(|e| e.name.as_str()).collect();
    for item in [
        "Parameters",
        "Ledger",
        "Keys",
        "Scores",
        "CurrentEpoch",
        "GenesisSlot",
        "EpochSets",
        "Offences",
    ] {
        assert!(names.contains(&item), "Entropy.{item}");
    }
    let variants = |id: u32| -> Vec<String> {
        let TypeDef::Variant(v) = &md.types.resolve(id).unwrap().type_def else {
            panic!("{id} is not an enum")
        };
        v.variants.iter().map(|v| v.name.clone()).collect()
    };
    let calls = variants(entropy.calls.as_ref().unwrap().ty.id);
    for call in ["bond", "set_keys", "validate", "report_block_equivocation"] {
        assert!(calls.iter().any(|c| c == call), "Entropy.{call}");
    }
    let events = variants(entropy.event.as_ref().unwrap().ty.id);
    assert!(events.iter().any(|e| e == "NewEpoch"));
    assert!(events.iter().any(|e| e == "Slashed"));
    let constant = |name: &str| {
        let c = entropy.constants.iter().find(|c| c.name == name).unwrap();
        u32::decode(&mut &c.value[..]).unwrap()
    };
    assert_eq!(
        constant("MaxValidators"),
        entroos_runtime::constants::MAX_VALIDATORS
    );
    assert_eq!(
        constant("MaxCandidates"),
        entroos_runtime::constants::MAX_CANDIDATES
    );
    let timestamp = md.pallets.iter().find(|p| p.name == "Timestamp").unwrap();
    let minimum_period = timestamp
        .constants
        .iter()
        .find(|c| c.name == "MinimumPeriod")
        .unwrap();
    assert_eq!(
        u64::decode(&mut &minimum_period.value[..]).unwrap() * 2,
        entroos_runtime::constants::DEV_SLOT_DURATION,
        "without Aura or BABE, polkadot.js takes twice this as the block time"
    );
}

#[test]
fn poe_storage_calls_events_errors_and_constants_are_described() {
    let md = decoded();
    let poe = md.pallets.iter().find(|p| p.name == "Poe").unwrap();
    assert_eq!(poe.index, 6);
    let storage = poe.storage.as_ref().unwrap();
    assert_eq!(storage.prefix, "Poe");
    let names: Vec<_> = storage.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Parameters",
            "Modules",
            "ModuleCode",
            "Providers",
            "ProviderCount",
            "NextJobId",
            "Jobs",
            "JobInputs",
            "Commitments",
            "Receipts",
            "ProofRecords",
            "DueJobs",
            "LastHeartbeat"
        ]
    );
    let variants = |id: u32| -> Vec<(String, u8)> {
        let TypeDef::Variant(v) = &md.types.resolve(id).unwrap().type_def else {
            panic!("{id} is not an enum")
        };
        v.variants
            .iter()
            .map(|v| (v.name.clone(), v.index))
            .collect()
    };
    let calls = variants(poe.calls.as_ref().unwrap().ty.id);
    let expected_calls = [
        "upload_module",
        "remove_module",
        "register_provider",
        "unregister_provider",
        "withdraw_bond",
        "submit_job",
        "commit_receipt",
        "reveal_receipt",
        "heartbeat",
    ];
    for (i, name) in expected_calls.iter().enumerate() {
        assert_eq!(calls[i], (name.to_string(), i as u8));
    }
    let TypeDef::Variant(call_enum) = &md
        .types
        .resolve(poe.calls.as_ref().unwrap().ty.id)
        .unwrap()
        .type_def
    else {
        panic!("Poe's calls are not an enum")
    };
    let reveal = call_enum
        .variants
        .iter()
        .find(|v| v.name == "reveal_receipt")
        .unwrap();
    let fields: Vec<_> = reveal.fields.iter().flat_map(|f| f.name.clone()).collect();
    assert_eq!(fields, ["job_id", "receipt", "salt", "signature"]);
    let receipts = storage
        .entries
        .iter()
        .find(|e| e.name == "Receipts")
        .unwrap();
    let StorageEntryType::Map { value, .. } = &receipts.ty else {
        panic!("Poe.Receipts is not a map")
    };
    assert_eq!(
        md.types.resolve(value.id).unwrap().path.segments,
        ["pallet_poe", "types", "SignedReceipt"]
    );
    let events = variants(poe.event.as_ref().unwrap().ty.id);
    assert_eq!(events.len(), 18);
    for event in [
        "JobAssigned",
        "JobDisputed",
        "JobReExecuted",
        "JobVerified",
        "JobFailed",
        "ExecutorSlashed",
        "ProviderHeartbeat",
    ] {
        assert!(events.iter().any(|(e, _)| e == event), "Poe.{event}");
    }
    let errors = variants(poe.error.as_ref().unwrap().ty.id);
    assert_eq!(errors[2], ("ForbiddenImport".to_string(), 2));
    assert!(
        errors.iter().any(|(e, _)| e == "BadReceiptSignature"),
        "Poe.BadReceiptSignature"
    );
    assert_eq!(
        entroos_runtime::metadata::error_name(6, 2).as_deref(),
        Some("ForbiddenImport")
    );
    let constant = |name: &str| {
        let c = poe.constants.iter().find(|c| c.name == name).unwrap();
        u32::decode(&mut &c.value[..]).unwrap()
    };
    assert_eq!(constant("MaxReplicas"), pallet_poe::MAX_REPLICAS);
    assert_eq!(constant("MaxModuleBytes"), pallet_poe::MAX_MODULE_BYTES);
}

#[test]
fn runtime_api_serves_metadata_versions() {
    let mut t = entroos_support::TestExternalities::default();
    t.execute_with(|ext| {
        let versions = api::call(ext, "Metadata_metadata_versions", &[], None).unwrap();
        assert_eq!(
            Vec::<u32>::decode(&mut &versions[..]).unwrap(),
            vec![14, 15]
        );
        let at = api::call(
            ext,
            "Metadata_metadata_at_version",
            &14u32.to_le_bytes(),
            None,
        )
        .unwrap();
        let at = Option::<Vec<u8>>::decode(&mut &at[..]).unwrap().unwrap();
        assert_eq!(at, entroos_runtime::metadata::encoded());
        let none = api::call(
            ext,
            "Metadata_metadata_at_version",
            &16u32.to_le_bytes(),
            None,
        )
        .unwrap();
        assert_eq!(none, vec![0]);
        assert!(api::call(ext, "Nope_nope", &[], None).is_err());
        assert!(api::call(ext, "Metadata_metadata_at_version", &[1, 2], None).is_err());
    });
}

#[test]
fn every_runtime_api_method_belongs_to_an_api_the_version_lists() {
    let apis = entroos_runtime::version().apis;
    for method in api::METHODS {
        let (name, _) = method.split_once('_').unwrap();
        let id = entroos_primitives::version::api_id(name);
        assert!(apis.iter().any(|(a, _)| *a == id), "{name} is not listed");
    }
    assert_eq!(apis.len(), 10);
}

/// py-substrate-interface picks its decoders by type path patterns
/// (`*::Call`, `*::Event` match a two-segment path and then decode it as the
/// outer enum), so pallet types need FRAME's `<crate>::pallet::<Name>`.
#[test]
fn pallet_calls_events_and_errors_live_under_pallet_like_frames() {
    let md = decoded();
    for pallet in &md.pallets {
        let items = [
            (pallet.calls.as_ref().map(|c| c.ty.id), "Call"),
            (pallet.event.as_ref().map(|e| e.ty.id), "Event"),
            (pallet.error.as_ref().map(|e| e.ty.id), "Error"),
        ];
        for (id, name) in items {
            let Some(id) = id else { continue };
            let segments = &md.types.resolve(id).unwrap().path.segments;
            assert_eq!(segments.len(), 3, "{} {name}: {segments:?}", pallet.name);
            assert_eq!(&segments[1..], ["pallet", name], "{}", pallet.name);
        }
    }
}
