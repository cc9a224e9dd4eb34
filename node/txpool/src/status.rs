//! What the pool tells watchers and submitters.

use crate::graph::GraphError;

pub use entroos_client_api::TxStatus;

/// Why the pool refused a transaction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// It does not decode.
    #[error("extrinsic has invalid format: {0}")]
    BadFormat(String),
    /// The runtime could not validate it.
    #[error("verification error: {0}")]
    Verification(String),
    /// It is invalid (the text is Substrate's reason).
    #[error("invalid transaction: {0}")]
    Invalid(String),
    /// Its validity cannot be decided.
    #[error("unknown transaction validity: {0}")]
    Unknown(String),
    /// Recently found invalid.
    #[error("transaction is temporarily banned")]
    TemporarilyBanned,
    /// Already in the pool.
    #[error("transaction already imported")]
    AlreadyImported,
    /// Replaces a transaction of higher or equal priority.
    #[error("priority is too low: ({0} vs {1})")]
    TooLowPriority(u64, u64),
    /// The pool is full.
    #[error("transaction pool is full")]
    PoolFull,
}

impl From<GraphError> for PoolError {
    fn from(e: GraphError) -> Self {
        match e {
            GraphError::AlreadyImported => PoolError::AlreadyImported,
            GraphError::TooLowPriority { old, new } => PoolError::TooLowPriority(old, new),
            GraphError::Full => PoolError::PoolFull,
        }
    }
}
