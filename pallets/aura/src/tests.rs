use crate::mock::*;
use crate::{
    Authorities, AuthorityId, CurrentSlot, GenesisConfig, Pallet, Slot, SlotError, ENGINE_ID,
};
use codec::Encode;
use entroos_primitives::{Digest, DigestItem};
use entroos_support::hooks::Hooks;
use entroos_support::metadata::PalletMetadataProvider;
use entroos_support::state::Externalities;
use proptest::prelude::*;

type Aura = Pallet<Test>;

const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

fn initialize(ext: &mut dyn Externalities, n: u32, digest: &Digest) -> Result<(), SlotError> {
    start_block(ext, n, digest);
    Aura::on_initialize(ext, n).map(drop)
}

#[test]
fn storage_keys_are_substrates() {
    assert_eq!(
        hex::encode(Authorities::<Test>::key()),
        "57f8dc2f5ab09467896f47300f0424385e0621c4869aa60c02be9adcc98a0d1d"
    );
    assert_eq!(
        hex::encode(CurrentSlot::key()),
        "57f8dc2f5ab09467896f47300f04243806155b3cd9a8c9e5e9a23fd5dc13a5ed"
    );
}

#[test]
fn genesis_reads_ss58_authorities_like_a_substrate_chain_spec() {
    let json = serde_json::json!({ "authorities": [ALICE, BOB] });
    let config: GenesisConfig = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(serde_json::to_value(&config).unwrap(), json);
    let mut t = entroos_support::TestExternalities::default();
    t.execute_with(|ext| config.build::<Test>(ext)).unwrap();
    t.execute_with(|ext| {
        let stored = Aura::authorities(ext);
        assert_eq!(stored, config.authorities);
        assert_eq!(stored[0].to_string(), ALICE);
        // Stored as a SCALE Vec of 32-byte keys, as `AuraApi_authorities` returns it.
        let raw = ext.get(&Authorities::<Test>::key()).unwrap();
        assert_eq!(raw, stored.encode());
        assert_eq!(raw.len(), 1 + 2 * 32);
    });
}

#[test]
fn genesis_rejects_unknown_fields_and_bad_keys() {
    let unknown = serde_json::json!({ "authorities": [], "keys": [] });
    assert!(serde_json::from_value::<GenesisConfig>(unknown).is_err());
    let bad = serde_json::json!({ "authorities": ["5Grw"] });
    assert!(serde_json::from_value::<GenesisConfig>(bad).is_err());
    let hex = serde_json::json!({ "authorities": [format!("0x{}", "01".repeat(32))] });
    let config: GenesisConfig = serde_json::from_value(hex).unwrap();
    assert_eq!(config.authorities, vec![AuthorityId([1; 32])]);
}

#[test]
fn genesis_bounds_the_authority_set() {
    let mut t = entroos_support::TestExternalities::default();
    let too_many = GenesisConfig {
        authorities: (0..=MAX_AUTHORITIES as u8).map(authority).collect(),
    };
    assert!(t.execute_with(|ext| too_many.build::<Test>(ext)).is_err());
    t.execute_with(|ext| assert!(Aura::authorities(ext).is_empty()));
    let at_bound = GenesisConfig {
        authorities: (0..MAX_AUTHORITIES as u8).map(authority).collect(),
    };
    t.execute_with(|ext| at_bound.build::<Test>(ext)).unwrap();
    assert!(
        t.execute_with(|ext| at_bound.build::<Test>(ext)).is_err(),
        "already initialized"
    );
    t.execute_with(|ext| {
        assert_eq!(Aura::authorities(ext).len(), MAX_AUTHORITIES as usize);
        // A stored list longer than the bound does not decode: it reads as empty.
        let over: Vec<AuthorityId> = (0..=MAX_AUTHORITIES as u8).map(authority).collect();
        ext.set(&Authorities::<Test>::key(), over.encode());
        assert!(Aura::authorities(ext).is_empty());
    });
}

#[test]
fn an_empty_genesis_stores_nothing() {
    let mut t = new_test_ext(&[]);
    t.execute_with(|ext| {
        assert!(!ext.exists(&Authorities::<Test>::key()));
        assert!(Aura::authorities(ext).is_empty());
    });
}

