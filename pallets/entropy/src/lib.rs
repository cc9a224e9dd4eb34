//! # Entropy pallet
//!
//! Who validates, with what weight: bonds, session keys, epochs, scores,
//! epoch randomness, diversity reports and the slashing of equivocations.
//!
//! ## Model
//!
//! - **Stake.** An account bonds (reserves) stake, at least
//!   `Params::minimum_bond`, sets session keys (sr25519 VRF/seal key,
//!   ed25519 finality key, each proving possession by signing the stash and
//!   keys), and declares the intent to validate with a commission and a
//!   self-declared operator and zone — reported, never used for weight.
//!   Unbonded stake stays reserved and slashable for
//!   `Params::unbonding_epochs` epochs.
//! - **Epochs** are `Params::epoch_length` slots from the first block's
//!   slot. At each boundary the set fixed one epoch earlier becomes current,
//!   every member of the ending epoch gets its scores updated from its
//!   duties, and the set of the epoch after the new one is selected: the
//!   `MAX_VALIDATORS` candidates of largest
//!   `VoteWeight = EntropyScore × ReliabilityScore × active stake`
//!   (ties by stash), never an empty set.
//! - **Duties** come from on-chain evidence only: each slot has one
//!   secondary assignee (picked by weight from the epoch randomness and the
//!   slot); it did its duty if it authored the slot's block as secondary,
//!   missed it if the slot has no block (a primary block relieves it). Each
//!   justification the runtime notes is a duty for every member: done if
//!   its precommit is included. Each epoch every member has one heartbeat
//!   duty, done if its off-chain worker's signed heartbeat was included
//!   during the epoch (see [`heartbeat`]); the heartbeats are a duty
//!   period of their own, closed at the epoch's end.
//! - **Scores** (see [`scores`]): per epoch,
//!   `R ← λR + (1−λ)·done/assigned` and
//!   `E ← λE + (1−λ)(1 − min(1, κ·m))`, where `m` is the mean over the
//!   epoch's duty periods of the share of total weight that missed a duty in
//!   the same period as the validator. All fixed point, rounded down.
//! - **Randomness**: primary VRF outputs of epoch `e` are hashed into an
//!   accumulator; the randomness of epoch `e+2` is
//!   `blake2_256(SCALE((randomness(e), e+2, accumulator)))`.
//! - **Offences** (see [`equivocation`], [`slashing`]): a verified report
//!   burns `Params::slash_fraction` of the offender's bond, resets its
//!   reliability to at most the initial value, chills it and removes it
//!   from the next set; each `(offender, slot or round)` is punished once.
//!
//! ## Inputs from the runtime
//!
//! [`Config::Authorship`] gives the slot and the author's claim of the block
//! being executed (`on_initialize` accounts them and refuses a block whose
//! claim contradicts the set); [`PreDigestAuthorship`] reads them from the
//! slot pre-runtime digest the node writes (`entroos-consensus-primitives`'
//! `PreDigest`, engine `entr`). [`Pallet::note_precommits`] takes the
//! voters of a justification the runtime has verified.
//!
//! ## Outputs to the node
//!
//! [`Pallet::current_epoch`] and [`Pallet::next_epoch`] (the
//! `EntropyApi` runtime API: slots, authorities with VRF keys and weights,
//! randomness, `c`), [`Pallet::finality_voters`],
//! [`Pallet::validators_report`] and [`Pallet::diversity_report`] (what
//! people read: validators with bonds, scores, weights and declarations;
//! the set's diversity), [`SlashedOffences`] (offences punished), and
//! [`Pallet::check_block_report`] / [`Pallet::check_vote_report`], which
//! the runtime's transaction validation uses to admit unsigned reports,
//! as it admits heartbeats with [`Pallet::check_heartbeat`]. The
//! off-chain worker ([`Pallet::send_heartbeats`]) submits the local
//! members' heartbeats through the node's off-chain context.
//!
//! ## Invariants
//!
//! - Every bonded amount (active and unlocking) is reserved in Balances.
//! - Sets hold at most `MAX_VALIDATORS` members, candidates at most
//!   `MAX_CANDIDATES`; each session key belongs to at most one stash.
//! - [`ReceivedHeartbeats`] holds only indices of the current set, at most
//!   one each, and is empty after every epoch boundary.
//! - Scores stay in `[0, 1]`, entropy at least [`scores::MIN_ENTROPY`].
//! - No floats; no panics on input; iteration is in storage-key order.

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::float_arithmetic
    )
)]

