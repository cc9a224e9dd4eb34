//! What the RPC layer needs from the node.

use entroos_primitives::crypto::KeyTypeId;
use entroos_primitives::version::RuntimeVersion;
use entroos_primitives::{BlockNumber, Header, OpaqueExtrinsic, H256};
use serde::Serialize;
use tokio::sync::{broadcast, mpsc};

/// A read error, shown to clients as a client error.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ReadError {
    /// The block is not known.
    #[error("UnknownBlock: header not found for {0}")]
    UnknownBlock(H256),
    /// The block's state was pruned.
    #[error("State already discarded for {0}")]
    StateDiscarded(H256),
    /// The runtime refused the call.
    #[error("Execution failed: {0}")]
    Execution(String),
    /// The database failed.
    #[error("Backend error: {0}")]
    Backend(String),
}

/// Why a block could not be pinned.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PinError {
    /// The block is not known (any more).
    #[error("unknown block {0}")]
    UnknownBlock(H256),
    /// As many blocks as the node keeps pinned are pinned already.
    #[error("the node keeps at most {0} pinned blocks")]
    TooManyPins(usize),
    /// The database failed.
    #[error("Backend error: {0}")]
    Backend(String),
}

/// Reads the chain.
pub trait ChainApi: Send + Sync + 'static {
    /// The genesis hash.
    fn genesis_hash(&self) -> H256;
    /// The best block.
    fn best(&self) -> (BlockNumber, H256);
    /// The last finalized block.
    fn finalized(&self) -> (BlockNumber, H256);
    /// The canonical hash of block `number`.
    fn hash_of(&self, number: BlockNumber) -> Result<Option<H256>, ReadError>;
    /// A header.
    fn header(&self, hash: H256) -> Result<Option<Header>, ReadError>;
    /// A block's extrinsics.
    fn body(&self, hash: H256) -> Result<Option<Vec<OpaqueExtrinsic>>, ReadError>;
    /// A block's encoded justification.
    fn justification(&self, hash: H256) -> Result<Option<Vec<u8>>, ReadError>;
    /// The blocks without children: the tips of every kept branch.
    fn leaves(&self) -> Result<Vec<H256>, ReadError>;
    /// New best blocks.
    fn subscribe_best(&self) -> broadcast::Receiver<Header>;
    /// Newly finalized blocks.
    fn subscribe_finalized(&self) -> broadcast::Receiver<Header>;
    /// Finalized blocks whose justification was just stored (when or after
    /// they were finalized).
    fn subscribe_justified(&self) -> broadcast::Receiver<Header>;
    /// Every imported block.
    fn subscribe_imported(&self) -> broadcast::Receiver<Header>;
    /// Keeps block `hash` whole — header, body and state — whatever
    /// finality and state pruning do, until as many [`ChainApi::unpin`]s.
    fn pin(&self, hash: H256) -> Result<(), PinError>;
    /// Releases one pin of `hash`; its last pin going lets the node discard
    /// what it held back.
    fn unpin(&self, hash: H256) -> Result<(), ReadError>;
}

/// Storage entries: keys and their values.
pub type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

/// Reads state and calls the runtime at a block.
pub trait StateApi: Send + Sync + 'static {
    /// The value at `key`.
    fn storage(&self, at: H256, key: &[u8]) -> Result<Option<Vec<u8>>, ReadError>;
    /// Keys with `prefix` after `start`, at most `count`, in order.
    fn keys_paged(
        &self,
        at: H256,
        prefix: &[u8],
        start: Option<&[u8]>,
        count: usize,
    ) -> Result<Vec<Vec<u8>>, ReadError>;
    /// Calls a runtime API.
    fn call(&self, at: H256, method: &str, input: &[u8]) -> Result<Vec<u8>, ReadError>;
    /// The runtime version at a block.
    fn runtime_version(&self, at: H256) -> Result<RuntimeVersion, ReadError>;
    /// The trie nodes that prove the values (or absence) of `keys` against
    /// the block's state root, each once, in no particular order.
    fn read_proof(&self, at: H256, keys: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, ReadError>;
    /// The Merkle value (the node itself if inline, else its hash) of the
    /// trie node at `key`, or of its closest descendant; `None` if the trie
    /// has nothing at or under `key`.
    fn closest_merkle_value(&self, at: H256, key: &[u8]) -> Result<Option<Vec<u8>>, ReadError>;
    /// Keys with `prefix` after `start` and their values, at most `count`,
    /// in key order.
    fn pairs_paged(
        &self,
        at: H256,
        prefix: &[u8],
        start: Option<&[u8]>,
        count: usize,
    ) -> Result<Pairs, ReadError> {
        let keys = self.keys_paged(at, prefix, start, count)?;
        let mut pairs = Vec::with_capacity(keys.len());
        for key in keys {
            if let Some(value) = self.storage(at, &key)? {
                pairs.push((key, value));
            }
        }
        Ok(pairs)
    }
}

pub use entroos_client_api::TxStatus;

/// Why the pool refused a transaction.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SubmitError {
    /// It does not decode.
    #[error("Extrinsic has invalid format: {0}")]
    BadFormat(String),
    /// The runtime could not validate it.
    #[error("Verification Error: {0}")]
    Verification(String),
    /// It is invalid (the text is Substrate's reason).
    #[error("Invalid Transaction")]
    Invalid(String),
    /// Its validity cannot be decided.
    #[error("Unknown Transaction Validity")]
    Unknown(String),
    /// Recently found invalid.
    #[error("Transaction is temporarily banned")]
    TemporarilyBanned,
    /// Already in the pool.
    #[error("Transaction Already Imported")]
    AlreadyImported,
    /// Replaces a transaction of higher priority, or the pool is full.
    #[error("Priority is too low: ({0} vs {1})")]
    TooLowPriority(u64, u64),
    /// The pool is full.
    #[error("Transaction pool is full")]
    PoolFull,
}

