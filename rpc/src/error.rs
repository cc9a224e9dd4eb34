//! Substrate's JSON-RPC error codes.

use crate::api::{ReadError, SubmitError};
use entroos_primitives::BlockNumber;
use jsonrpsee::types::{ErrorCode, ErrorObjectOwned};

/// Invalid parameters.
pub const INVALID_PARAMS: i32 = -32602;
/// Substrate's base for `state_*` errors.
const STATE_BASE: i32 = 4000;
/// A block range that cannot be resolved (state error base + 1).
pub const INVALID_BLOCK_RANGE: i32 = STATE_BASE + 1;
/// A count above its maximum (state error base + 2).
pub const INVALID_COUNT: i32 = STATE_BASE + 2;
/// A client (chain or state) error: Substrate's state error base + 3.
pub const CLIENT_ERROR: i32 = STATE_BASE + 3;
/// Author errors (base 1000).
pub mod author {
    /// Bad format.
    pub const BAD_FORMAT: i32 = 1001;
    /// Runtime verification failed.
    pub const VERIFICATION: i32 = 1002;
    /// Invalid transaction.
    pub const INVALID: i32 = 1010;
    /// Unknown validity.
    pub const UNKNOWN: i32 = 1011;
    /// Temporarily banned.
    pub const BANNED: i32 = 1012;
    /// Already imported.
    pub const ALREADY_IMPORTED: i32 = 1013;
    /// Priority too low.
    pub const TOO_LOW_PRIORITY: i32 = 1014;
    /// Pool full (immediately dropped).
    pub const IMMEDIATELY_DROPPED: i32 = 1016;
    /// Every other author error: key types, session keys, the keystore.
    pub const OTHER: i32 = 1040;
}
/// Substrate's `offchain_*` error for a storage kind the node does not
/// serve (its off-chain error base 5000, plus one).
pub const UNAVAILABLE_STORAGE_KIND: i32 = 5001;
/// An unsafe method called on a `--rpc-methods safe` node (outside
/// `state_*`, whose errors carry [`CLIENT_ERROR`] instead).
pub const UNSAFE_CALL: i32 = -32601;
/// The text of every refused unsafe call.
const UNSAFE_MESSAGE: &str = "RPC call is unsafe to be called externally";

/// A `state_*` error, with Substrate's codes and texts: 4001 for a block
/// range, 4002 for a count, 4003 for everything else — including an unsafe
/// method refused on a safe node, which Substrate's state module reports
/// under its catch-all code rather than -32601.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StateError {
    /// The blocks from `from` to `to` do not make a range that can be read.
    #[error("Cannot resolve a block range ['{from:?}' ... '{to:?}]. {details}")]
    InvalidBlockRange {
        /// The first block, as Substrate describes it.
        from: String,
        /// The last block, as Substrate describes it.
        to: String,
        /// Why the range was refused.
        details: String,
    },
    /// A count (of keys, of blocks) above its maximum.
    #[error("count exceeds maximum value. value: {value}, max: {max}")]
    InvalidCount {
        /// The count asked for.
        value: usize,
        /// The most allowed.
        max: usize,
    },
    /// Reading the chain or state failed.
    #[error("Client error: {0}")]
    Client(#[from] ReadError),
    /// An unsafe method on a safe node.
    #[error("{}", UNSAFE_MESSAGE)]
    UnsafeRpcCalled,
}

impl From<StateError> for ErrorObjectOwned {
    fn from(e: StateError) -> Self {
        let code = match e {
            StateError::InvalidBlockRange { .. } => INVALID_BLOCK_RANGE,
            StateError::InvalidCount { .. } => INVALID_COUNT,
            StateError::Client(_) | StateError::UnsafeRpcCalled => CLIENT_ERROR,
        };
        ErrorObjectOwned::owned(code, e.to_string(), None::<()>)
    }
}

/// An invalid-parameters error.
pub fn invalid_params(message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(INVALID_PARAMS, message.into(), None::<()>)
}

impl From<ReadError> for ErrorObjectOwned {
    fn from(e: ReadError) -> Self {
        StateError::Client(e).into()
    }
}