#[test]
fn on_initialize_stores_the_slot_of_the_digest() {
    let mut t = new_test_ext(&[1]);
    t.execute_with(|ext| {
        assert_eq!(Aura::current_slot(ext), Slot(0));
        initialize(ext, 1, &slot_digest(100)).unwrap();
        assert_eq!(Aura::current_slot(ext), Slot(100));
        initialize(ext, 2, &slot_digest(102)).unwrap();
        assert_eq!(Aura::current_slot(ext), Slot(102));
    });
}

#[test]
fn a_slot_that_does_not_increase_is_refused() {
    let mut t = new_test_ext(&[1]);
    t.execute_with(|ext| {
        initialize(ext, 1, &slot_digest(100)).unwrap();
        let refused = |current, new| {
            Err(SlotError::NotIncreasing {
                current: Slot(current),
                new: Slot(new),
            })
        };
        assert_eq!(initialize(ext, 2, &slot_digest(100)), refused(100, 100));
        assert_eq!(initialize(ext, 2, &slot_digest(99)), refused(100, 99));
        assert_eq!(Aura::current_slot(ext), Slot(100));
        initialize(ext, 2, &slot_digest(101)).unwrap();
    });
}

#[test]
fn a_malformed_slot_is_refused_and_other_engines_are_ignored() {
    let mut t = new_test_ext(&[1]);
    t.execute_with(|ext| {
        let short = Digest {
            logs: vec![DigestItem::PreRuntime(ENGINE_ID, vec![1, 2, 3])],
        };
        assert_eq!(initialize(ext, 1, &short), Err(SlotError::Malformed));
        let mut long = 5u64.encode();
        long.push(0);
        let long = Digest {
            logs: vec![DigestItem::PreRuntime(ENGINE_ID, long)],
        };
        assert_eq!(initialize(ext, 1, &long), Err(SlotError::Malformed));
        let other = Digest {
            logs: vec![
                DigestItem::PreRuntime(*b"BABE", vec![1]),
                DigestItem::PreRuntime(ENGINE_ID, 7u64.encode()),
            ],
        };
        initialize(ext, 1, &other).unwrap();
        assert_eq!(Aura::current_slot(ext), Slot(7));
        initialize(ext, 2, &Digest::default()).unwrap();
        assert_eq!(
            Aura::current_slot(ext),
            Slot(7),
            "no slot digest: unchanged"
        );
    });
}

#[test]
fn slot_duration_is_twice_the_minimum_period() {
    assert_eq!(Aura::slot_duration(), 2 * MINIMUM_PERIOD);
}

#[test]
fn metadata_describes_storage_and_constants() {
    let md = Aura::pallet_metadata(2);
    assert_eq!((md.name, md.index), ("Aura", 2));
    let storage = md.storage.unwrap();
    assert_eq!(storage.prefix, "Aura");
    let names: Vec<_> = storage.entries.iter().map(|e| e.name).collect();
    assert_eq!(names, ["Authorities", "CurrentSlot"]);
    assert_eq!(storage.entries[0].default, vec![0]);
    assert_eq!(storage.entries[1].default, vec![0; 8]);
    let slot_duration = md
        .constants
        .iter()
        .find(|c| c.name == "SlotDuration")
        .unwrap();
    assert_eq!(slot_duration.value, (2 * MINIMUM_PERIOD).encode());
    assert!(md.calls.is_none() && md.event.is_none() && md.error.is_none());
}

proptest! {
    #[test]
    fn the_current_slot_only_grows(slots in proptest::collection::vec(0u64..50, 1..30)) {
        let mut t = new_test_ext(&[1]);
        t.execute_with(|ext| {
            let mut highest = 0u64;
            for (n, slot) in (1u32..).zip(slots) {
                let result = initialize(ext, n, &slot_digest(slot));
                prop_assert_eq!(result.is_ok(), slot > highest);
                highest = highest.max(slot);
                prop_assert_eq!(Aura::current_slot(ext), Slot(highest));
            }
            Ok(())
        })?;
    }
}
