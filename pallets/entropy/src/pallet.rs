//! The pallet's calls, events and errors, under FRAME's type paths
//! (`pallet_entropy::pallet::{Call, Event, Error}`), which clients match on.

use crate::equivocation::{BlockEquivocationProof, VoteEquivocationProof};
use crate::heartbeat::Heartbeat;
use crate::rounds::RoundNote;
use crate::types::{KeyOwnershipProof, OffenceTime, SessionKeys, ValidatorPrefs};
use codec::{Decode, Encode};
use entroos_primitives::{AccountId32, Balance};
use entroos_support::pallet_error;
use scale_info::TypeInfo;

/// The entropy pallet's calls.
#[allow(non_camel_case_types)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Call {
    /// Bonds `value` of the signer's free balance (reserved) as its stake.
    #[codec(index = 0)]
    bond {
        /// At least the minimum bond.
        #[codec(compact)]
        value: Balance,
    },
    /// Adds up to `max_additional` to the signer's bond.
    #[codec(index = 1)]
    bond_extra {
        /// How much more.
        #[codec(compact)]
        max_additional: Balance,
    },
    /// Starts unbonding `value`: it leaves the active stake now and becomes
    /// withdrawable after the unbonding period; unbonding everything chills.
    #[codec(index = 2)]
    unbond {
        /// How much (capped at the active stake).
        #[codec(compact)]
        value: Balance,
    },
    /// Returns the unlocked stake to the free balance; an account left with
    /// nothing bonded leaves entirely (keys, scores, intent).
    #[codec(index = 3)]
    withdraw_unbonded {},
    /// Declares the intent to validate from the next selection on.
    #[codec(index = 4)]
    validate {
        /// Commission, operator and zone (reported, never used for weight).
        prefs: ValidatorPrefs,
    },
    /// Withdraws the intent to validate.
    #[codec(index = 5)]
    chill {},
    /// Sets the session keys used from the next selection on.
    #[codec(index = 6)]
    set_keys {
        /// The VRF (sr25519) and finality (ed25519) keys.
        keys: SessionKeys,
        /// Both keys' signatures over the stash and keys.
        proof: KeyOwnershipProof,
    },
    /// Reports two blocks by one author in one slot (unsigned).
    #[codec(index = 7)]
    report_block_equivocation {
        /// The two sealed headers.
        proof: Box<BlockEquivocationProof>,
    },
    /// Reports two votes by one voter in one round (unsigned).
    #[codec(index = 8)]
    report_vote_equivocation {
        /// The two signed votes.
        proof: Box<VoteEquivocationProof>,
    },
    /// Notes the precommits of a finality round of the current set
    /// (unsigned): the finality duties of its members.
    #[codec(index = 9)]
    note_finality_round {
        /// The round's precommits.
        note: Box<RoundNote>,
    },
    /// A member of the current set states that its node is up (unsigned,
    /// once per member per epoch): its heartbeat duty.
    #[codec(index = 10)]
    heartbeat {
        /// The epoch, the member's index and the block it was made at.
        heartbeat: Heartbeat,
        /// The member's slot-key (sr25519) signature over the heartbeat.
        signature: [u8; 64],
    },
}

