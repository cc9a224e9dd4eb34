//! Substrate's JSON-RPC error codes.

use crate::api::{ReadError, SubmitError};
use jsonrpsee::types::ErrorObjectOwned;

/// Invalid parameters.
pub const INVALID_PARAMS: i32 = -32602;
/// A client (chain or state) error: Substrate's state error base + 3.
pub const CLIENT_ERROR: i32 = 4003;
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
}
/// An unsafe method called on a `--rpc-methods safe` node.
pub const UNSAFE_CALL: i32 = -32601;

/// An invalid-parameters error.
pub fn invalid_params(message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(INVALID_PARAMS, message.into(), None::<()>)
}

impl From<ReadError> for ErrorObjectOwned {
    fn from(e: ReadError) -> Self {
        ErrorObjectOwned::owned(CLIENT_ERROR, format!("Client error: {e}"), None::<()>)
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

/// An internal error (a task that failed).
pub fn internal(message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(-32603, message.into(), None::<()>)
}

/// The error of an unsafe method on a safe node.
pub fn unsafe_call() -> ErrorObjectOwned {
    ErrorObjectOwned::owned(
        UNSAFE_CALL,
        "RPC call is unsafe to be called externally",
        None::<()>,
    )
}
