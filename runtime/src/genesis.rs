//! Genesis: the runtime's configuration as JSON (Substrate's
//! `RuntimeGenesisConfig` shape, camelCase), named presets, and building the
//! initial state from a JSON patch over the defaults.
//!
//! The sections are `system`, `balances`, `entropy` (the consensus
//! parameters, the default bond and optional per-validator bonds and
//! declarations), `poe` (the proof-of-execution ledger's `params`) and
//! `session` (`keys`: `[stash, stash, {"babe": <sr25519
//! SS58>, "grandpa": <ed25519 SS58>}]` per validator, the shape zombienet's
//! genesis editing writes; `aura` is read as the VRF key when there is no
//! `babe`). The presets:
//!
//! | preset | validators | slot |
//! |---|---|---|
//! | `development` | `//Alice` | 1 s |
//! | `local_testnet` | `//Alice`, `//Bob`, `//Charlie`, `//Dave` | 2 s |
//!
//! Each validator's stash is `//<Name>//stash` (zombienet's), bonding
//! [`PRESET_BOND`]; its keys are `//<Name>` as sr25519 (`babe`) and ed25519
//! (`grandpa`). The development accounts and the validators' stashes are
//! endowed with [`DEV_ENDOWMENT`].
//!
//! Numbers are read from the JSON text itself (never through a float), so
//! balances and bonds above 2^64 are exact.

use crate::constants::{
    DEV_ENDOWMENT, DEV_SLOT_DURATION, LOCAL_SLOT_DURATION, MINIMUM_PERIOD, PRESET_BOND,
};
use crate::{Runtime, RuntimeError};
use codec::Encode;
use entroos_primitives::arithmetic::FixedU128;
use entroos_primitives::crypto::{ed25519, sr25519, DEV_ACCOUNT_NAMES};
use entroos_primitives::{AccountId32, Header, H256};
use entroos_support::state::Externalities;
use entroos_support::trie::ordered_trie_root;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The well-known key of the runtime's identity: it holds the SCALE
/// [`RuntimeVersion`](entroos_primitives::version::RuntimeVersion) (a native
/// runtime has no code blob).
pub use pallet_system::CODE_KEY;
/// The placeholder hash FRAME stores for block 0 until block 1 records the real one.
pub const GENESIS_PLACEHOLDER_HASH: H256 = H256([0x69; 32]);

/// System's genesis configuration (nothing to configure).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemConfig {}

/// The whole runtime's genesis configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuntimeGenesisConfig {
    /// System.
    #[serde(default)]
    pub system: SystemConfig,
    /// Balances.
    #[serde(default)]
    pub balances: pallet_balances::GenesisConfig,
    /// Entropy: parameters, bonds and declarations.
    #[serde(default)]
    pub entropy: pallet_entropy::GenesisConfig,
    /// The validators and their session keys.
    #[serde(default)]
    pub session: pallet_entropy::SessionConfig,
    /// Poe: the proof-of-execution ledger's parameters.
    #[serde(default)]
    pub poe: pallet_poe::GenesisConfig,
}

/// The preset for single-node development chains.
pub const DEV_PRESET: &str = "development";
/// The preset for local multi-node test networks.
pub const LOCAL_PRESET: &str = "local_testnet";

/// The names of the presets.
pub fn preset_names() -> Vec<&'static str> {
    vec![DEV_PRESET, LOCAL_PRESET]
}

/// The secret URIs of the development accounts (`//Alice` … `//Ferdie`,
/// and Alice's and Bob's stashes).
pub fn dev_uris() -> Vec<String> {
    DEV_ACCOUNT_NAMES
        .iter()
        .map(|name| format!("//{name}"))
        .chain(["//Alice//stash".to_string(), "//Bob//stash".to_string()])
        .collect()
}

/// The development accounts endowed by the presets.
pub fn dev_accounts() -> Vec<AccountId32> {
    dev_uris()
        .iter()
        .filter_map(|uri| account_of(uri))
        .collect()
}

fn account_of(uri: &str) -> Option<AccountId32> {
    sr25519::Pair::from_uri(uri)
        .ok()
        .map(|p| AccountId32(p.public()))
}

/// The stash of development validator `name`: `//<name>//stash`.
pub fn dev_stash(name: &str) -> Option<AccountId32> {
    account_of(&format!("//{name}//stash"))
}

