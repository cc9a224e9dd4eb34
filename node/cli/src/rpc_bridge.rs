//! The node's parts seen through the RPC crate's narrow traits.

use codec::Decode;
use entroos_client::state::TrieBackend;
use entroos_client::{Client, ClientError};
use entroos_client_api::{BlockPins, HeaderBackend};
use entroos_db::NodeSource;
use entroos_primitives::version::RuntimeVersion;
use entroos_primitives::{BlockNumber, Header, OpaqueExtrinsic, H256};
use entroos_rpc::api::{
    ChainApi, Pairs, PinError, PoolApi, ReadError, StateApi, SubmitError, TxStatus,
};
use entroos_support::state::Backend;
use entroos_txpool::{PoolError, TxPool};
use std::sync::Arc;
use tokio::sync::{broadcast, mpsc};

/// A client error as the RPC layer reports it.
pub fn read_error(e: ClientError) -> ReadError {
    match e {
        ClientError::UnknownBlock(hash) => ReadError::UnknownBlock(hash),
        ClientError::StateDiscarded(hash) => ReadError::StateDiscarded(hash),
        e @ (ClientError::BadCallInput { .. }
        | ClientError::Execution { .. }
        | ClientError::BadCallOutput { .. }) => ReadError::Execution(e.to_string()),
        other => ReadError::Backend(other.to_string()),
    }
}

/// The chain and its state, for RPC.
pub struct ClientRpc(pub Arc<Client>);

impl ClientRpc {
    fn state(&self, at: H256) -> Result<Arc<TrieBackend>, ReadError> {
        self.0.state_at(&at).map_err(read_error)
    }

