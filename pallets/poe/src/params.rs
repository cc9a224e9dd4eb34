//! The ledger's parameters, set by the chain spec (`poe.params`), stored in
//! `Parameters` and checked once at genesis.
//!
//! In JSON, ratios are exact decimal strings, counts and balances numbers;
//! every field is optional and defaults to [`Params::default`]'s value:
//! `{"moduleDepositBase": 10000000000, "moduleDepositPerByte": 1000000,
//! "maxModuleBytes": 262144, "minimumProviderBond": 1000000000000,
//! "unbondingBlocks": 100, "commitPeriod": 10, "revealPeriod": 10,
//! "maxFuel": 1000000000, "maxMemoryPages": 256,
//! "reexecutionFuelBound": 50000000, "slashFraction": "0.1",
//! "scoreDecay": "0.9", "initialReliability": "0.5"}`.

use crate::types::{MAX_MEMORY_PAGES, MAX_MODULE_BYTES};
use codec::{Decode, Encode, MaxEncodedLen};
use entroos_arithmetic::FixedU128;
use entroos_primitives::Balance;
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};

/// The ledger's parameters.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Encode,
    Decode,
    MaxEncodedLen,
    TypeInfo,
    Serialize,
    Deserialize,
)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Params {
    /// The deposit every stored module reserves.
    pub module_deposit_base: Balance,
    /// … plus this much per byte.
    pub module_deposit_per_byte: Balance,
    /// The largest module accepted (`1..=MAX_MODULE_BYTES`).
    pub max_module_bytes: u32,
    /// The least bond of a compute provider (above zero).
    pub minimum_provider_bond: Balance,
    /// Blocks between unregistering and withdrawing the bond.
    pub unbonding_blocks: u32,
    /// Blocks executors have to commit after assignment (at least 1).
    pub commit_period: u32,
    /// Blocks executors have to reveal after the commit phase (at least 1).
    pub reveal_period: u32,
    /// The most fuel a job may ask for.
    pub max_fuel: u64,
    /// The most pages a job may ask for (`1..=MAX_MEMORY_PAGES`).
    pub max_memory_pages: u32,
    /// Jobs of at most this much fuel are re-executed by the runtime when
    /// disputed; it is also the re-execution fuel one block may spend.
    pub reexecution_fuel_bound: u64,
    /// The share of a provider's bond a dissent or no-show burns, in [0, 1].
    #[serde(with = "entroos_support::decimal")]
    pub slash_fraction: FixedU128,
    /// λ ∈ [0, 1): the weight of the past in the reliability score.
    #[serde(with = "entroos_support::decimal")]
    pub score_decay: FixedU128,
    /// A new provider's reliability, in (0, 1].
    #[serde(with = "entroos_support::decimal")]
    pub initial_reliability: FixedU128,
}

impl Default for Params {
    /// Deposits of 0.01 token plus 10^-6 per byte, modules up to 256 KiB,
    /// a provider bond of at least one token released 100 blocks after
    /// unregistering, 10-block commit and reveal phases, jobs of up to 10^9
    /// fuel and 256 pages (16 MiB), re-execution up to 5 × 10^7 fuel, 10%
    /// slashes, λ = 0.9, new providers at ½.
    fn default() -> Self {
        Params {
            module_deposit_base: 10_000_000_000,
            module_deposit_per_byte: 1_000_000,
            max_module_bytes: 256 << 10,
            minimum_provider_bond: 1_000_000_000_000,
            unbonding_blocks: 100,
            commit_period: 10,
            reveal_period: 10,
            max_fuel: 1_000_000_000,
            max_memory_pages: 256,
            reexecution_fuel_bound: 50_000_000,
            slash_fraction: FixedU128::from_perthousand(100),
            score_decay: FixedU128::from_perthousand(900),
            initial_reliability: FixedU128::from_perthousand(500),
        }
    }
}

impl Params {
    /// Why these parameters are unusable, if they are.
    pub fn check(&self) -> Result<(), String> {
        let one = FixedU128::one();
        let problems = [
            (self.max_module_bytes == 0 || self.max_module_bytes > MAX_MODULE_BYTES)
                .then(|| format!("maxModuleBytes must be 1..={MAX_MODULE_BYTES}")),
            (self.minimum_provider_bond == 0)
                .then(|| "minimumProviderBond must be above 0".to_string()),
            (self.commit_period == 0).then(|| "commitPeriod must be at least 1".to_string()),
            (self.reveal_period == 0).then(|| "revealPeriod must be at least 1".to_string()),
            (self.max_fuel == 0).then(|| "maxFuel must be above 0".to_string()),
            (self.max_memory_pages == 0 || self.max_memory_pages > MAX_MEMORY_PAGES)
                .then(|| format!("maxMemoryPages must be 1..={MAX_MEMORY_PAGES}")),
            (self.slash_fraction > one).then(|| "slashFraction must be at most 1".to_string()),
            (self.score_decay >= one).then(|| "scoreDecay must be below 1".to_string()),
            (self.initial_reliability.is_zero() || self.initial_reliability > one)
                .then(|| "initialReliability must be in (0, 1]".to_string()),
        ];
        match problems.into_iter().flatten().collect::<Vec<_>>() {
            found if found.is_empty() => Ok(()),
            found => Err(found.join("; ")),
        }
    }

    /// The deposit a module of `size` bytes reserves.
    pub fn module_deposit(&self, size: u32) -> Option<Balance> {
        self.module_deposit_per_byte
            .checked_mul(Balance::from(size))?
            .checked_add(self.module_deposit_base)
    }

    /// Blocks one round takes at most, from the block that assigns it to
    /// the block that settles it: the commit phase, the block that closes
    /// it, the reveal phase and the settling block.
    pub fn round_blocks(&self) -> u32 {
        self.commit_period
            .saturating_add(self.reveal_period)
            .saturating_add(2)
    }
}
