//! What the pool tells watchers and submitters.

use crate::graph::GraphError;
use entroos_primitives::H256;

/// A watched transaction's status, in the order Substrate reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxStatus {
    /// Waiting for an earlier nonce.
    Future,
    /// Ready for a block.
    Ready,
    /// Gossiped to peers.
    Broadcast(Vec<String>),
    /// Included in a block.
    InBlock(H256),
    /// Its block left the best chain.
    Retracted(H256),
    /// Finality timed out.
    FinalityTimeout(H256),
    /// Its block was finalized.
    Finalized(H256),
    /// Replaced by another transaction.
    Usurped(H256),
    /// Dropped by the pool.
    Dropped,
    /// Found invalid.
    Invalid,
}

impl TxStatus {
    /// Whether no status follows this one.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            TxStatus::Finalized(_)
                | TxStatus::Usurped(_)
                | TxStatus::Dropped
                | TxStatus::Invalid
                | TxStatus::FinalityTimeout(_)
        )
    }
}

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
