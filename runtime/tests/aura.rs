//! Aura in the runtime: the authorities of each preset and of a zombienet-
//! edited genesis, the `AuraApi` runtime API, and blocks refused for their slot.

use codec::{Decode, Encode};
use entroos_primitives::version::api_id;
use entroos_primitives::Header;
use entroos_runtime::testing::{dev_pair, slot_digest, TestChain};
use entroos_runtime::{api, genesis, Aura, BlockError, RuntimeError};
use entroos_support::state::{InMemoryBackend, Overlay};
use pallet_aura::{Slot, SlotError};

const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

fn authorities(chain: &TestChain) -> Vec<[u8; 32]> {
    let out = chain
        .read(|ext| api::call(ext, "AuraApi_authorities", &[], None))
        .unwrap();
    Vec::<[u8; 32]>::decode(&mut &out[..]).unwrap()
}

fn dev_keys(names: &[&str]) -> Vec<[u8; 32]> {
    names
        .iter()
        .map(|name| dev_pair(name).unwrap().public())
        .collect()
}

#[test]
fn presets_name_their_authorities() {
    let dev = TestChain::new(genesis::DEV_PRESET).unwrap();
    assert_eq!(authorities(&dev), dev_keys(&["Alice"]));
    let local = TestChain::new(genesis::LOCAL_PRESET).unwrap();
    assert_eq!(
        authorities(&local),
        dev_keys(&["Alice", "Bob", "Charlie", "Dave"])
    );
    let patch = genesis::preset(genesis::DEV_PRESET).unwrap();
    assert_eq!(patch["aura"], serde_json::json!({ "authorities": [ALICE] }));
}

#[test]
fn a_zombienet_edited_genesis_builds() {
    // Zombienet empties `aura.authorities`, then pushes each validator's SS58.
    let mut patch = genesis::preset(genesis::LOCAL_PRESET).unwrap();
    patch["aura"]["authorities"] = serde_json::json!([ALICE, BOB]);
    let mut state = InMemoryBackend::default();
    let mut overlay = Overlay::new(&state);
    let json = serde_json::to_vec(&patch).unwrap();
    let out = api::call(
        &mut overlay,
        "GenesisBuilder_build_state",
        &json.encode(),
        None,
    )
    .unwrap();
    assert_eq!(Result::<(), String>::decode(&mut &out[..]).unwrap(), Ok(()));
    state.apply(overlay.try_into_changes().unwrap());
    let overlay = Overlay::new(&state);
    assert_eq!(
        Aura::authorities(&overlay),
        dev_keys(&["Alice", "Bob"])
            .into_iter()
            .map(pallet_aura::AuthorityId)
            .collect::<Vec<_>>()
    );
}

#[test]
fn too_many_authorities_are_a_genesis_error() {
    let keys: Vec<String> = (0..=entroos_runtime::constants::MAX_AUTHORITIES)
        .map(|n| format!("0x{}", hex::encode([u8::try_from(n).unwrap(); 32])))
        .collect();
    let patch = serde_json::json!({ "aura": { "authorities": keys } });
    let config = genesis::config_from_patch(patch).unwrap();
    let state = InMemoryBackend::default();
    let mut overlay = Overlay::new(&state);
    let err = genesis::build(&mut overlay, &config).unwrap_err();
    assert!(matches!(err, RuntimeError::Genesis(_)), "{err}");
}

#[test]
fn slot_duration_is_the_runtime_api_and_the_version_lists_aura_api() {
    let chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let out = chain
        .read(|ext| api::call(ext, "AuraApi_slot_duration", &[], None))
        .unwrap();
    assert_eq!(out, 1_000u64.encode());
    assert_eq!(
        entroos_runtime::constants::MINIMUM_PERIOD * 2,
        entroos_runtime::constants::SLOT_DURATION
    );
    let err = chain
        .read(|ext| api::call(ext, "AuraApi_authorities", &[1], None))
        .unwrap_err();
    assert!(matches!(err, RuntimeError::BadArguments { .. }), "{err}");
    let version = entroos_runtime::version();
    assert_eq!(
        api_id("AuraApi"),
        [0xdd, 0x71, 0x8d, 0x5c, 0xc5, 0x32, 0x62, 0xd4]
    );
    assert!(version.apis.contains(&(api_id("AuraApi"), 1)));
}

#[test]
fn built_blocks_carry_increasing_slots() {
    let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let (first, _) = chain.build_block(&[]).unwrap();
    let slot = chain.read(|ext| Aura::current_slot(ext));
    assert_eq!(first.header.digest, slot_digest(slot.0));
    chain.build_block(&[]).unwrap();
    assert_eq!(chain.read(|ext| Aura::current_slot(ext)), Slot(slot.0 + 1));
}

#[test]
fn a_block_whose_slot_does_not_increase_is_refused() {
    let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    chain.build_block(&[]).unwrap();
    let after_first = chain.state.clone();
    let current = chain.read(|ext| Aura::current_slot(ext));
    let (second, _) = chain.build_block(&[]).unwrap();

    // Building on the head with the head's slot.
    let pending = Header {
        parent_hash: second.header.parent_hash,
        number: second.header.number,
        digest: slot_digest(current.0),
        ..Default::default()
    };
    let mut overlay = Overlay::new(&after_first);
    let err = api::call(
        &mut overlay,
        "Core_initialize_block",
        &pending.encode(),
        None,
    );
    let refused = RuntimeError::InvalidBlock(BlockError::InvalidSlot(SlotError::NotIncreasing {
        current,
        new: current,
    }));
    assert_eq!(err, Err(refused.clone()));

    // Importing a block that claims its parent's slot.
    let mut replayed = second.clone();
    replayed.header.digest = slot_digest(current.0);
    let mut overlay = Overlay::new(&after_first);
    let err = api::call(&mut overlay, "Core_execute_block", &replayed.encode(), None);
    assert_eq!(err, Err(refused));

    // The block as built imports.
    let mut overlay = Overlay::new(&after_first);
    api::call(&mut overlay, "Core_execute_block", &second.encode(), None).unwrap();
}
