//! The crate's one error type, grouped by what the caller should do:
//! refuse the input (and blame its sender), fix the configuration, or stop.

use crate::BlockId;
use entroos_primitives::H256;

/// A failure of the chain behind [`crate::ChainView`] (a database read).
pub type ChainError = Box<dyn std::error::Error + Send + Sync>;

/// Why an input, a justification or a configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum FinalityError {
    // ---- refuse the input: its sender misbehaves ----
    /// A signature does not verify against the signer's key.
    #[error("the signature does not verify")]
    BadSignature,
    /// The signer is not in the voter set.
    #[error("{} is not a voter of set {set_id}", H256(*voter))]
    NotAVoter {
        /// The signer's public key.
        voter: [u8; 32],
        /// The set it claimed to vote in.
        set_id: u64,
    },
    /// A justification or catch-up is for another voter set.
    #[error("for voter set {got}, expected set {expected}")]
    WrongSet {
        /// The set it is for.
        got: u64,
        /// The set that can verify it.
        expected: u64,
    },
    /// A justification's target is not the block it should justify.
    #[error("justifies {got:?}, expected {expected:?}")]
    WrongTarget {
        /// Its target.
        got: BlockId,
        /// The block it was given for.
        expected: BlockId,
    },
    /// A vote in a justification or catch-up is of the wrong kind or round.
    #[error("a vote of the wrong kind or round: {0:?}")]
    MisplacedVote(Box<crate::Vote>),
    /// A voter appears more often than one vote, or two different ones.
    #[error("voter {} signed too many votes", H256(*.0))]
    TooManyVotes([u8; 32]),
    /// A precommit of a justification does not descend from its target
    /// through the ancestry given.
    #[error("precommit for {0:?} does not descend from the target")]
    NotDescendant(BlockId),
    /// A justification carries a header twice or one no precommit needs.
    #[error("ancestry header {0} is repeated or not needed")]
    UselessAncestry(H256),
    /// The votes carry too little weight.
    #[error("weight {got} is below the threshold {threshold}")]
    NotEnoughWeight {
        /// The weight of the valid votes.
        got: u128,
        /// The weight needed.
        threshold: u128,
    },
    /// Bytes that do not decode within the bounds.
    #[error("undecodable: {0}")]
    Decode(#[from] codec::Error),

    // ---- fix the configuration ----
    /// A voter set that cannot be used.
    #[error("invalid voter set: {0}")]
    InvalidVoterSet(&'static str),
    /// A set change whose id is not above the current set's.
    #[error("set change to set {got}, expected set {expected} or later")]
    SetIdGap {
        /// The id given.
        got: u64,
        /// The lowest id accepted.
        expected: u64,
    },
    /// Too many set changes are pending on unfinalized blocks.
    #[error("too many pending set changes")]
    TooManyPendingChanges,
    /// Persisted voter state ahead of the set given at start-up.
    #[error("the persisted state is for set {state}, ahead of set {given}")]
    StateAhead {
        /// The persisted state's set.
        state: u64,
        /// The set given.
        given: u64,
    },

    // ---- stop: the local chain is unreadable or inconsistent ----
    /// A block the input needs is not in the chain (yet).
    #[error("block {0} is unknown")]
    UnknownBlock(H256),
    /// A block to finalize does not descend from the finalized block.
    #[error("{other:?} conflicts with the finalized block {finalized:?}")]
    ConflictingFinality {
        /// The finalized block.
        finalized: BlockId,
        /// The conflicting block.
        other: BlockId,
    },
    /// Reading the chain failed.
    #[error("reading the chain: {0}")]
    Chain(#[source] ChainError),
}

impl FinalityError {
    /// Whether the input proves its sender misbehaved (a peer to report),
    /// as opposed to a local problem or an input that came too early.
    pub fn is_misbehaviour(&self) -> bool {
        matches!(
            self,
            FinalityError::BadSignature
                | FinalityError::NotAVoter { .. }
                | FinalityError::WrongTarget { .. }
                | FinalityError::MisplacedVote(_)
                | FinalityError::TooManyVotes(_)
                | FinalityError::NotDescendant(_)
                | FinalityError::UselessAncestry(_)
                | FinalityError::NotEnoughWeight { .. }
                | FinalityError::Decode(_)
        )
    }
}
