//! Genesis: parameters, validators, bonds and session keys from the chain
//! spec (`runtimeGenesis.patch`).
//!
//! Two sections are read. `entropy` holds the parameters and, optionally,
//! each validator's bond and declarations; `session.keys` lists the
//! validators with their keys in the shape zombienet writes:
//!
//! ```json
//! "entropy": { "params": { "epochLength": 20 }, "defaultBond": 1000000000000,
//!              "validators": [{ "stash": "5GNJ…", "bond": 2000000000000,
//!                               "operator": "op-a", "zone": "eu-1" }] },
//! "session": { "keys": [["5GNJ…", "5GNJ…", { "babe": "5Grw…", "grandpa": "5FA9…",
//!                                           "aura": "5Grw…", "im_online": "5Grw…" }]] }
//! ```
//!
//! The VRF key is `babe` (or `aura` when there is no `babe`), the finality
//! key `grandpa`; other key names are ignored. The two accounts of an entry
//! must be the same (EntroOS has no controller accounts). A validator
//! without an `entropy.validators` entry bonds `defaultBond`. Bonds are
//! reserved from balances endowed by the Balances genesis, which must be
//! built first. Every validator starts with the initial scores; the set of
//! epochs 0 and 1 is selected from them with `randomness` (zero by default).

use crate::params::Params;
use crate::scores::initial;
use crate::types::{SessionKeys, StakingLedger, ValidatorPrefs};
use crate::{
    CandidateCount, Candidates, Config, CurrentEpoch, EpochSets, Ledger, Pallet, Parameters, Scores,
};
use entroos_arithmetic::Perbill;
use entroos_primitives::{AccountId32, Balance, H256};
use entroos_support::bounded::BoundedVec;
use entroos_support::hooks::GenesisError;
use entroos_support::state::Externalities;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The `entropy` section.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenesisConfig {
    /// The consensus parameters.
    #[serde(default)]
    pub params: Params,
    /// The bond of validators listed only in `session.keys`.
    #[serde(default)]
    pub default_bond: Option<Balance>,
    /// Per-validator bonds and declarations.
    #[serde(default)]
    pub validators: Vec<GenesisValidator>,
    /// The randomness of epochs 0 and 1.
    #[serde(default)]
    pub randomness: H256,
}

/// One validator's bond and declarations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenesisValidator {
    /// Its stash (must appear in `session.keys`).
    pub stash: AccountId32,
    /// Its bond.
    pub bond: Balance,
    /// Its commission, in parts per billion.
    #[serde(default)]
    pub commission: u32,
    /// Its declared operator.
    #[serde(default)]
    pub operator: String,
    /// Its declared zone.
    #[serde(default)]
    pub zone: String,
}

/// The `session` section: `keys` entries `[stash, stash, {name: key}]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionConfig {
    /// The validators and their keys.
    #[serde(default)]
    pub keys: Vec<(AccountId32, AccountId32, BTreeMap<String, String>)>,
}

fn invalid(message: String) -> GenesisError {
    GenesisError::Invalid(format!("entropy: {message}"))
}

/// An SS58 address or `0x` hex of a 32-byte public key.
fn parse_key(name: &str, text: &str) -> Result<[u8; 32], GenesisError> {
    text.parse::<AccountId32>()
        .map(|account| account.0)
        .map_err(|e| invalid(format!("session key {name} {text:?}: {e}")))
}

/// The session keys named in a zombienet-style key map.
fn session_keys(names: &BTreeMap<String, String>) -> Result<SessionKeys, GenesisError> {
    let (vrf_name, vrf) = ["babe", "aura"]
        .iter()
        .find_map(|name| names.get(*name).map(|key| (*name, key)))
        .ok_or_else(|| invalid("session keys need a `babe` (or `aura`) key".into()))?;
    let finality = names
        .get("grandpa")
        .ok_or_else(|| invalid("session keys need a `grandpa` key".into()))?;
    Ok(SessionKeys {
        vrf: parse_key(vrf_name, vrf)?,
        finality: parse_key("grandpa", finality)?,
    })
}

fn bounded(
    text: &str,
    what: &str,
) -> Result<
    BoundedVec<u8, entroos_support::bounded::ConstU32<{ crate::MAX_DECLARED_LEN }>>,
    GenesisError,
> {
    BoundedVec::try_from(text.as_bytes().to_vec())
        .map_err(|e| invalid(format!("{what} {text:?}: {e}")))
}