mod api;
mod authorship;
mod calls;
mod diversity;
mod duties;
mod epochs;
pub mod equivocation;
mod genesis;
pub mod heartbeat;
mod keys;
mod metadata;
pub mod pallet;
mod params;
mod randomness;
mod report;
pub mod rounds;
pub mod scores;
mod selection;
pub mod slashing;
mod staking;
mod storage;
mod types;
pub mod weights;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use authorship::PreDigestAuthorship;
pub use entroos_consensus_primitives::secondary_draw;
pub use equivocation::{
    verify_vote_equivocation, vote_payload, BlockEquivocationProof, SignedVote,
    VoteEquivocationProof, VoteKind, VOTE_SIGNING_CONTEXT,
};
pub use genesis::{GenesisConfig, GenesisValidator, SessionConfig};
pub use heartbeat::Heartbeat;
pub use keys::key_ownership_message;
pub use pallet::{Call, Error, Event};
pub use params::{Params, MAX_EPOCH_LENGTH, MAX_KAPPA, MAX_SLOT_DURATION, MIN_UNBONDING_EPOCHS};
pub use rounds::{NotedPrecommit, RoundNote, MAX_NOTED_PRECOMMITS};
pub use storage::*;
pub use types::*;

use entroos_primitives::dispatch::DispatchError;
use entroos_primitives::generic::ConsensusEngineId;
use entroos_primitives::Header;
use entroos_support::dispatch::PalletError;
use entroos_support::state::Externalities;
use entroos_support::storage::TypedGet;
use std::marker::PhantomData;

/// The pallet's storage prefix.
pub const PALLET: &str = "Entropy";
/// The engine id of block seals (the last digest item of a header) and of
/// the slot pre-runtime digest.
pub const SEAL_ENGINE_ID: ConsensusEngineId = entroos_consensus_primitives::ENGINE_ID;
/// The most offences recorded per epoch (for deduplication).
pub const MAX_OFFENCES_PER_EPOCH: u32 = 1_024;

/// What the consensus digest tells the pallet about the block being executed.
pub trait BlockAuthorship {
    /// The block's slot, if its digest states one.
    fn current_slot(ext: &dyn Externalities) -> Option<u64>;
    /// How its author claimed the slot, if its digest states it.
    fn claim(ext: &dyn Externalities) -> Option<AuthorClaim>;
    /// The slot a header states (for equivocation proofs).
    fn slot_of(header: &Header) -> Option<u64>;
}

/// What the runtime provides to the entropy pallet.
pub trait Config:
    pallet_balances::Config + pallet_system::Config<RuntimeEvent: From<Event>>
{
    /// This pallet's index in the runtime.
    const INDEX: u8;
    /// The most validators in an epoch's set.
    const MAX_VALIDATORS: u32;
    /// The most accounts that may intend to validate at once.
    const MAX_CANDIDATES: u32;
    /// The slot and author claim of the block being executed.
    type Authorship: BlockAuthorship;
}

/// `T::MAX_VALIDATORS` as a type, for bounded storage.
pub struct MaxValidators<T>(PhantomData<T>);

impl<T: Config> TypedGet for MaxValidators<T> {
    type Value = u32;
    fn get() -> u32 {
        T::MAX_VALIDATORS
    }
}

impl<T> Clone for MaxValidators<T> {
    fn clone(&self) -> Self {
        MaxValidators(PhantomData)
    }
}

impl<T> PartialEq for MaxValidators<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> Eq for MaxValidators<T> {}

impl<T> std::fmt::Debug for MaxValidators<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MaxValidators")
    }
}

/// An epoch's set, bounded by `T::MAX_VALIDATORS`.
pub type EpochSetOf<T> = EpochSet<MaxValidators<T>>;
/// The duty period being accounted, bounded by `T::MAX_VALIDATORS`.
pub type PeriodStateOf<T> = PeriodState<MaxValidators<T>>;

/// The entropy pallet's functions.
pub struct Pallet<T>(PhantomData<T>);

impl<T: Config> Pallet<T> {
    /// `e` as this pallet's dispatch error.
    pub fn error(e: Error) -> DispatchError {
        e.into_module_error(T::INDEX)
    }

    /// The stored parameters.
    pub fn params(ext: &dyn Externalities) -> Params {
        Parameters::get(ext)
    }
}
