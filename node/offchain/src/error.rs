//! The crate's errors.

use entroos_client_api::ClientError;
use entroos_db::DbError;
use entroos_keystore::KeystoreError;

/// Why an off-chain worker, or a service it uses, failed.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// The database holding the local storage failed.
    #[error("off-chain local storage: {0}")]
    Storage(#[from] DbError),
    /// The keystore could not be read.
    #[error("keystore: {0}")]
    Keystore(#[from] KeystoreError),
    /// The block's state or the runtime call failed.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The runner panicked; the message is the panic's.
    #[error("panicked: {0}")]
    Panicked(String),
}
