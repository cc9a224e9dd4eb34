//! What the seams report when they fail, grouped by what the caller does:
//! a [`ClientError`] is the node's own trouble (storage, unknown block),
//! an [`ImportError`] is a refused block, with the reason.

pub use entroos_consensus_slots::SlotsError;
use entroos_primitives::{BlockNumber, H256};

/// An error from a lower layer, kept whole as the source.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Reading the chain or calling the runtime failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// No such block.
    #[error("unknown block {0}")]
    UnknownBlock(H256),
    /// The block's state was discarded by state pruning.
    #[error("state of block {0} was discarded (state pruning)")]
    StateDiscarded(H256),
    /// The runtime could not decode the call's input.
    #[error("cannot decode the arguments of {method}: {reason}")]
    BadCallInput {
        /// The runtime API method.
        method: String,
        /// The decoder's message.
        reason: String,
    },
    /// The runtime call failed.
    #[error("runtime call {method} failed: {source}")]
    Execution {
        /// The runtime API method.
        method: String,
        /// The runtime's error.
        source: BoxError,
    },
    /// A runtime answer did not decode as its declared type.
    #[error("the runtime's answer to {method} does not decode: {reason}")]
    BadCallOutput {
        /// The runtime API method.
        method: String,
        /// The decoder's message.
        reason: String,
    },
    /// As many blocks as the node keeps pinned are pinned already.
    #[error("too many pinned blocks: at most {limit} are kept")]
    TooManyPins {
        /// The most pinned blocks.
        limit: usize,
    },
    /// The block to unpin is not pinned.
    #[error("block {0} is not pinned")]
    NotPinned(H256),
    /// The database failed or holds damaged data.
    #[error("database: {0}")]
    Storage(BoxError),
    /// Finality cannot move there.
    #[error("cannot finalize {hash}: {reason}")]
    CannotFinalize {
        /// The block.
        hash: H256,
        /// Why not.
        reason: &'static str,
    },
}

/// Why a block was refused. A refused block changes nothing in the database.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The parent is not known.
    #[error("parent {0} of the block is unknown")]
    UnknownParent(H256),
    /// The number is not the parent's plus one.
    #[error("block number {number} does not follow its parent's {parent}")]
    WrongNumber {
        /// The parent's number.
        parent: BlockNumber,
        /// The block's number.
        number: BlockNumber,
    },
    /// The block does not descend from the last finalized block.
    #[error("block #{number} does not descend from the finalized block #{finalized}")]
    NotDescendantOfFinalized {
        /// The block's number.
        number: BlockNumber,
        /// The finalized block's number.
        finalized: BlockNumber,
    },
    /// The header's slot claim or seal is refused (see
    /// [`SlotsError`]: the pre-digest, the slot against the parent's and
    /// the clock, the epoch, the VRF proof and threshold or the secondary
    /// assignee, the seal).
    #[error("slot claim refused: {0}")]
    Consensus(#[from] SlotsError),
    /// The header's extrinsics root does not match the body.
    #[error("extrinsics root mismatch: header has {expected}, body gives {computed}")]
    ExtrinsicsRootMismatch {
        /// In the header.
        expected: H256,
        /// Computed from the body.
        computed: H256,
    },
    /// A body item does not decode as an extrinsic.
    #[error("extrinsic {index} of the body does not decode: {reason}")]
    UndecodableBody {
        /// Its position.
        index: usize,
        /// The decoder's message.
        reason: String,
    },
    /// The inherents (the timestamp) are refused.
    #[error("inherents refused: {0}")]
    Inherents(String),
    /// The state root computed by execution differs from the header's.
    #[error("state root mismatch: header has {expected}, execution gives {computed}")]
    StateRootMismatch {
        /// In the header.
        expected: H256,
        /// Computed.
        computed: H256,
    },
    /// Execution refused the block.
    #[error("invalid block: {0}")]
    Invalid(String),
    /// The node failed while importing (storage); the block may be fine.
    #[error(transparent)]
    Client(#[from] ClientError),
}

impl ImportError {
    /// Whether the block itself is bad (as opposed to the node failing):
    /// a peer that sent it deserves the blame.
    pub fn is_bad_block(&self) -> bool {
        !matches!(self, ImportError::Client(_) | ImportError::UnknownParent(_))
    }
}
