//! The sync machine's errors: only the local chain can fail it.

use entroos_client_api::ClientError;

/// Reading the local chain failed; the node should stop syncing.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The chain database failed.
    #[error("reading the local chain: {0}")]
    Chain(#[from] ClientError),
}