/// One validator as genesis sets it up.
struct Entry {
    stash: AccountId32,
    keys: SessionKeys,
    bond: Balance,
    prefs: ValidatorPrefs,
}

impl GenesisConfig {
    /// The validators of `session`, with bonds and declarations from `self`.
    fn entries(&self, session: &SessionConfig) -> Result<Vec<Entry>, GenesisError> {
        let mut declared: BTreeMap<AccountId32, &GenesisValidator> = BTreeMap::new();
        for validator in &self.validators {
            if declared.insert(validator.stash, validator).is_some() {
                return Err(invalid(format!(
                    "validator {} is listed twice",
                    validator.stash
                )));
            }
        }
        let mut seen = BTreeSet::new();
        let mut entries = Vec::with_capacity(session.keys.len());
        for (stash, controller, names) in &session.keys {
            if stash != controller {
                return Err(invalid(format!(
                    "session entry {stash} names another account {controller}"
                )));
            }
            if !seen.insert(*stash) {
                return Err(invalid(format!(
                    "validator {stash} has two session entries"
                )));
            }
            entries.push(self.entry(*stash, session_keys(names)?, declared.remove(stash))?);
        }
        if let Some(stash) = declared.keys().next() {
            return Err(invalid(format!("validator {stash} has no session keys")));
        }
        Ok(entries)
    }

    fn entry(
        &self,
        stash: AccountId32,
        keys: SessionKeys,
        declared: Option<&GenesisValidator>,
    ) -> Result<Entry, GenesisError> {
        let bond = match declared {
            Some(v) => v.bond,
            None => self.default_bond.ok_or_else(|| {
                invalid(format!(
                    "validator {stash} has no bond and there is no defaultBond"
                ))
            })?,
        };
        let prefs = match declared {
            Some(v) => ValidatorPrefs {
                commission: Perbill::from_parts(v.commission),
                operator: bounded(&v.operator, "operator")?,
                zone: bounded(&v.zone, "zone")?,
            },
            None => ValidatorPrefs::default(),
        };
        Ok(Entry {
            stash,
            keys,
            bond,
            prefs,
        })
    }

    /// Writes the parameters and validators; the set of epochs 0 and 1.
    pub fn build<T: Config>(
        &self,
        session: &SessionConfig,
        ext: &mut dyn Externalities,
    ) -> Result<(), GenesisError> {
        self.params.check().map_err(invalid)?;
        if EpochSets::<T>::contains_key(ext, &0) {
            return Err(invalid("already initialized".into()));
        }
        let entries = self.entries(session)?;
        if entries.len() > T::MAX_CANDIDATES as usize {
            return Err(invalid(format!(
                "more than {} validators",
                T::MAX_CANDIDATES
            )));
        }
        Parameters::put(ext, &self.params);
        for entry in &entries {
            Self::register::<T>(ext, entry, &self.params)?;
        }
        CandidateCount::put(ext, &u32::try_from(entries.len()).unwrap_or(u32::MAX));
        if let Some(set) = Pallet::<T>::select(ext, self.randomness.0) {
            EpochSets::<T>::insert(ext, &0, &set);
            EpochSets::<T>::insert(ext, &1, &set);
        }
        CurrentEpoch::put(ext, &0);
        Ok(())
    }

    fn register<T: Config>(
        ext: &mut dyn Externalities,
        entry: &Entry,
        params: &Params,
    ) -> Result<(), GenesisError> {
        let stash = entry.stash;
        if entry.bond < params.minimum_bond {
            return Err(invalid(format!(
                "validator {stash} bonds {}, below the minimum bond {}",
                entry.bond, params.minimum_bond
            )));
        }
        pallet_balances::Pallet::<T>::reserve(ext, &stash, entry.bond)
            .map_err(|e| invalid(format!("validator {stash} cannot bond {}: {e}", entry.bond)))?;
        Ledger::insert(
            ext,
            &stash,
            &StakingLedger {
                active: entry.bond,
                unlocking: BoundedVec::default(),
            },
        );
        Pallet::<T>::install_keys(ext, &stash, entry.keys).map_err(|_| {
            invalid(format!(
                "validator {stash} reuses another validator's session key"
            ))
        })?;
        Candidates::insert(ext, &stash, &entry.prefs);
        Scores::insert(ext, &stash, &initial(params));
        Ok(())
    }
}
