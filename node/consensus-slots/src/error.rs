//! The crate's one error: why an epoch description or a header is refused.

use entroos_consensus_primitives::PreDigestError;

/// Why an epoch is malformed or a header's slot claim is refused. Every
/// variant is a fault of the input (a bad block or bad epoch data), never
/// of the node.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SlotsError {
    /// An epoch must last at least one slot.
    #[error("an epoch of zero slots")]
    ZeroEpochLength,
    /// The epoch's last slot is beyond `u64::MAX`.
    #[error("the epoch starting at slot {start} with {length} slots overflows")]
    EpochOverflow {
        /// Its first slot.
        start: u64,
        /// Its length.
        length: u64,
    },
    /// More authorities than [`MAX_AUTHORITIES`](crate::MAX_AUTHORITIES).
    #[error("{count} authorities, at most {max} allowed")]
    TooManyAuthorities {
        /// How many were given.
        count: usize,
        /// The bound.
        max: usize,
    },
    /// The primary probability `c` is above one.
    #[error("the primary probability {0} (×10^18) is above one")]
    PrimaryProbabilityAboveOne(u128),
    /// An authority's key is not a valid sr25519 public key.
    #[error("authority {index} has an invalid sr25519 key")]
    InvalidAuthorityKey {
        /// Its index in the set.
        index: u32,
    },
    /// The last digest item is not a seal.
    #[error("the header has no seal")]
    MissingSeal,
    /// The seal is of another engine.
    #[error("seal of engine {0:?}, expected `entr`")]
    SealEngine([u8; 4]),
    /// The seal is not 64 bytes.
    #[error("the seal is not a 64-byte signature")]
    MalformedSeal,
    /// The seal does not verify under the claiming authority's key.
    #[error("the seal is not authority {authority_index}'s signature")]
    BadSeal {
        /// The authority the pre-digest names.
        authority_index: u32,
    },
    /// The slot pre-runtime digest is missing, repeated or malformed.
    #[error(transparent)]
    PreDigest(#[from] PreDigestError),
    /// The header does not name the given parent.
    #[error("the header's parent is not the block it is verified against")]
    WrongParent,
    /// The slot is not above the parent's.
    #[error("slot {slot} is not above the parent's slot {parent}")]
    SlotNotIncreasing {
        /// The parent's slot.
        parent: u64,
        /// The header's slot.
        slot: u64,
    },
    /// The slot is ahead of the local clock by more than the drift bound.
    #[error("slot {slot} is in the future (now {now}, at most {max_drift} slots ahead)")]
    SlotInFuture {
        /// The header's slot.
        slot: u64,
        /// The local clock's slot.
        now: u64,
        /// Slots of drift allowed.
        max_drift: u64,
    },
    /// The slot is not in the epoch the header is verified against.
    #[error("slot {slot} is outside epoch {epoch} (slots {start}..{end})")]
    SlotOutsideEpoch {
        /// The header's slot.
        slot: u64,
        /// The epoch's index.
        epoch: u64,
        /// Its first slot.
        start: u64,
        /// The slot after its last.
        end: u64,
    },
    /// The authority index is not in the epoch's set.
    #[error("authority index {index} is outside a set of {authorities}")]
    AuthorityIndexOutOfRange {
        /// The claimed index.
        index: u32,
        /// The set's size.
        authorities: u32,
    },
    /// The VRF output or proof bytes are not a point and proof.
    #[error("the VRF output or proof is malformed")]
    MalformedVrf,
    /// The VRF proof does not verify for the slot under the authority's key.
    #[error("the VRF proof does not verify under authority {authority_index}'s key")]
    InvalidVrfProof {
        /// The claiming authority.
        authority_index: u32,
    },
    /// The VRF output is not below the authority's threshold.
    #[error("VRF value {value} is not below authority {authority_index}'s threshold {threshold}")]
    VrfAboveThreshold {
        /// The claiming authority.
        authority_index: u32,
        /// The lottery value of the output.
        value: u128,
        /// Its threshold.
        threshold: u128,
    },
    /// A secondary claim by someone other than the slot's assignee.
    #[error("secondary claim by authority {claimed}, but the slot's assignee is {expected:?}")]
    WrongSecondaryAuthor {
        /// The claiming authority.
        claimed: u32,
        /// The slot's assignee (none when no authority has weight).
        expected: Option<u32>,
    },
}