/// The entropy pallet's events.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Event {
    /// Stake was bonded.
    #[codec(index = 0)]
    Bonded {
        /// The stash.
        stash: AccountId32,
        /// How much more is bonded.
        amount: Balance,
    },
    /// Stake started unbonding.
    #[codec(index = 1)]
    Unbonded {
        /// The stash.
        stash: AccountId32,
        /// How much.
        amount: Balance,
    },
    /// Unlocked stake returned to the free balance.
    #[codec(index = 2)]
    Withdrawn {
        /// The stash.
        stash: AccountId32,
        /// How much.
        amount: Balance,
    },
    /// A stash declared (or updated) its intent to validate.
    #[codec(index = 3)]
    ValidatorPrefsSet {
        /// The stash.
        stash: AccountId32,
        /// What it declared.
        prefs: ValidatorPrefs,
    },
    /// A stash stopped intending to validate.
    #[codec(index = 4)]
    Chilled {
        /// The stash.
        stash: AccountId32,
    },
    /// A stash set its session keys.
    #[codec(index = 5)]
    KeysSet {
        /// The stash.
        stash: AccountId32,
        /// The keys.
        keys: SessionKeys,
    },
    /// A new epoch started; the set after it was fixed.
    #[codec(index = 6)]
    NewEpoch {
        /// The epoch that started.
        epoch: u64,
        /// Validators in the set fixed for the following epoch.
        next_validators: u32,
        /// Their total weight.
        next_total_weight: u128,
    },
    /// An offender was slashed, reset and removed from the next set.
    #[codec(index = 7)]
    Slashed {
        /// The offender's stash.
        stash: AccountId32,
        /// The stake burned.
        amount: Balance,
        /// When it offended.
        time: OffenceTime,
    },
    /// A finality round's precommits were noted as duties.
    #[codec(index = 8)]
    FinalityRoundNoted {
        /// The finality set (the epoch index).
        set_id: u64,
        /// The round.
        round: u64,
        /// How many members precommitted.
        voters: u32,
    },
    /// A member of the current set sent its heartbeat for the epoch.
    #[codec(index = 9)]
    HeartbeatReceived {
        /// The epoch.
        epoch: u64,
        /// The member's index in the set.
        validator_index: u32,
        /// The member's stash.
        stash: AccountId32,
    },
}

pallet_error! {
    /// The entropy pallet's errors: refused calls and refused blocks.
    pub enum Error {
        /// The account has no bond.
        NotBonded,
        /// The account already has a bond.
        AlreadyBonded,
        /// The active bond would be below the minimum.
        InsufficientBond,
        /// Nothing is actively bonded.
        NoActiveBond,
        /// Too many unbonding chunks: withdraw first.
        NoMoreChunks,
        /// No unbonding chunk has unlocked yet.
        NothingToWithdraw,
        /// The account has not declared the intent to validate.
        NotCandidate,
        /// As many accounts as allowed intend to validate.
        TooManyCandidates,
        /// Session keys must be set first.
        NoSessionKeys,
        /// A session-key signature does not verify.
        InvalidKeyProof,
        /// A session key belongs to another stash.
        DuplicatedKey,
        /// The block's slot does not follow the last one.
        SlotNotIncreasing,
        /// The block's author index is not in the current set.
        UnknownAuthor,
        /// A secondary block was authored by someone other than the slot's assignee.
        WrongSecondaryAuthor,
        /// A justification names a voter outside the current set.
        UnknownVoter,
        /// A header in a proof has no seal, or it is malformed.
        InvalidSeal,
        /// A signature in a proof does not verify.
        InvalidSignature,
        /// The proof's headers or votes are not for the slot or round it names.
        ProofMismatch,
        /// The two blocks or votes of a proof are the same.
        NotConflicting,
        /// The offender's key is not in the set of the offence's epoch.
        UnknownOffender,
        /// The offence is not in the current or previous epoch.
        OffenceOutOfWindow,
        /// This offence was already reported.
        DuplicateReport,
        /// The epoch has as many recorded offences as allowed.
        TooManyReports,
        /// An amount overflowed.
        Overflow,
        /// The precommits of a noted round carry two thirds of the weight or less.
        NotEnoughWeight,
        /// The heartbeat is not for the current epoch.
        StaleHeartbeat,
        /// The heartbeat names a block after the one being built.
        FutureHeartbeat,
        /// The heartbeat names an index outside the current set.
        UnknownValidator,
        /// The member already sent its heartbeat this epoch.
        DuplicateHeartbeat,
    }
}

impl std::error::Error for Error {}