    /// Runs a trie read over the database's nodes at `at`'s state root; a
    /// database failure met on the way is reported as such, not as the
    /// missing node `trie-db` saw.
    fn with_trie<T>(
        &self,
        at: H256,
        read: impl FnOnce(&NodeSource<'_>, H256) -> Result<T, entroos_rpc::trie::TrieReadError>,
    ) -> Result<T, ReadError> {
        let root = self.state(at)?.root();
        let nodes = self.0.db().state();
        let source = NodeSource::new(&nodes);
        let result = read(&source, root);
        if let Some(failure) = source.failure() {
            return Err(ReadError::Backend(failure.to_string()));
        }
        result.map_err(|e| ReadError::Backend(e.to_string()))
    }
}

impl ChainApi for ClientRpc {
    fn genesis_hash(&self) -> H256 {
        self.0.heads().genesis
    }
    fn best(&self) -> (BlockNumber, H256) {
        self.0.heads().best
    }
    fn finalized(&self) -> (BlockNumber, H256) {
        self.0.heads().finalized
    }
    fn hash_of(&self, number: BlockNumber) -> Result<Option<H256>, ReadError> {
        self.0.hash_of(number).map_err(read_error)
    }
    fn header(&self, hash: H256) -> Result<Option<Header>, ReadError> {
        self.0.header(&hash).map_err(read_error)
    }
    fn body(&self, hash: H256) -> Result<Option<Vec<OpaqueExtrinsic>>, ReadError> {
        self.0.body(&hash).map_err(read_error)
    }
    fn justification(&self, hash: H256) -> Result<Option<Vec<u8>>, ReadError> {
        HeaderBackend::justification(&*self.0, &hash).map_err(read_error)
    }
    fn leaves(&self) -> Result<Vec<H256>, ReadError> {
        self.0.leaves().map_err(read_error)
    }
    fn subscribe_best(&self) -> broadcast::Receiver<Header> {
        self.0.subscribe_best()
    }
    fn subscribe_finalized(&self) -> broadcast::Receiver<Header> {
        self.0.subscribe_finalized()
    }
    fn subscribe_justified(&self) -> broadcast::Receiver<Header> {
        self.0.subscribe_justified()
    }
    fn subscribe_imported(&self) -> broadcast::Receiver<Header> {
        self.0.subscribe_imported()
    }
    fn pin(&self, hash: H256) -> Result<(), PinError> {
        BlockPins::pin(&*self.0, &hash).map_err(|e| match e {
            ClientError::UnknownBlock(hash) => PinError::UnknownBlock(hash),
            ClientError::TooManyPins { limit } => PinError::TooManyPins(limit),
            other => PinError::Backend(other.to_string()),
        })
    }
    fn unpin(&self, hash: H256) -> Result<(), ReadError> {
        BlockPins::unpin(&*self.0, &hash).map_err(read_error)
    }
}

impl StateApi for ClientRpc {
    fn storage(&self, at: H256, key: &[u8]) -> Result<Option<Vec<u8>>, ReadError> {
        Backend::get(&*self.state(at)?, key).map_err(|e| ReadError::Backend(e.to_string()))
    }
    fn keys_paged(
        &self,
        at: H256,
        prefix: &[u8],
        start: Option<&[u8]>,
        count: usize,
    ) -> Result<Vec<Vec<u8>>, ReadError> {
        self.state(at)?
            .try_keys_paged(prefix, start, count)
            .map_err(|e| ReadError::Backend(e.to_string()))
    }
    fn call(&self, at: H256, method: &str, input: &[u8]) -> Result<Vec<u8>, ReadError> {
        self.0.call_at(&at, method, input).map_err(read_error)
    }
    fn runtime_version(&self, at: H256) -> Result<RuntimeVersion, ReadError> {
        let encoded = self.call(at, "Core_version", &[])?;
        RuntimeVersion::decode(&mut &encoded[..]).map_err(|e| ReadError::Execution(e.to_string()))
    }
    fn read_proof(&self, at: H256, keys: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, ReadError> {
        self.with_trie(at, |nodes, root| {
            entroos_rpc::trie::read_proof(nodes, root, keys)
        })
    }
    fn closest_merkle_value(&self, at: H256, key: &[u8]) -> Result<Option<Vec<u8>>, ReadError> {
        self.with_trie(at, |nodes, root| {
            entroos_rpc::trie::closest_merkle_value(nodes, root, key)
        })
    }
    fn pairs_paged(
        &self,
        at: H256,
        prefix: &[u8],
        start: Option<&[u8]>,
        count: usize,
    ) -> Result<Pairs, ReadError> {
        let backend = |e: entroos_support::state::BackendError| ReadError::Backend(e.to_string());
        let state = self.state(at)?;
        let keys = state
            .try_keys_paged(prefix, start, count)
            .map_err(backend)?;
        let mut pairs = Vec::with_capacity(keys.len());
        for key in keys {
            if let Some(value) = Backend::get(&*state, &key).map_err(backend)? {
                pairs.push((key, value));
            }
        }
        Ok(pairs)
    }
}

fn submit_error(e: PoolError) -> SubmitError {
    match e {
        PoolError::BadFormat(reason) => SubmitError::BadFormat(reason),
        PoolError::Verification(reason) => SubmitError::Verification(reason),
        PoolError::Invalid(reason) => SubmitError::Invalid(reason),
        PoolError::Unknown(reason) => SubmitError::Unknown(reason),
        PoolError::TemporarilyBanned => SubmitError::TemporarilyBanned,
        PoolError::AlreadyImported => SubmitError::AlreadyImported,
        PoolError::TooLowPriority(old, new) => SubmitError::TooLowPriority(old, new),
        PoolError::PoolFull => SubmitError::PoolFull,
    }
}

/// The pool, for RPC.
pub struct PoolRpc(pub Arc<TxPool>);

impl PoolApi for PoolRpc {
    fn submit(&self, extrinsic: Vec<u8>) -> Result<H256, SubmitError> {
        self.0.submit(extrinsic).map_err(submit_error)
    }
    fn submit_and_watch(
        &self,
        extrinsic: Vec<u8>,
    ) -> Result<(H256, mpsc::UnboundedReceiver<TxStatus>), SubmitError> {
        let (hash, mut statuses) = self.0.submit_and_watch(extrinsic).map_err(submit_error)?;
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            loop {
                let status = tokio::select! {
                    status = statuses.recv() => status,
                    _ = sender.closed() => None,
                };
                let Some(status) = status else { break };
                if sender.send(status).is_err() {
                    break;
                }
            }
        });
        Ok((hash, receiver))
    }
    fn pending(&self) -> Vec<Vec<u8>> {
        self.0.pending()
    }
    fn remove(&self, hashes: &[H256]) -> Vec<H256> {
        self.0.remove(hashes)
    }
    fn next_nonce(&self, account: [u8; 32]) -> Result<u32, ReadError> {
        self.0.next_nonce(account).map_err(read_error)
    }
}

/// The node's PERSISTENT off-chain storage, the one its off-chain workers
/// use, for `offchain_localStorage*`.
pub struct OffchainRpc(pub entroos_offchain::LocalStorage);

impl entroos_rpc::OffchainStorageApi for OffchainRpc {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ReadError> {
        self.0
            .get(key)
            .map_err(|e| ReadError::Backend(e.to_string()))
    }

    fn set(&self, key: &[u8], value: &[u8]) -> Result<(), ReadError> {
        self.0
            .set(key, value)
            .map_err(|e| ReadError::Backend(e.to_string()))
    }
}
