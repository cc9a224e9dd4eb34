//! The pallet's stored and exchanged types. Every one derives `TypeInfo`,
//! so the metadata describes it and clients decode it.

use codec::{Decode, Encode, MaxEncodedLen};
use entroos_arithmetic::{FixedU128, Perbill};
use entroos_primitives::{AccountId32, Balance};
use entroos_support::bounded::{BoundedVec, ConstU32};
use entroos_support::storage::TypedGet;
use scale_info::TypeInfo;

/// The most unbonding chunks a ledger holds at once.
pub const MAX_UNLOCKING_CHUNKS: u32 = 32;
/// The longest declared operator or zone, in bytes.
pub const MAX_DECLARED_LEN: u32 = 64;

/// A stash's bonded stake: what backs its weight and can be slashed. All of
/// it (active and unlocking) is reserved in Balances.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct StakingLedger {
    /// The stake that counts for weight.
    pub active: Balance,
    /// Stake on its way out, still slashable, by the epoch it unlocks at.
    pub unlocking: BoundedVec<UnlockChunk, ConstU32<MAX_UNLOCKING_CHUNKS>>,
}

impl StakingLedger {
    /// Active plus unlocking (saturating: it never exceeds the issuance).
    pub fn total(&self) -> Balance {
        self.unlocking
            .as_slice()
            .iter()
            .fold(self.active, |sum, chunk| sum.saturating_add(chunk.value))
    }
}

/// Stake that becomes withdrawable at the start of `epoch`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct UnlockChunk {
    /// How much.
    #[codec(compact)]
    pub value: Balance,
    /// The epoch from which it may be withdrawn.
    #[codec(compact)]
    pub epoch: u64,
}

/// What a validator declares about itself: reported, never trusted for weight.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct ValidatorPrefs {
    /// The share of rewards it keeps.
    pub commission: Perbill,
    /// The operator it says runs it (free text).
    pub operator: BoundedVec<u8, ConstU32<MAX_DECLARED_LEN>>,
    /// The zone it says it runs in (free text).
    pub zone: BoundedVec<u8, ConstU32<MAX_DECLARED_LEN>>,
}

/// A validator's session keys.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Encode,
    Decode,
    MaxEncodedLen,
    TypeInfo,
)]
pub struct SessionKeys {
    /// sr25519: slot VRFs and block seals.
    pub vrf: [u8; 32],
    /// ed25519: finality votes.
    pub finality: [u8; 32],
}

/// Which session key a [`KeyOwner`](crate::KeyOwner) entry is about.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
pub enum KeyKind {
    /// The sr25519 VRF and sealing key.
    Vrf,
    /// The ed25519 finality key.
    Finality,
}

/// Proof that whoever sets session keys holds their secrets: each key signs
/// [`key_ownership_message`](crate::key_ownership_message) (the stash and
/// both keys), so keys cannot be claimed by someone else's stash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct KeyOwnershipProof {
    /// The sr25519 signature by the VRF key.
    pub vrf_signature: [u8; 64],
    /// The ed25519 signature by the finality key.
    pub finality_signature: [u8; 64],
}

/// A validator's scores, both in `[0, 1]` (entropy never below
/// [`MIN_ENTROPY`](crate::scores::MIN_ENTROPY)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct ValidatorScores {
    /// The decaying share of assigned duties fulfilled.
    pub reliability: FixedU128,
    /// The decaying independence of its failures from others'.
    pub entropy: FixedU128,
}

/// One member of an epoch's validator set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Authority {
    /// Its stash.
    pub stash: AccountId32,
    /// Its session keys for the epoch.
    pub keys: SessionKeys,
    /// `EntropyScore × ReliabilityScore × Stake`, fixed for the epoch.
    pub weight: u128,
}

/// An epoch's validators, their weights and the epoch's randomness, fixed
/// one epoch ahead.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(skip_type_params(S))]
pub struct EpochSet<S> {
    /// The validators, heaviest first (ties by stash).
    pub authorities: BoundedVec<Authority, S>,
    /// `Σ weight`.
    pub total_weight: u128,
    /// The randomness secondary-slot assignment and VRFs use in the epoch.
    pub randomness: [u8; 32],
}

impl<S> Default for EpochSet<S> {
    fn default() -> Self {
        EpochSet {
            authorities: BoundedVec::default(),
            total_weight: 0,
            randomness: [0; 32],
        }
    }
}

impl<S: TypedGet<Value = u32>> EpochSet<S> {
    /// Each authority's weight, in set order.
    pub fn weights(&self) -> Vec<u128> {
        self.authorities
            .as_slice()
            .iter()
            .map(|a| a.weight)
            .collect()
    }

    /// The authority at `index`.
    pub fn get(&self, index: u32) -> Option<&Authority> {
        self.authorities
            .as_slice()
            .get(usize::try_from(index).ok()?)
    }

    /// How many authorities there are.
    pub fn len(&self) -> u32 {
        u32::try_from(self.authorities.len()).unwrap_or(u32::MAX)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.authorities.is_empty()
    }
}

/// How the block's author claimed its slot, as the consensus digest states
/// it (the block import has verified the VRF and seal beforehand).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct AuthorClaim {
    /// The author's index in the current epoch's set.
    pub authority_index: u32,
    /// Primary (VRF below threshold) or secondary (the slot's assignee).
    pub kind: ClaimKind,
}

/// The two ways to claim a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum ClaimKind {
    /// The author's VRF output over the slot was below its threshold.
    Primary {
        /// The VRF output, folded into the epoch randomness.
        vrf_output: [u8; 32],
    },
    /// The author is the slot's secondary assignee.
    Secondary,
}

/// One validator's duties in the current epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct DutyRecord {
    /// Duties assigned: secondary slots, justifications and (at the
    /// epoch's end) the heartbeat.
    pub assigned: u32,
    /// Duties done: secondary slots authored, precommits and the heartbeat
    /// included.
    pub done: u32,
    /// `Σ f` over the periods it missed a duty in, `f` being the share of
    /// the epoch's total weight that missed a duty in the same period.
    pub miss_load: FixedU128,
}

/// The duty period being accounted.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(skip_type_params(S))]
pub struct PeriodState<S> {
    /// Its index within the epoch.
    pub index: u64,
    /// Indices (in the epoch's set) of validators that missed a duty in
    /// it, ascending.
    pub missed: BoundedVec<u32, S>,
    /// Periods of this epoch already closed.
    pub closed: u32,
    /// Whether any slot of this period has been accounted.
    pub touched: bool,
}

impl<S> Default for PeriodState<S> {
    fn default() -> Self {
        PeriodState {
            index: 0,
            missed: BoundedVec::default(),
            closed: 0,
            touched: false,
        }
    }
}

/// When an offence happened: what reports are deduplicated by, with the
/// offender.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum OffenceTime {
    /// Two blocks in one slot.
    Slot(u64),
    /// Two votes of one kind in one finality round.
    Round {
        /// The finality set (the epoch index).
        set_id: u64,
        /// The round.
        round: u64,
    },
}

/// A verified offence, ready to be punished.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Offence {
    /// The stash of the offending validator.
    pub offender: AccountId32,
    /// When it offended.
    pub time: OffenceTime,
    /// The epoch it offended in.
    pub epoch: u64,
}

pub use entroos_consensus_primitives::DiversityReport;