/// The JSON-RPC error of a refused submission.
pub fn submit_error(e: SubmitError) -> ErrorObjectOwned {
    let message = e.to_string();
    match e {
        SubmitError::BadFormat(_) => {
            ErrorObjectOwned::owned(author::BAD_FORMAT, message, None::<()>)
        }
        SubmitError::Verification(_) => {
            ErrorObjectOwned::owned(author::VERIFICATION, message, None::<()>)
        }
        SubmitError::Invalid(reason) => {
            ErrorObjectOwned::owned(author::INVALID, message, Some(reason))
        }
        SubmitError::Unknown(reason) => {
            ErrorObjectOwned::owned(author::UNKNOWN, message, Some(reason))
        }
        SubmitError::TemporarilyBanned => {
            ErrorObjectOwned::owned(author::BANNED, message, None::<()>)
        }
        SubmitError::AlreadyImported => {
            ErrorObjectOwned::owned(author::ALREADY_IMPORTED, message, None::<()>)
        }
        SubmitError::TooLowPriority(..) => {
            ErrorObjectOwned::owned(author::TOO_LOW_PRIORITY, message, None::<()>)
        }
        SubmitError::PoolFull => ErrorObjectOwned::owned(
            author::IMMEDIATELY_DROPPED,
            "Immediately Dropped".to_string(),
            Some("The transaction couldn't enter the pool because of the limit"),
        ),
    }
}

/// jsonrpsee's internal error (-32603 "Internal error"), for work that
/// failed to complete (a blocking task that panicked or was cancelled).
pub fn internal() -> ErrorObjectOwned {
    ErrorCode::InternalError.into()
}

/// The `offchain_*` error for the `LOCAL` storage kind, which the node does
/// not serve (as in Substrate).
pub fn unavailable_storage_kind() -> ErrorObjectOwned {
    ErrorObjectOwned::owned(
        UNAVAILABLE_STORAGE_KIND,
        "This storage kind is not available yet",
        None::<()>,
    )
}

/// The error of an unsafe method on a safe node (outside `state_*`).
pub fn unsafe_call() -> ErrorObjectOwned {
    ErrorObjectOwned::owned(UNSAFE_CALL, UNSAFE_MESSAGE, None::<()>)
}

/// `system_addReservedPeer` / `system_removeReservedPeer` errors:
/// Substrate's `MalformattedPeerArg` (2002) for a bad address or peer id,
/// a plain client error otherwise.
pub fn reserved_peer(error: crate::api::ReservedPeerError) -> ErrorObjectOwned {
    match error {
        crate::api::ReservedPeerError::Malformed(message) => {
            ErrorObjectOwned::owned(MALFORMED_PEER_ARG, message, None::<()>)
        }
        crate::api::ReservedPeerError::Unavailable(message) => {
            ErrorObjectOwned::owned(CLIENT_ERROR, message, None::<()>)
        }
    }
}

/// Substrate's `system` error for a peer address or id that does not parse.
pub const MALFORMED_PEER_ARG: i32 = 2002;

/// An `author_*` key error: Substrate's 1040 with the reason.
pub fn author_other(message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(author::OTHER, message.into(), None::<()>)
}

/// The error of a key type that is not four bytes, in Substrate's words.
pub fn bad_key_type() -> ErrorObjectOwned {
    author_other("Invalid key type ID format (should be of length four)")
}

/// The error of session keys the runtime cannot decode, in Substrate's words.
pub fn invalid_session_keys() -> ErrorObjectOwned {
    author_other("Session keys are not encoded correctly")
}

impl From<crate::api::KeystoreApiError> for ErrorObjectOwned {
    fn from(e: crate::api::KeystoreApiError) -> Self {
        author_other(e.to_string())
    }
}

/// The base of `entropy_*` errors of their own (client errors keep 4003).
const ENTROPY_BASE: i32 = 7000;
/// The runtime's answer does not decode as the type its API declares.
pub const UNDECODABLE_ANSWER: i32 = ENTROPY_BASE + 1;
/// The block is final but no justification proves it yet.
pub const NO_JUSTIFICATION: i32 = ENTROPY_BASE + 2;
/// The proof would hold more headers than a proof may.
pub const PROOF_TOO_LONG: i32 = ENTROPY_BASE + 3;
/// A stored justification does not decode.
pub const BAD_JUSTIFICATION: i32 = ENTROPY_BASE + 4;

