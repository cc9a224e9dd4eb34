//! What off-chain workers share: a submission remembered in the node's
//! local storage, so that a worker running after every block submits a
//! signed message once and again only if it has not been included a few
//! blocks later.
//!
//! The record is the SCALE block number of the last submission under a key
//! the caller names (its domain, e.g. `entropy/heartbeat/ ‖ epoch ‖ index`).
//! A record that does not decode, or that names a later block than the
//! current one (the node followed another branch), counts as no record.

use crate::hooks::OffchainContext;
use codec::{Decode, Encode};
use entroos_primitives::BlockNumber;

/// A message a worker signs and submits at most once per `resubmit_after`
/// blocks.
pub struct SignedSubmission<'a> {
    /// The keystore key type and public key that sign.
    pub key: ([u8; 4], [u8; 32]),
    /// What is signed.
    pub payload: &'a [u8],
    /// The local-storage key remembering the last submission.
    pub record_key: &'a [u8],
    /// The block the worker runs for.
    pub now: BlockNumber,
    /// Blocks to wait for inclusion before submitting again.
    pub resubmit_after: BlockNumber,
}

/// Whether a submission made at `last` still waits for inclusion at `now`.
pub fn still_pending(last: BlockNumber, now: BlockNumber, resubmit_after: BlockNumber) -> bool {
    last <= now && now < last.saturating_add(resubmit_after)
}

/// Signs `submission.payload` and submits the extrinsic `extrinsic` makes
/// of the signature, unless the last submission is still pending; records
/// the block when the pool takes it. Whether it was submitted.
pub fn sign_and_submit(
    ctx: &mut dyn OffchainContext,
    submission: &SignedSubmission,
    extrinsic: impl FnOnce([u8; 64]) -> Vec<u8>,
) -> bool {
    let last = ctx
        .local_storage_get(submission.record_key)
        .and_then(|raw| BlockNumber::decode(&mut &raw[..]).ok());
    if last.is_some_and(|last| still_pending(last, submission.now, submission.resubmit_after)) {
        return false;
    }
    let (key_type, public) = submission.key;
    let Ok(signature) = ctx.sr25519_sign(key_type, &public, submission.payload) else {
        return false;
    };
    if ctx.submit_transaction(extrinsic(signature)).is_err() {
        return false;
    }
    ctx.local_storage_set(submission.record_key, &submission.now.encode());
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_submission_waits_the_given_blocks_before_the_next() {
        assert!(still_pending(10, 10, 5));
        assert!(still_pending(10, 14, 5));
        assert!(!still_pending(10, 15, 5));
        assert!(
            !still_pending(10, 9, 5),
            "a record from a later block is stale"
        );
        assert!(!still_pending(BlockNumber::MAX, 3, 5));
    }
}

/// An in-memory node side for off-chain workers under test, as
/// `sp_core::offchain::testing` is for Substrate's: keystore keys by type,
/// the persistent local storage, the extrinsics submitted, the pool's next
/// indices, and submissions to refuse.
pub mod testing {
    use crate::hooks::{OffchainContext, OffchainError};
    use codec::Decode;
    use entroos_primitives::crypto::sr25519::Pair;
    use entroos_primitives::UncheckedExtrinsic;
    use std::collections::{BTreeMap, BTreeSet};

    /// The node's side; see the module docs.
    #[derive(Clone, Default)]
    pub struct TestOffchain {
        /// The keystore: sr25519 pairs by key type.
        pub keys: Vec<([u8; 4], Pair)>,
        /// The persistent local storage.
        pub storage: BTreeMap<Vec<u8>, Vec<u8>>,
        /// The extrinsics the pool took, in order.
        pub submitted: Vec<Vec<u8>>,
        /// What `account_next_index` answers (nothing: the chain's nonce).
        pub next_index: BTreeMap<[u8; 32], u32>,
        /// The submissions to refuse, by their position among all offered.
        pub refuse: BTreeSet<usize>,
        offered: usize,
    }

    impl TestOffchain {
        /// A node holding `pairs` under `key_type`.
        pub fn with_keys(key_type: [u8; 4], pairs: impl IntoIterator<Item = Pair>) -> Self {
            TestOffchain {
                keys: pairs.into_iter().map(|pair| (key_type, pair)).collect(),
                ..TestOffchain::default()
            }
        }

        /// Adds `pair` under `key_type`.
        pub fn add_key(&mut self, key_type: [u8; 4], pair: Pair) {
            self.keys.push((key_type, pair));
        }

        /// The extrinsics submitted since the last take.
        pub fn take_submitted(&mut self) -> Vec<Vec<u8>> {
            std::mem::take(&mut self.submitted)
        }

        /// The calls submitted since the last take, each an unsigned
        /// extrinsic of the pallet at `pallet_index` with a call `C`.
        ///
        /// # Panics
        ///
        /// If one is signed, of another pallet, or does not decode (a test
        /// failure).
        #[allow(
            clippy::panic,
            reason = "a test double: a bad submission fails the test"
        )]
        pub fn take_unsigned_calls<C: Decode>(&mut self, pallet_index: u8) -> Vec<C> {
            self.take_submitted()
                .into_iter()
                .map(|xt| {
                    let xt = UncheckedExtrinsic::<(u8, C)>::decode(&mut &xt[..])
                        .unwrap_or_else(|e| panic!("a submitted extrinsic does not decode: {e}"));
                    assert!(xt.signature.is_none(), "unsigned");
                    assert_eq!(xt.function.0, pallet_index, "the pallet's index");
                    xt.function.1
                })
                .collect()
        }
    }

    impl OffchainContext for TestOffchain {
        fn submit_transaction(&mut self, extrinsic: Vec<u8>) -> Result<(), OffchainError> {
            let position = self.offered;
            self.offered = self.offered.saturating_add(1);
            if self.refuse.contains(&position) {
                return Err(OffchainError::Rejected("refused by the test".into()));
            }
            self.submitted.push(extrinsic);
            Ok(())
        }
        fn account_next_index(&self, account: &[u8; 32]) -> Option<u32> {
            self.next_index.get(account).copied()
        }
        fn local_storage_get(&self, key: &[u8]) -> Option<Vec<u8>> {
            self.storage.get(key).cloned()
        }
        fn local_storage_set(&mut self, key: &[u8], value: &[u8]) {
            self.storage.insert(key.to_vec(), value.to_vec());
        }
        fn sr25519_public_keys(&self, key_type: [u8; 4]) -> Vec<[u8; 32]> {
            self.keys
                .iter()
                .filter(|(kind, _)| *kind == key_type)
                .map(|(_, pair)| pair.public())
                .collect()
        }
        fn sr25519_sign(
            &self,
            key_type: [u8; 4],
            public: &[u8; 32],
            message: &[u8],
        ) -> Result<[u8; 64], OffchainError> {
            self.keys
                .iter()
                .find(|(kind, pair)| *kind == key_type && pair.public() == *public)
                .map(|(_, pair)| pair.sign(message))
                .ok_or(OffchainError::MissingKey)
        }
    }
}