/// The `session.keys` entry of development validator `name`: its stash
/// twice and its `babe` (sr25519) and `grandpa` (ed25519) keys of `//<name>`.
pub fn dev_session_entry(
    name: &str,
) -> Option<(AccountId32, AccountId32, BTreeMap<String, String>)> {
    let uri = format!("//{name}");
    let stash = dev_stash(name)?;
    let babe = AccountId32(sr25519::Pair::from_uri(&uri).ok()?.public());
    let grandpa = AccountId32(ed25519::Pair::from_uri(&uri).ok()?.public());
    let keys = BTreeMap::from([
        ("babe".to_string(), babe.to_string()),
        ("grandpa".to_string(), grandpa.to_string()),
    ]);
    Some((stash, stash, keys))
}

/// The validators and slot duration of a preset; `None` for an unknown name.
fn preset_validators(name: &str) -> Option<(&'static [&'static str], u64)> {
    match name {
        DEV_PRESET => Some((&["Alice"], DEV_SLOT_DURATION)),
        LOCAL_PRESET => Some((&["Alice", "Bob", "Charlie", "Dave"], LOCAL_SLOT_DURATION)),
        _ => None,
    }
}

/// The preset's configuration patch, as JSON; `None` for an unknown name.
pub fn preset(name: &str) -> Option<Value> {
    let (validators, slot_duration) = preset_validators(name)?;
    let mut endowed = dev_accounts();
    for stash in validators.iter().filter_map(|v| dev_stash(v)) {
        if !endowed.contains(&stash) {
            endowed.push(stash);
        }
    }
    let keys = validators
        .iter()
        .map(|v| dev_session_entry(v))
        .collect::<Option<Vec<_>>>()?;
    let config = RuntimeGenesisConfig {
        balances: pallet_balances::GenesisConfig {
            balances: endowed.into_iter().map(|a| (a, DEV_ENDOWMENT)).collect(),
        },
        entropy: pallet_entropy::GenesisConfig {
            params: pallet_entropy::Params {
                slot_duration,
                ..Default::default()
            },
            default_bond: Some(PRESET_BOND),
            ..Default::default()
        },
        session: pallet_entropy::SessionConfig { keys },
        ..Default::default()
    };
    serde_json::to_value(config).ok()
}

/// Parses a JSON patch over the default configuration: every section and
/// field it leaves out keeps its default. Numbers are read from the text,
/// so amounts above 2^64 are exact.
pub fn config_from_json(json: &[u8]) -> Result<RuntimeGenesisConfig, RuntimeError> {
    serde_json::from_slice(json).map_err(|e| RuntimeError::Genesis(e.to_string()))
}

/// [`config_from_json`] for a patch already in memory as a JSON value.
pub fn config_from_patch(patch: Value) -> Result<RuntimeGenesisConfig, RuntimeError> {
    serde_json::from_value(patch).map_err(|e| RuntimeError::Genesis(e.to_string()))
}

/// The genesis block's header for a genesis state root (no extrinsics).
pub fn header(state_root: H256) -> Header {
    Header {
        state_root,
        extrinsics_root: H256(ordered_trie_root::<Vec<u8>>(&[])),
        ..Default::default()
    }
}

/// Writes the genesis state of `config`: System, Balances, then Entropy
/// (whose bonds are reserved from the endowed balances). A slot shorter
/// than twice Timestamp's minimum period is refused: a block per slot
/// could not set its time.
pub fn build(
    ext: &mut dyn Externalities,
    config: &RuntimeGenesisConfig,
) -> Result<(), RuntimeError> {
    let slot_duration = config.entropy.params.slot_duration;
    if slot_duration < MINIMUM_PERIOD.saturating_mul(2) {
        return Err(RuntimeError::Genesis(format!(
            "entropy.params.slotDuration {slot_duration} ms is below twice the minimum period ({MINIMUM_PERIOD} ms)"
        )));
    }
    pallet_system::BlockHash::insert(ext, &0, &GENESIS_PLACEHOLDER_HASH);
    pallet_system::ParentHash::put(ext, &GENESIS_PLACEHOLDER_HASH);
    ext.set(CODE_KEY, crate::version().encode());
    config
        .balances
        .build::<Runtime>(ext)
        .map_err(|e| RuntimeError::Genesis(e.to_string()))?;
    config
        .entropy
        .build::<Runtime>(&config.session, ext)
        .map_err(|e| RuntimeError::Genesis(e.to_string()))?;
    config
        .poe
        .build(ext)
        .map_err(|e| RuntimeError::Genesis(e.to_string()))?;
    pallet_transaction_payment::NextFeeMultiplier::put(ext, &FixedU128::one());
    Ok(())
}