/// The transaction pool.
pub trait PoolApi: Send + Sync + 'static {
    /// Submits; returns the hash.
    fn submit(&self, extrinsic: Vec<u8>) -> Result<H256, SubmitError>;
    /// Submits and returns its status stream.
    fn submit_and_watch(
        &self,
        extrinsic: Vec<u8>,
    ) -> Result<(H256, mpsc::UnboundedReceiver<TxStatus>), SubmitError>;
    /// The transactions in the pool.
    fn pending(&self) -> Vec<Vec<u8>>;
    /// Removes transactions by hash; returns those removed.
    fn remove(&self, hashes: &[H256]) -> Vec<H256>;
    /// The account's next nonce, counting its ready transactions.
    fn next_nonce(&self, account: [u8; 32]) -> Result<u32, ReadError>;
}

/// Network status.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// Connected peers.
    pub peers: usize,
    /// Whether the node is syncing.
    pub is_syncing: bool,
    /// Whether it should have peers.
    pub should_have_peers: bool,
}

/// A connected peer, as `system_peers` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerSummary {
    /// Its peer id (base58).
    pub peer_id: String,
    /// `AUTHORITY`, `FULL` or `LIGHT`.
    pub roles: String,
    /// Its best block hash.
    pub best_hash: H256,
    /// Its best block number.
    pub best_number: BlockNumber,
}

/// Where sync stands, as `system_syncState` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    /// The best block when the node started.
    pub starting_block: BlockNumber,
    /// The best block.
    pub current_block: BlockNumber,
    /// The best block the network is believed to have.
    pub highest_block: BlockNumber,
}

/// Why a reserved peer could not be added or removed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ReservedPeerError {
    /// The address or peer id does not parse.
    #[error("{0}")]
    Malformed(String),
    /// The node has no network, or it refused the change.
    #[error("{0}")]
    Unavailable(String),
}

/// The node's view of the network.
pub trait NetworkApi: Send + Sync + 'static {
    /// Peers and sync state.
    fn health(&self) -> Health;
    /// The local peer id.
    fn local_peer_id(&self) -> String;
    /// The addresses the node listens on.
    fn listen_addresses(&self) -> Vec<String>;
    /// The connected peers (none without a network).
    fn peers(&self) -> Vec<PeerSummary> {
        Vec::new()
    }
    /// Where sync stands; `None` without a network (the chain's best is then reported).
    fn sync_progress(&self) -> Option<SyncProgress> {
        None
    }
    /// Adds a reserved peer from its address (`…/p2p/<peer id>`).
    fn add_reserved_peer(&self, addr: &str) -> Result<(), ReservedPeerError> {
        Err(ReservedPeerError::Unavailable(format!(
            "no network to add {addr} to"
        )))
    }
    /// Removes a reserved peer by its peer id.
    fn remove_reserved_peer(&self, peer_id: &str) -> Result<(), ReservedPeerError> {
        Err(ReservedPeerError::Unavailable(format!(
            "no network to remove {peer_id} from"
        )))
    }
}

/// Why the keystore could not do what was asked.
#[derive(Debug, Clone, thiserror::Error)]
pub enum KeystoreApiError {
    /// The key was refused: its secret URI derives no key, or not the
    /// public key given with it.
    #[error("{0}")]
    Rejected(String),
    /// The keystore could not be read or written.
    #[error("{0}")]
    Unavailable(String),
    /// The runtime could not make the session keys.
    #[error("Client error: {0}")]
    Client(#[from] ReadError),
}

/// The node's keystore (the `author_*` key methods, all unsafe).
pub trait KeystoreApi: Send + Sync + 'static {
    /// Stores `suri` as the key of `key_type` under `public`, which the
    /// URI must derive.
    fn insert_key(
        &self,
        key_type: KeyTypeId,
        suri: &str,
        public: &[u8],
    ) -> Result<(), KeystoreApiError>;
    /// Makes new session keys with the runtime at block `at` and returns
    /// their encoding (the runtime's `SessionKeys_generate_session_keys`).
    fn rotate_keys(&self, at: H256) -> Result<Vec<u8>, KeystoreApiError>;
    /// Whether the keystore holds the key of `key_type` under `public`.
    fn has_key(&self, public: &[u8], key_type: KeyTypeId) -> Result<bool, KeystoreApiError>;
}

/// Static facts about the node and its chain.
#[derive(Clone, Debug)]
pub struct SystemInfo {
    /// The node implementation's name.
    pub impl_name: String,
    /// Its version.
    pub impl_version: String,
    /// The chain's name.
    pub chain_name: String,
    /// `Development`, `Local`, `Live` or `{"Custom": …}`.
    pub chain_type: serde_json::Value,
    /// Token symbol, decimals and SS58 format.
    pub properties: serde_json::Value,
    /// The node's roles (`Authority` or `Full`).
    pub roles: Vec<String>,
}

/// The node's PERSISTENT off-chain storage: what its off-chain workers keep
/// between blocks (`offchain_localStorageGet`/`offchain_localStorageSet`,
/// unsafe; the `poe_*` methods read executors' runs from it).
pub trait OffchainStorageApi: Send + Sync + 'static {
    /// The value at `key`.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ReadError>;
    /// Writes `value` at `key`.
    fn set(&self, key: &[u8], value: &[u8]) -> Result<(), ReadError>;
}
