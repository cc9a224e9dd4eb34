//! The new API's JSON-RPC errors, with the spec's codes.

use crate::error::INVALID_PARAMS;
use jsonrpsee::types::{ErrorCode, ErrorObjectOwned};

/// A third `chainHead_v1_follow` (or more) on one connection.
pub const TOO_MANY_FOLLOWS: i32 = -32800;
/// A block hash the follow subscription has not reported or has unpinned.
pub const INVALID_BLOCK: i32 = -32801;
/// `chainHead_v1_call` on a subscription that follows without the runtime.
pub const NO_RUNTIME: i32 = -32802;
/// `chainHead_v1_continue` for an operation not waiting for it.
pub const INVALID_CONTINUE: i32 = -32803;
/// `chainHead_v1_unpin` given the same hash twice.
pub const DUPLICATE_HASHES: i32 = -32804;

/// Why a call of the new API was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// The connection already has the most follow subscriptions allowed.
    #[error("Maximum number of chainHead_follow has been reached")]
    TooManyFollows,
    /// The block was not reported by the subscription, or was unpinned.
    #[error("Invalid block hash")]
    InvalidBlock,
    /// The subscription was started with `withRuntime: false`.
    #[error("Invalid runtime call: the subscription follows without the runtime")]
    NoRuntime,
    /// The operation has not asked to continue.
    #[error("Wait for continue event was not generated for the subscription")]
    InvalidContinue,
    /// The same hash is listed more than once.
    #[error("Received duplicate hashes for the `chainHead_unpin` method")]
    DuplicateHashes,
    /// No active operation (or subscription) has this id.
    #[error("Invalid operation id")]
    InvalidOperationId,
    /// No active subscription has this id.
    #[error("Invalid subscription id")]
    InvalidSubscriptionId,
    /// The node could not read what the call needs.
    #[error("Internal error: {0}")]
    Internal(String),
}

impl From<SpecError> for ErrorObjectOwned {
    fn from(e: SpecError) -> Self {
        let code = match e {
            SpecError::TooManyFollows => TOO_MANY_FOLLOWS,
            SpecError::InvalidBlock => INVALID_BLOCK,
            SpecError::NoRuntime => NO_RUNTIME,
            SpecError::InvalidContinue => INVALID_CONTINUE,
            SpecError::DuplicateHashes => DUPLICATE_HASHES,
            SpecError::InvalidOperationId | SpecError::InvalidSubscriptionId => INVALID_PARAMS,
            SpecError::Internal(_) => ErrorCode::InternalError.code(),
        };
        ErrorObjectOwned::owned(code, e.to_string(), None::<()>)
    }
}
