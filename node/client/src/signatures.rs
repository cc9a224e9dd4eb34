//! How the sr25519 checks deferred while a block executes (see
//! `entroos_primitives::crypto::deferral`) are verified: the block is
//! imported only if [`SignatureVerifier::verify`] says they all hold. The
//! node may verify them on several threads; [`OneBatch`] verifies them as
//! one batch on the importing thread.

use entroos_primitives::crypto::deferral::{self, DeferredCheck};

/// Verifies the checks deferred during one block's execution.
pub trait SignatureVerifier: Send + Sync {
    /// Whether every one of `checks` verifies.
    fn verify(&self, checks: &[DeferredCheck]) -> bool;
}

/// One batch verification on the importing thread.
#[derive(Clone, Copy, Debug, Default)]
pub struct OneBatch;

impl SignatureVerifier for OneBatch {
    fn verify(&self, checks: &[DeferredCheck]) -> bool {
        deferral::verify_all(checks)
    }
}
