//! Genesis: the runtime's configuration as JSON (Substrate's
//! `RuntimeGenesisConfig` shape, camelCase), named presets, and building the
//! initial state from a JSON patch over the defaults.
//!
//! The presets endow the development accounts and name the block
//! authorities (`aura.authorities`, sr25519 SS58 addresses): `//Alice` for
//! `development`; `//Alice`, `//Bob`, `//Charlie` and `//Dave` for
//! `local_testnet`.

use crate::constants::DEV_ENDOWMENT;
use crate::{Runtime, RuntimeError};
use codec::Encode;
use entroos_primitives::arithmetic::FixedU128;
use entroos_primitives::crypto::{sr25519, DEV_ACCOUNT_NAMES};
use entroos_primitives::{AccountId32, Header, H256};
use entroos_support::state::Externalities;
use entroos_support::trie::ordered_trie_root;
use pallet_aura::AuthorityId;
use serde::{Deserialize, Serialize};
use serde_json::Value;

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
    /// Aura: the block authorities.
    #[serde(default)]
    pub aura: pallet_aura::GenesisConfig,
    /// Balances.
    #[serde(default)]
    pub balances: pallet_balances::GenesisConfig,
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
        .filter_map(|uri| sr25519::Pair::from_uri(uri).ok())
        .map(|p| AccountId32(p.public()))
        .collect()
}

/// The sr25519 keys of `//<name>` for each name.
fn dev_authorities(names: &[&str]) -> Vec<AuthorityId> {
    names
        .iter()
        .filter_map(|name| sr25519::Pair::from_uri(&format!("//{name}")).ok())
        .map(|pair| AuthorityId(pair.public()))
        .collect()
}

/// The block authorities of a preset; `None` for an unknown name.
fn preset_authorities(name: &str) -> Option<Vec<AuthorityId>> {
    match name {
        DEV_PRESET => Some(dev_authorities(&["Alice"])),
        LOCAL_PRESET => Some(dev_authorities(&["Alice", "Bob", "Charlie", "Dave"])),
        _ => None,
    }
}

/// The preset's configuration patch, as JSON; `None` for an unknown name.
pub fn preset(name: &str) -> Option<Value> {
    let authorities = preset_authorities(name)?;
    let balances: Vec<(AccountId32, u128)> = dev_accounts()
        .into_iter()
        .map(|a| (a, DEV_ENDOWMENT))
        .collect();
    let config = RuntimeGenesisConfig {
        aura: pallet_aura::GenesisConfig { authorities },
        balances: pallet_balances::GenesisConfig { balances },
        ..Default::default()
    };
    serde_json::to_value(config).ok()
}

/// Merges `patch` into `base`: objects key by key, anything else replaced.
pub fn merge_json(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(base), Value::Object(patch)) => {
            for (key, value) in patch {
                merge_json(base.entry(key).or_insert(Value::Null), value);
            }
        }
        (base, patch) => *base = patch,
    }
}

/// Parses a patch over the default configuration.
pub fn config_from_patch(patch: Value) -> Result<RuntimeGenesisConfig, RuntimeError> {
    let mut full = serde_json::to_value(RuntimeGenesisConfig::default())
        .map_err(|e| RuntimeError::Genesis(e.to_string()))?;
    merge_json(&mut full, patch);
    serde_json::from_value(full).map_err(|e| RuntimeError::Genesis(e.to_string()))
}

/// The genesis block's header for a genesis state root (no extrinsics).
pub fn header(state_root: H256) -> Header {
    Header {
        state_root,
        extrinsics_root: H256(ordered_trie_root::<Vec<u8>>(&[])),
        ..Default::default()
    }
}

/// Writes the genesis state of `config`.
pub fn build(
    ext: &mut dyn Externalities,
    config: &RuntimeGenesisConfig,
) -> Result<(), RuntimeError> {
    pallet_system::BlockHash::insert(ext, &0, &GENESIS_PLACEHOLDER_HASH);
    pallet_system::ParentHash::put(ext, &GENESIS_PLACEHOLDER_HASH);
    ext.set(CODE_KEY, crate::version().encode());
    config
        .aura
        .build::<Runtime>(ext)
        .map_err(|e| RuntimeError::Genesis(e.to_string()))?;
    config
        .balances
        .build::<Runtime>(ext)
        .map_err(|e| RuntimeError::Genesis(e.to_string()))?;
    pallet_transaction_payment::NextFeeMultiplier::put(ext, &FixedU128::one());
    Ok(())
}
