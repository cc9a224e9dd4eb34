//! The node's side of [`OffchainContext`]: local storage, keystore, pool.
//!
//! The runtime's worker sees only the context's answers: a service that
//! fails (an unreadable keystore, a database error) is logged here and
//! reads as nothing, so a worker never aborts on a node fault.

use crate::LocalStorage;
use entroos_keystore::Keystore;
use entroos_primitives::crypto::KeyTypeId;
use entroos_support::hooks::{OffchainContext, OffchainError};
use entroos_txpool::TxPool;
use std::sync::Arc;

/// What an off-chain worker may use of the node.
#[derive(Clone)]
pub struct NodeContext {
    pool: Arc<TxPool>,
    keystore: Arc<Keystore>,
    storage: LocalStorage,
}

impl NodeContext {
    /// A context over the node's pool, keystore and local storage.
    pub fn new(pool: Arc<TxPool>, keystore: Arc<Keystore>, storage: LocalStorage) -> Self {
        NodeContext {
            pool,
            keystore,
            storage,
        }
    }

    /// The keystore workers sign with.
    pub fn keystore(&self) -> &Arc<Keystore> {
        &self.keystore
    }
}

impl OffchainContext for NodeContext {
    fn submit_transaction(&mut self, extrinsic: Vec<u8>) -> Result<(), OffchainError> {
        match self.pool.submit(extrinsic) {
            Ok(hash) => {
                tracing::debug!(target: "offchain", "submitted transaction {hash}");
                Ok(())
            }
            Err(e) => Err(OffchainError::Rejected(e.to_string())),
        }
    }

    fn account_next_index(&self, account: &[u8; 32]) -> Option<u32> {
        self.pool
            .next_nonce(*account)
            .inspect_err(|e| tracing::warn!(target: "offchain", "next nonce unknown: {e}"))
            .ok()
    }

    fn local_storage_get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.storage
            .get(key)
            .inspect_err(|e| tracing::error!(target: "offchain", "{e}"))
            .ok()
            .flatten()
    }

    fn local_storage_set(&mut self, key: &[u8], value: &[u8]) {
        if let Err(e) = self.storage.set(key, value) {
            tracing::error!(target: "offchain", "{e}");
        }
    }

    fn sr25519_public_keys(&self, key_type: [u8; 4]) -> Vec<[u8; 32]> {
        self.keystore
            .public_keys(KeyTypeId(key_type))
            .inspect_err(|e| tracing::error!(target: "offchain", "{e}"))
            .unwrap_or_default()
    }

    fn sr25519_sign(
        &self,
        key_type: [u8; 4],
        public: &[u8; 32],
        message: &[u8],
    ) -> Result<[u8; 64], OffchainError> {
        match self.keystore.sr25519_pair(KeyTypeId(key_type), public) {
            Ok(Some(pair)) => Ok(pair.sign(message)),
            Ok(None) => Err(OffchainError::MissingKey),
            Err(e) => {
                tracing::error!(target: "offchain", "{e}");
                Err(OffchainError::MissingKey)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_client::testing::dev_client;
    use entroos_db::Pruning;
    use entroos_primitives::crypto::sr25519;
    use entroos_txpool::graph::Limits;

    fn context(keystore: &std::path::Path) -> NodeContext {
        let (client, _clock) = dev_client(Pruning::Archive).unwrap();
        let pool = Arc::new(TxPool::new(client.clone(), Limits::default()));
        let storage = LocalStorage::new(client.db().clone());
        NodeContext::new(pool, Arc::new(Keystore::open(keystore)), storage)
    }

    #[test]
    fn keys_sign_storage_persists_and_bad_transactions_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut ctx = context(dir.path());
        let pair = sr25519::Pair::from_uri("//Executor").unwrap();
        assert!(ctx.sr25519_public_keys(*b"exec").is_empty());
        assert_eq!(
            ctx.sr25519_sign(*b"exec", &pair.public(), b"m"),
            Err(OffchainError::MissingKey)
        );
        ctx.keystore()
            .insert(KeyTypeId(*b"exec"), "//Executor", &pair.public())
            .unwrap();
        assert_eq!(ctx.sr25519_public_keys(*b"exec"), vec![pair.public()]);
        assert!(ctx.sr25519_public_keys(*b"babe").is_empty());
        let signature = ctx.sr25519_sign(*b"exec", &pair.public(), b"m").unwrap();
        assert!(sr25519::verify(&signature, b"m", &pair.public()));

        ctx.local_storage_set(b"key", b"value");
        assert_eq!(ctx.local_storage_get(b"key"), Some(b"value".to_vec()));
        assert_eq!(ctx.local_storage_get(b"absent"), None);

        assert_eq!(ctx.account_next_index(&pair.public()), Some(0));
        let refused = ctx.submit_transaction(vec![1, 2, 3]);
        assert!(
            matches!(refused, Err(OffchainError::Rejected(_))),
            "{refused:?}"
        );
    }
}
