//! The consensus parameters the chain spec sets (`entropy.params`), stored
//! in `Parameters` and checked once at genesis.
//!
//! In JSON, ratios are exact decimal strings (`"0.9"`), counts and
//! balances numbers: `{"slotDuration": 2000, "epochLength": 600,
//! "dutyPeriod": 60, "decay": "0.9",
//! "kappa": "2", "primaryProbability": "0.25", "slashFraction": "0.1",
//! "unbondingEpochs": 28, "minimumBond": 1000000000000,
//! "initialReliability": "0.5", "initialEntropy": "0.5"}`; every field is
//! optional and defaults to [`Params::default`]'s value.

use codec::{Decode, Encode, MaxEncodedLen};
use entroos_arithmetic::FixedU128;
use entroos_primitives::Balance;
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};

/// The longest epoch, in slots: it bounds the per-block work of accounting
/// the slots a block skipped.
pub const MAX_EPOCH_LENGTH: u64 = 100_000;
/// The longest slot, in milliseconds (one hour).
pub const MAX_SLOT_DURATION: u64 = 3_600_000;
/// The largest anti-correlation factor κ.
pub const MAX_KAPPA: u32 = 1_000;
/// The shortest unbonding period, in epochs: stake backing the next set
/// (fixed one epoch ahead) stays slashable until offences in that set can
/// no longer be reported (one epoch after it).
pub const MIN_UNBONDING_EPOCHS: u32 = 3;

/// The entropy pallet's parameters.
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
    /// The length of a slot in milliseconds (`1..=MAX_SLOT_DURATION`):
    /// slot `s` starts at `s × slot_duration` milliseconds of UNIX time.
    pub slot_duration: u64,
    /// Slots per epoch (`1..=MAX_EPOCH_LENGTH`).
    pub epoch_length: u64,
    /// Slots per duty period (`1..=epoch_length`): the unit of "missed at
    /// the same time" for the entropy score.
    pub duty_period: u64,
    /// λ ∈ [0, 1): the weight of the past in both scores.
    #[serde(with = "entroos_support::decimal")]
    pub decay: FixedU128,
    /// κ ∈ [0, MAX_KAPPA]: how hard correlated misses hit the entropy score.
    #[serde(with = "entroos_support::decimal")]
    pub kappa: FixedU128,
    /// c ∈ (0, 1]: the chance a slot has a primary author (Praos threshold).
    #[serde(with = "entroos_support::decimal")]
    pub primary_probability: FixedU128,
    /// The share of bonded stake an offence burns, in [0, 1].
    #[serde(with = "entroos_support::decimal")]
    pub slash_fraction: FixedU128,
    /// Epochs between unbonding and withdrawal (`≥ MIN_UNBONDING_EPOCHS`).
    pub unbonding_epochs: u32,
    /// The least active bond of a validator (the Sybil cost), above zero.
    pub minimum_bond: Balance,
    /// A new validator's reliability, in (0, 1]; also what an offence
    /// resets a higher reliability to.
    #[serde(with = "entroos_support::decimal")]
    pub initial_reliability: FixedU128,
    /// A new validator's entropy score, in (0, 1].
    #[serde(with = "entroos_support::decimal")]
    pub initial_entropy: FixedU128,
}

impl Default for Params {
    /// Two-second slots, epochs of 600 slots, ten duty periods per epoch,
    /// λ = 0.9, κ = 2, c = 1/4, 10% slashes, 28 epochs to unbond, a bond of
    /// at least 10^12 (one token of 12 decimals), new validators at ½, ½.
    fn default() -> Self {
        Params {
            slot_duration: 2_000,
            epoch_length: 600,
            duty_period: 60,
            decay: FixedU128::from_perthousand(900),
            kappa: FixedU128::from_perthousand(2_000),
            primary_probability: FixedU128::from_perthousand(250),
            slash_fraction: FixedU128::from_perthousand(100),
            unbonding_epochs: 28,
            minimum_bond: 1_000_000_000_000,
            initial_reliability: FixedU128::from_perthousand(500),
            initial_entropy: FixedU128::from_perthousand(500),
        }
    }
}

impl Params {
    /// Why these parameters are unusable, if they are.
    pub fn check(&self) -> Result<(), String> {
        let one = FixedU128::one();
        let in_unit = |x: FixedU128| x > FixedU128::zero() && x <= one;
        let problems = [
            (self.slot_duration == 0 || self.slot_duration > MAX_SLOT_DURATION)
                .then(|| format!("slotDuration must be 1..={MAX_SLOT_DURATION} ms")),
            (self.epoch_length == 0 || self.epoch_length > MAX_EPOCH_LENGTH)
                .then(|| format!("epochLength must be 1..={MAX_EPOCH_LENGTH}")),
            (self.duty_period == 0 || self.duty_period > self.epoch_length)
                .then(|| "dutyPeriod must be 1..=epochLength".to_string()),
            (self.decay >= one).then(|| "decay must be below 1".to_string()),
            (self.kappa > FixedU128::from_u32(MAX_KAPPA))
                .then(|| format!("kappa must be at most {MAX_KAPPA}")),
            (!in_unit(self.primary_probability))
                .then(|| "primaryProbability must be in (0, 1]".to_string()),
            (self.slash_fraction > one).then(|| "slashFraction must be at most 1".to_string()),
            (self.unbonding_epochs < MIN_UNBONDING_EPOCHS)
                .then(|| format!("unbondingEpochs must be at least {MIN_UNBONDING_EPOCHS}")),
            (self.minimum_bond == 0).then(|| "minimumBond must be above 0".to_string()),
            (!in_unit(self.initial_reliability))
                .then(|| "initialReliability must be in (0, 1]".to_string()),
            (!in_unit(self.initial_entropy))
                .then(|| "initialEntropy must be in (0, 1]".to_string()),
        ];
        match problems.into_iter().flatten().collect::<Vec<_>>() {
            found if found.is_empty() => Ok(()),
            found => Err(found.join("; ")),
        }
    }

    /// The first slot of epoch `index` for a chain whose first slot is `genesis_slot`.
    pub fn epoch_start(&self, genesis_slot: u64, index: u64) -> u64 {
        genesis_slot.saturating_add(index.saturating_mul(self.epoch_length))
    }

    /// The epoch `slot` falls in, or `None` before the first slot.
    pub fn epoch_of(&self, genesis_slot: u64, slot: u64) -> Option<u64> {
        slot.checked_sub(genesis_slot)?
            .checked_div(self.epoch_length)
    }
}