/// An `entropy_*` error.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EntropyError {
    /// Reading the chain or calling the runtime failed (4003, as `state_*`).
    #[error("Client error: {0}")]
    Client(#[from] ReadError),
    /// The runtime answered bytes that are not its declared type.
    #[error("{method} answered bytes that do not decode: {reason}")]
    UndecodableAnswer {
        /// The runtime API method.
        method: &'static str,
        /// The decoder's reason.
        reason: String,
    },
    /// Block `number` is final, but no block from it up to the finalized
    /// block has a justification (blocks finalized without a vote, as on a
    /// single-validator chain).
    #[error("block #{number} is final but no justification is stored from it up to the finalized block #{finalized}")]
    NoJustification {
        /// The block asked about.
        number: BlockNumber,
        /// The finalized block.
        finalized: BlockNumber,
    },
    /// The first justified block is more than `max` headers away.
    #[error("no justification within {max} blocks from #{number}")]
    ProofTooLong {
        /// The block asked about.
        number: BlockNumber,
        /// The most headers a proof holds.
        max: u32,
    },
    /// The justification stored with a block does not decode.
    #[error("the justification of block #{number} does not decode: {reason}")]
    BadJustification {
        /// The justified block.
        number: BlockNumber,
        /// The decoder's reason.
        reason: String,
    },
}

impl From<EntropyError> for ErrorObjectOwned {
    fn from(e: EntropyError) -> Self {
        let code = match &e {
            EntropyError::Client(_) => CLIENT_ERROR,
            EntropyError::UndecodableAnswer { .. } => UNDECODABLE_ANSWER,
            EntropyError::NoJustification { .. } => NO_JUSTIFICATION,
            EntropyError::ProofTooLong { .. } => PROOF_TOO_LONG,
            EntropyError::BadJustification { .. } => BAD_JUSTIFICATION,
        };
        ErrorObjectOwned::owned(code, e.to_string(), None::<()>)
    }
}

/// The base of `poe_*` errors of their own (client errors keep 4003,
/// parameters -32602).
const POE_BASE: i32 = 7100;
/// No job has this id (at the block read).
pub const UNKNOWN_JOB: i32 = POE_BASE + 1;
/// This node keeps no run of any executor of the job.
pub const NO_LOCAL_COPY: i32 = POE_BASE + 2;
/// This node's copy does not match what the chain holds for it.
pub const COPY_MISMATCH: i32 = POE_BASE + 3;
/// The chain holds nothing yet to check this node's copy against.
pub const NOTHING_TO_CHECK: i32 = POE_BASE + 4;
/// A stored value (on chain or in off-chain storage) does not decode.
pub const UNDECODABLE_VALUE: i32 = POE_BASE + 5;

/// A `poe_*` error.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PoeError {
    /// Reading the chain or the off-chain storage failed (4003, as `state_*`).
    #[error("Client error: {0}")]
    Client(#[from] ReadError),
    /// A parameter does not parse (-32602).
    #[error("{0}")]
    InvalidParams(String),
    /// No job has this id.
    #[error("unknown job {0}")]
    UnknownJob(u64),
    /// No executor of the job ran on this node.
    #[error("this node keeps no run of an executor of job {0}")]
    NoLocalCopy(u64),
    /// Every copy this node keeps disagrees with the chain; none is served.
    #[error("this node's copy of job {job_id} does not match the chain: {detail}")]
    CopyMismatch {
        /// The job.
        job_id: u64,
        /// What differs.
        detail: String,
    },
    /// The job has no verdict, and no executor whose copy this node keeps
    /// has revealed a receipt or committed yet.
    #[error(
        "the chain holds no verdict, receipt or commitment to check job {0}'s copy against yet"
    )]
    NothingToCheck(u64),
    /// A stored value does not decode as its type.
    #[error("{what} does not decode: {reason}")]
    Undecodable {
        /// Which value.
        what: String,
        /// The decoder's reason.
        reason: String,
    },
}

impl From<PoeError> for ErrorObjectOwned {
    fn from(e: PoeError) -> Self {
        let code = match &e {
            PoeError::Client(_) => CLIENT_ERROR,
            PoeError::InvalidParams(_) => INVALID_PARAMS,
            PoeError::UnknownJob(_) => UNKNOWN_JOB,
            PoeError::NoLocalCopy(_) => NO_LOCAL_COPY,
            PoeError::CopyMismatch { .. } => COPY_MISMATCH,
            PoeError::NothingToCheck(_) => NOTHING_TO_CHECK,
            PoeError::Undecodable { .. } => UNDECODABLE_VALUE,
        };
        ErrorObjectOwned::owned(code, e.to_string(), None::<()>)
    }
}
