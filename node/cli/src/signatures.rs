//! Verifying a block's deferred sr25519 checks on every core: the checks
//! are split into one batch per available core (at least
//! [`MIN_PER_THREAD`] each), the first verified on the importing thread
//! and the others on scoped threads; the block holds only if every batch
//! does.

use entroos_client::SignatureVerifier;
use entroos_primitives::crypto::deferral::{self, DeferredCheck};
use std::num::NonZeroUsize;

/// Checks below which another thread is not worth starting.
pub const MIN_PER_THREAD: usize = 64;

/// Batches on as many threads as the machine has cores.
#[derive(Clone, Copy, Debug)]
pub struct ParallelBatches {
    threads: usize,
}

impl ParallelBatches {
    /// One batch per available core.
    pub fn per_core() -> Self {
        let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        ParallelBatches { threads }
    }

    /// At most `threads` batches at once.
    pub fn new(threads: usize) -> Self {
        ParallelBatches {
            threads: threads.max(1),
        }
    }
}

impl SignatureVerifier for ParallelBatches {
    fn verify(&self, checks: &[DeferredCheck]) -> bool {
        let threads = self.threads.min(checks.len() / MIN_PER_THREAD).max(1);
        if threads == 1 {
            return deferral::verify_all(checks);
        }
        let per_thread = checks.len().div_ceil(threads);
        let mut batches = checks.chunks(per_thread);
        let first = batches.next().unwrap_or_default();
        std::thread::scope(|scope| {
            let others: Vec<_> = batches
                .map(|batch| scope.spawn(move || deferral::verify_all(batch)))
                .collect();
            let here = deferral::verify_all(first);
            others
                .into_iter()
                .all(|other| other.join().unwrap_or(false))
                && here
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_primitives::crypto::sr25519::Pair;

    fn checks(count: usize, forged_at: Option<usize>) -> Vec<DeferredCheck> {
        let alice = Pair::from_uri("//Alice").unwrap();
        (0..count)
            .map(|i| {
                let message = (i as u32).to_le_bytes().to_vec();
                let mut signature = alice.sign(&message);
                if Some(i) == forged_at {
                    signature[3] ^= 1;
                }
                DeferredCheck {
                    message,
                    signature,
                    public: alice.public(),
                }
            })
            .collect()
    }

    #[test]
    fn every_batch_must_hold_wherever_the_bad_check_falls() {
        let verifier = ParallelBatches::new(3);
        assert!(verifier.verify(&checks(200, None)));
        assert!(verifier.verify(&[]));
        for forged in [0, 70, 199] {
            assert!(!verifier.verify(&checks(200, Some(forged))), "{forged}");
        }
        assert!(!ParallelBatches::new(1).verify(&checks(10, Some(9))));
    }
}
