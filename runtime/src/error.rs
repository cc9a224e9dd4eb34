//! The runtime's errors.

use entroos_primitives::validity::TransactionValidityError;
use entroos_primitives::H256;
use entroos_support::state::BackendError;

/// Why a block is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    /// An extrinsic does not decode.
    #[error("extrinsic {index} does not decode: {reason}")]
    UndecodableExtrinsic {
        /// Its position.
        index: usize,
        /// The decoder's message.
        reason: String,
    },
    /// An extrinsic is not valid.
    #[error("extrinsic {index} is invalid: {error}")]
    InvalidExtrinsic {
        /// Its position.
        index: usize,
        /// Why.
        error: TransactionValidityError,
    },
    /// An inherent comes after a signed extrinsic.
    #[error("inherent at position {0} follows a signed extrinsic")]
    InherentNotFirst(usize),
    /// The block did not set its timestamp.
    #[error("the block has no timestamp inherent")]
    MissingTimestamp,
    /// The consensus pallet refused the block's slot or claim: the slot
    /// does not follow the parent's, the author index is not in the
    /// epoch's set, or a secondary claim is not the slot's assignee's.
    #[error("slot claim refused: {0}")]
    InvalidClaim(#[from] pallet_entropy::Error),
    /// The ledger must re-execute a disputed job in this block and the
    /// node's job engine is missing or failed: the block cannot be
    /// executed here (it is not executed differently).
    #[error("disputed job cannot be re-executed: {0}")]
    JobEngine(#[from] pallet_poe::Error),
    /// The header's state root differs from the computed one.
    #[error("state root mismatch: header has {expected}, execution gives {computed}")]
    StateRootMismatch {
        /// In the header.
        expected: H256,
        /// Computed.
        computed: H256,
    },
    /// The header's extrinsics root differs from the computed one.
    #[error("extrinsics root mismatch: header has {expected}, body gives {computed}")]
    ExtrinsicsRootMismatch {
        /// In the header.
        expected: H256,
        /// Computed.
        computed: H256,
    },
    /// The header's digest differs from the one execution produced.
    #[error("digest mismatch")]
    DigestMismatch,
}

/// Errors of the runtime's entry points.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuntimeError {
    /// No runtime API of that name.
    #[error("unknown runtime API method {0}")]
    UnknownApi(String),
    /// The arguments do not decode.
    #[error("cannot decode the arguments of {method}: {reason}")]
    BadArguments {
        /// The method.
        method: String,
        /// The decoder's message.
        reason: String,
    },
    /// A block is invalid.
    #[error("invalid block: {0}")]
    InvalidBlock(#[from] BlockError),
    /// The genesis configuration is invalid.
    #[error("invalid genesis configuration: {0}")]
    Genesis(String),
    /// The call needs the node's off-chain context.
    #[error("{0} needs an off-chain context")]
    NeedsOffchainContext(&'static str),
    /// The call needs the node's keystore (`author_rotateKeys` provides it;
    /// `state_call` does not).
    #[error("{0} needs the node's keystore: use author_rotateKeys")]
    NeedsKeystore(&'static str),
    /// The node's keystore could not make a key.
    #[error(transparent)]
    Keystore(#[from] entroos_support::hooks::KeystoreError),
    /// The state the call ran on could not be read; its result, and any
    /// state changes it made, must be discarded.
    #[error("state unavailable: {0}")]
    Storage(#[from] BackendError),
}
