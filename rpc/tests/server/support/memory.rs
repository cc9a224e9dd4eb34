//! An in-memory node behind the RPC traits: a tree of blocks, each with its
//! storage (in a real trie, whose root is the header's state root) and
//! runtime version, head notifications, finality that discards other
//! branches, state pruning and pins as the node's database keeps them
//! ([`pruning`]), a pool that follows a script, and a keystore of public keys
//! whose session keys are 32-byte keys of type [`MEMORY_KEY_TYPE`], a map
//! for the PERSISTENT off-chain storage, stored
//! justifications, a published finality round, and `EntropyApi` answers
//! read from each block's state under the method's name. It
//! records every trait call
//! (what, and on which thread) and every byte string it receives, so tests
//! can check where node work ran and which bytes reached the node.

use entroos_primitives::crypto::KeyTypeId;
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::version::{api_id, RuntimeVersion};
use entroos_primitives::{BlockNumber, Digest, Header, OpaqueExtrinsic, H256};
use entroos_rpc::api::{Health, KeystoreApiError, PinError, ReadError, ReservedPeerError};
use entroos_rpc::{
    ChainApi, FinalityStatusApi, KeystoreApi, NetworkApi, OffchainStorageApi, PoolApi, RoundState,
    StateApi, SubmitError, TxStatus,
};
use entroos_support::trie::{Blake2Hasher, Layout};
use memory_db::{HashKey, MemoryDB};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread::ThreadId;
use tokio::sync::{broadcast, mpsc};
use trie_db::{TrieDBMutBuilder, TrieMut};

mod pruning;

type Storage = BTreeMap<Vec<u8>, Vec<u8>>;

/// Trie nodes in memory.
pub type Nodes = MemoryDB<Blake2Hasher, HashKey<Blake2Hasher>, Vec<u8>>;

/// The trie of `storage`: its nodes and root.
pub fn trie(storage: &BTreeMap<Vec<u8>, Vec<u8>>) -> (Nodes, H256) {
    let mut nodes = Nodes::default();
    let mut root = [0u8; 32];
    {
        let mut trie = TrieDBMutBuilder::<Layout>::new(&mut nodes, &mut root).build();
        for (key, value) in storage {
            trie.insert(key, value)
                .expect("an in-memory trie takes every insert");
        }
    }
    (nodes, H256(root))
}

/// What the pool does with the next submissions.
#[derive(Clone, Debug)]
pub enum PoolScript {
    /// Accepts, sending these statuses at once; the watcher stays open.
    Accept(Vec<TxStatus>),
    /// Refuses with this error.
    Refuse(SubmitError),
}

struct Block {
    header: Header,
    body: Vec<OpaqueExtrinsic>,
    /// `None` once state pruning discarded it.
    storage: Option<Storage>,
    version: RuntimeVersion,
}

struct Chain {
    blocks: HashMap<H256, Block>,
    genesis: H256,
    best: H256,
    finalized: H256,
    pruning: pruning::Pruning,
}

/// What the node was asked.
#[derive(Default)]
pub struct Log {
    /// Each trait call, and the thread it ran on.
    pub calls: Vec<(&'static str, ThreadId)>,
    /// Every byte string received: keys, prefixes, call inputs, extrinsics.
    pub bytes: Vec<Vec<u8>>,
    /// Every runtime call, by method name.
    pub runtime_calls: Vec<(String, Vec<u8>)>,
    /// The hashes `remove` was given.
    pub removed: Vec<H256>,
}

/// The in-memory node.
pub struct Memory {
    chain: Mutex<Chain>,
    log: Mutex<Log>,
    best: broadcast::Sender<Header>,
    finalized: broadcast::Sender<Header>,
    imported: broadcast::Sender<Header>,
    script: Mutex<PoolScript>,
    watchers: Mutex<Vec<mpsc::UnboundedSender<TxStatus>>>,
    gate: (Mutex<bool>, Condvar),
    keys: Mutex<BTreeSet<(KeyTypeId, Vec<u8>)>>,
    offchain: Mutex<BTreeMap<Vec<u8>, Vec<u8>>>,
    justifications: Mutex<HashMap<H256, Vec<u8>>>,
    round: Mutex<Option<RoundState>>,
}

/// The key type of the in-memory node's session keys.
pub const MEMORY_KEY_TYPE: KeyTypeId = KeyTypeId(*b"memo");

/// The secret URI the in-memory keystore refuses.
pub const REFUSED_SURI: &str = "//Refused";

/// Key iterations wait while this lives.
pub struct Hold<'a>(&'a Memory);

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        *lock(&self.0.gate.0) = false;
        self.0.gate.1.notify_all();
    }
}

/// The first key of the genesis state, and its value.
pub const GENESIS_KEY: &[u8] = b":code";

/// Locks, recovering the data if a test thread panicked holding it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn version(spec_version: u32) -> RuntimeVersion {
    RuntimeVersion {
        spec_name: "memory".into(),
        impl_name: "memory".into(),
        authoring_version: 1,
        spec_version,
        impl_version: 1,
        apis: vec![(api_id("Core"), 5)],
        transaction_version: 1,
        system_version: 1,
    }
}

impl Memory {
    /// A chain of one block, holding [`GENESIS_KEY`].
    pub fn new() -> Memory {
        Memory::with_capacity(1024)
    }

    /// [`Memory::new`] whose head notification channels hold `capacity`
    /// headers (a subscriber further behind misses some).
    pub fn with_capacity(capacity: usize) -> Memory {
        let storage = Storage::from([(GENESIS_KEY.to_vec(), b"wasm".to_vec())]);
        let header = header(H256([0; 32]), 0, &storage, 0);
        let genesis = header.hash();
        let block = Block {
            header,
            body: Vec::new(),
            storage: Some(storage),
            version: version(1),
        };
        Memory {
            chain: Mutex::new(Chain {
                blocks: HashMap::from([(genesis, block)]),
                genesis,
                best: genesis,
                finalized: genesis,
                pruning: pruning::Pruning::default(),
            }),
            log: Mutex::new(Log::default()),
            best: broadcast::channel(capacity).0,
            finalized: broadcast::channel(capacity).0,
            imported: broadcast::channel(capacity).0,
            script: Mutex::new(PoolScript::Accept(vec![TxStatus::Ready])),
            watchers: Mutex::new(Vec::new()),
            gate: (Mutex::new(false), Condvar::new()),
            keys: Mutex::new(BTreeSet::new()),
            offchain: Mutex::new(BTreeMap::new()),
            justifications: Mutex::new(HashMap::new()),
            round: Mutex::new(None),
        }
    }

    /// Holds every key iteration (`keys_paged`, and so descendant storage
    /// queries) until the guard is dropped.
    pub fn hold_iterations(&self) -> Hold<'_> {
        *lock(&self.gate.0) = true;
        Hold(self)
    }

    /// Sets what the pool does with the next submissions.
    pub fn script_pool(&self, script: PoolScript) {
        *lock(&self.script) = script;
    }

    /// Sends `status` to every open watcher.
    pub fn notify_watchers(&self, status: TxStatus) {
        lock(&self.watchers).retain(|w| w.send(status.clone()).is_ok());
    }

    /// Whether the node was given `bytes` (as a key, input, extrinsic…).
    pub fn received(&self, bytes: &[u8]) -> bool {
        lock(&self.log).bytes.iter().any(|b| b == bytes)
    }

    /// How many submissions the pool received (watched or not).
    pub fn submissions(&self) -> usize {
        lock(&self.log)
            .calls
            .iter()
            .filter(|(what, _)| what.starts_with("pool.submit"))
            .count()
    }

    /// The genesis hash.
    pub fn genesis(&self) -> H256 {
        lock(&self.chain).genesis
    }

    /// The best block's hash.
    pub fn best_hash(&self) -> H256 {
        lock(&self.chain).best
    }

    /// Imports a child of the best block with `changes` applied (a `None`
    /// value deletes) and, if given, a new runtime version; it becomes best.
    pub fn push(&self, changes: &[(&[u8], Option<&[u8]>)], spec_version: Option<u32>) -> H256 {
        self.push_block(changes, spec_version, None)
    }

    /// [`Memory::push`] with the given body (else one extrinsic: the
    /// block number).
    pub fn push_block(
        &self,
        changes: &[(&[u8], Option<&[u8]>)],
        spec_version: Option<u32>,
        body: Option<Vec<OpaqueExtrinsic>>,
    ) -> H256 {
        let parent = self.best_hash();
        let hash = self.import(parent, changes, spec_version, body);
        lock(&self.chain).best = hash;
        self.announce(hash, true);
        hash
    }

    /// Imports a child of `parent` that does not become best.
    pub fn fork(&self, parent: H256, changes: &[(&[u8], Option<&[u8]>)]) -> H256 {
        let hash = self.import(parent, changes, None, None);
        self.announce(hash, false);
        hash
    }

    /// Makes `hash` the best block.
    pub fn set_best(&self, hash: H256) {
        lock(&self.chain).best = hash;
        if let Some(header) = self.header_of(hash) {
            let _ = self.best.send(header);
        }
    }

    fn header_of(&self, hash: H256) -> Option<Header> {
        lock(&self.chain)
            .blocks
            .get(&hash)
            .map(|b| b.header.clone())
    }

    fn announce(&self, hash: H256, best: bool) {
        if let Some(header) = self.header_of(hash) {
            let _ = self.imported.send(header.clone());
            if best {
                let _ = self.best.send(header);
            }
        }
    }

    /// Finalizes `hash` with `justification` stored (as the node stores
    /// it: engine id, then SCALE).
    pub fn finalize_justified(&self, hash: H256, justification: Vec<u8>) {
        lock(&self.justifications).insert(hash, justification);
        self.finalize(hash);
    }

    /// Publishes the finality round in progress, as the node's voter does.
    pub fn set_round(&self, round: RoundState) {
        *lock(&self.round) = Some(round);
    }

    /// Finalizes the best block.
    pub fn finalize_best(&self) {
        self.finalize(self.best_hash());
    }

    /// Finalizes `hash` (on the best chain) as the node does: every block
    /// that is neither its ancestor nor its descendant is discarded (kept
    /// out of the tree if pinned), states that left the window are pruned
    /// (up to the first pinned one), and one notification is sent, for
    /// `hash`.
    pub fn finalize(&self, hash: H256) {
        let header = {
            let mut chain = lock(&self.chain);
            chain.finalized = hash;
            chain.discard_unrelated_to(hash);
            chain.prune();
            chain.blocks.get(&hash).map(|b| b.header.clone())
        };
        if let Some(header) = header {
            let _ = self.finalized.send(header);
        }
    }

    fn import(
        &self,
        parent: H256,
        changes: &[(&[u8], Option<&[u8]>)],
        spec: Option<u32>,
        body: Option<Vec<OpaqueExtrinsic>>,
    ) -> H256 {
        let mut chain = lock(&self.chain);
        let siblings = chain
            .blocks
            .values()
            .filter(|b| b.header.parent_hash == parent)
            .count();
        let Some(parent_block) = chain.blocks.get(&parent) else {
            panic!("unknown parent {parent}");
        };
        let number = parent_block.header.number + 1;
        let mut storage = parent_block
            .storage
            .clone()
            .unwrap_or_else(|| panic!("the state of parent {parent} was pruned"));
        for (key, value) in changes {
            match value {
                Some(value) => storage.insert(key.to_vec(), value.to_vec()),
                None => storage.remove(*key),
            };
        }
        let version = spec.map_or_else(|| parent_block.version.clone(), version);
        let header = header(parent, number, &storage, siblings);
        let hash = header.hash();
        let body = body.unwrap_or_else(|| vec![OpaqueExtrinsic(number.to_le_bytes().to_vec())]);
        chain.blocks.insert(
            hash,
            Block {
                header,
                body,
                storage: Some(storage),
                version,
            },
        );
        hash
    }

    /// Takes what was logged so far.
    pub fn take_log(&self) -> Log {
        std::mem::take(&mut *lock(&self.log))
    }

    fn touch(&self, what: &'static str) {
        lock(&self.log)
            .calls
            .push((what, std::thread::current().id()));
    }

    fn saw(&self, bytes: &[u8]) {
        lock(&self.log).bytes.push(bytes.to_vec());
    }

    fn read<T>(&self, at: H256, read: impl FnOnce(&Block) -> T) -> Result<T, ReadError> {
        lock(&self.chain)
            .blocks
            .get(&at)
            .map(read)
            .ok_or(ReadError::UnknownBlock(at))
    }

    /// Reads block `at`'s state; refused once it was pruned.
    fn read_state<T>(
        &self,
        at: H256,
        read: impl FnOnce(&Block, &Storage) -> T,
    ) -> Result<T, ReadError> {
        self.read(at, |block| match &block.storage {
            Some(storage) => Ok(read(block, storage)),
            None => Err(ReadError::StateDiscarded(at)),
        })?
    }

    fn head(&self, hash: impl FnOnce(&Chain) -> H256) -> (BlockNumber, H256) {
        let chain = lock(&self.chain);
        let hash = hash(&chain);
        let number = chain.blocks.get(&hash).map_or(0, |b| b.header.number);
        (number, hash)
    }
}

/// A header over `storage`; `salt` tells siblings apart.
fn header(parent_hash: H256, number: BlockNumber, storage: &Storage, salt: usize) -> Header {
    let mut extrinsics_root = [0u8; 32];
    extrinsics_root[..4].copy_from_slice(&number.to_le_bytes());
    extrinsics_root[4..12].copy_from_slice(&(salt as u64).to_le_bytes());
    Header {
        parent_hash,
        number,
        state_root: H256(entroos_support::trie::trie_root(storage)),
        extrinsics_root: H256(extrinsics_root),
        digest: Digest::default(),
    }
}

/// Whether `block` is `anchor`, an ancestor of it or a descendant of it.
fn related(chain: &Chain, block: H256, anchor: H256) -> bool {
    let descends = |from: H256, to: H256| {
        let mut cursor = from;
        loop {
            if cursor == to {
                return true;
            }
            match chain.blocks.get(&cursor) {
                Some(b) if b.header.number > 0 => cursor = b.header.parent_hash,
                _ => return false,
            }
        }
    };
    descends(block, anchor) || descends(anchor, block)
}

impl ChainApi for Memory {
    fn genesis_hash(&self) -> H256 {
        self.touch("chain.genesis_hash");
        self.genesis()
    }
    fn best(&self) -> (BlockNumber, H256) {
        self.touch("chain.best");
        self.head(|c| c.best)
    }
    fn finalized(&self) -> (BlockNumber, H256) {
        self.touch("chain.finalized");
        self.head(|c| c.finalized)
    }
    fn hash_of(&self, number: BlockNumber) -> Result<Option<H256>, ReadError> {
        self.touch("chain.hash_of");
        let chain = lock(&self.chain);
        let mut at = chain.best;
        while let Some(block) = chain.blocks.get(&at) {
            if block.header.number == number {
                return Ok(Some(at));
            }
            at = block.header.parent_hash;
        }
        Ok(None)
    }
    fn header(&self, hash: H256) -> Result<Option<Header>, ReadError> {
        self.touch("chain.header");
        Ok(self.read(hash, |b| b.header.clone()).ok())
    }
    fn body(&self, hash: H256) -> Result<Option<Vec<OpaqueExtrinsic>>, ReadError> {
        self.touch("chain.body");
        Ok(self.read(hash, |b| b.body.clone()).ok())
    }
    fn justification(&self, hash: H256) -> Result<Option<Vec<u8>>, ReadError> {
        self.touch("chain.justification");
        Ok(lock(&self.justifications).get(&hash).cloned())
    }
    fn leaves(&self) -> Result<Vec<H256>, ReadError> {
        self.touch("chain.leaves");
        let chain = lock(&self.chain);
        let parents: Vec<H256> = chain
            .blocks
            .values()
            .map(|b| b.header.parent_hash)
            .collect();
        Ok(chain
            .blocks
            .keys()
            .filter(|b| !parents.contains(b) && !chain.pruning.is_detached(b))
            .copied()
            .collect())
    }
    fn subscribe_best(&self) -> broadcast::Receiver<Header> {
        self.touch("chain.subscribe_best");
        self.best.subscribe()
    }
    fn subscribe_finalized(&self) -> broadcast::Receiver<Header> {
        self.touch("chain.subscribe_finalized");
        self.finalized.subscribe()
    }
    /// This chain stores a block's justification when it finalizes it.
    fn subscribe_justified(&self) -> broadcast::Receiver<Header> {
        self.touch("chain.subscribe_justified");
        self.finalized.subscribe()
    }
    fn subscribe_imported(&self) -> broadcast::Receiver<Header> {
        self.touch("chain.subscribe_imported");
        self.imported.subscribe()
    }
    fn pin(&self, hash: H256) -> Result<(), PinError> {
        self.touch("chain.pin");
        lock(&self.chain).pin(hash)
    }
    fn unpin(&self, hash: H256) -> Result<(), ReadError> {
        self.touch("chain.unpin");
        lock(&self.chain).unpin(hash)
    }
}

impl StateApi for Memory {
    fn storage(&self, at: H256, key: &[u8]) -> Result<Option<Vec<u8>>, ReadError> {
        self.touch("state.storage");
        self.saw(key);
        self.read_state(at, |_, storage| storage.get(key).cloned())
    }
    fn keys_paged(
        &self,
        at: H256,
        prefix: &[u8],
        start: Option<&[u8]>,
        count: usize,
    ) -> Result<Vec<Vec<u8>>, ReadError> {
        let mut held = lock(&self.gate.0);
        while *held {
            held = self
                .gate
                .1
                .wait(held)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        drop(held);
        self.touch("state.keys_paged");
        self.saw(prefix);
        start.inspect(|s| self.saw(s));
        self.read_state(at, |_, storage| {
            storage
                .keys()
                .filter(|k| k.starts_with(prefix) && start.is_none_or(|s| k.as_slice() > s))
                .take(count)
                .cloned()
                .collect()
        })
    }
    fn call(&self, at: H256, method: &str, input: &[u8]) -> Result<Vec<u8>, ReadError> {
        self.touch("state.call");
        self.saw(input);
        lock(&self.log)
            .runtime_calls
            .push((method.to_string(), input.to_vec()));
        self.read_state(at, |_, storage| match method {
            "Metadata_metadata" => Ok(codec::Encode::encode(&b"meta".to_vec())),
            "Test_fail" => Err(ReadError::Execution("the runtime trapped".into())),
            "SessionKeys_decode_session_keys" => {
                Ok(codec::Encode::encode(&decode_session_keys(input)))
            }
            // The runtime's answers, kept in the block's state under the
            // method's name (see [`Memory::push`]).
            api if api.starts_with("EntropyApi_") => storage
                .get(api.as_bytes())
                .cloned()
                .ok_or_else(|| ReadError::Execution(format!("no {api} in this runtime"))),
            _ => Ok(input.to_vec()),
        })?
    }
    fn runtime_version(&self, at: H256) -> Result<RuntimeVersion, ReadError> {
        self.touch("state.runtime_version");
        self.read_state(at, |b, _| b.version.clone())
    }
    fn read_proof(&self, at: H256, keys: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, ReadError> {
        self.touch("state.read_proof");
        keys.iter().for_each(|k| self.saw(k));
        let (nodes, root) = self.read_state(at, |_, storage| trie(storage))?;
        entroos_rpc::trie::read_proof(&nodes, root, keys)
            .map_err(|e| ReadError::Backend(e.to_string()))
    }
    fn closest_merkle_value(&self, at: H256, key: &[u8]) -> Result<Option<Vec<u8>>, ReadError> {
        self.touch("state.closest_merkle_value");
        self.saw(key);
        let (nodes, root) = self.read_state(at, |_, storage| trie(storage))?;
        entroos_rpc::trie::closest_merkle_value(&nodes, root, key)
            .map_err(|e| ReadError::Backend(e.to_string()))
    }
}

impl PoolApi for Memory {
    fn submit(&self, extrinsic: Vec<u8>) -> Result<H256, SubmitError> {
        self.touch("pool.submit");
        self.saw(&extrinsic);
        Ok(H256(blake2_256(&extrinsic)))
    }
    fn submit_and_watch(
        &self,
        extrinsic: Vec<u8>,
    ) -> Result<(H256, mpsc::UnboundedReceiver<TxStatus>), SubmitError> {
        self.touch("pool.submit_and_watch");
        self.saw(&extrinsic);
        let statuses = match lock(&self.script).clone() {
            PoolScript::Accept(statuses) => statuses,
            PoolScript::Refuse(error) => return Err(error),
        };
        let (sender, receiver) = mpsc::unbounded_channel();
        for status in statuses {
            let _ = sender.send(status);
        }
        lock(&self.watchers).push(sender);
        Ok((H256(blake2_256(&extrinsic)), receiver))
    }
    fn pending(&self) -> Vec<Vec<u8>> {
        self.touch("pool.pending");
        Vec::new()
    }
    fn remove(&self, hashes: &[H256]) -> Vec<H256> {
        self.touch("pool.remove");
        lock(&self.log).removed.extend_from_slice(hashes);
        hashes.to_vec()
    }
    fn next_nonce(&self, _: [u8; 32]) -> Result<u32, ReadError> {
        self.touch("pool.next_nonce");
        Ok(0)
    }
}

impl NetworkApi for Memory {
    fn health(&self) -> Health {
        self.touch("network.health");
        Health::default()
    }
    fn local_peer_id(&self) -> String {
        self.touch("network.local_peer_id");
        "12D3KooWMemory".into()
    }
    fn listen_addresses(&self) -> Vec<String> {
        self.touch("network.listen_addresses");
        Vec::new()
    }
    fn add_reserved_peer(&self, _addr: &str) -> Result<(), ReservedPeerError> {
        self.touch("network.add_reserved_peer");
        Ok(())
    }
    fn remove_reserved_peer(&self, _peer_id: &str) -> Result<(), ReservedPeerError> {
        self.touch("network.remove_reserved_peer");
        Ok(())
    }
}

/// The in-memory runtime's session keys: 32-byte keys of [`MEMORY_KEY_TYPE`].
fn decode_session_keys(input: &[u8]) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
    let encoded: Vec<u8> = codec::Decode::decode(&mut &input[..]).ok()?;
    if encoded.is_empty() || !encoded.len().is_multiple_of(32) {
        return None;
    }
    Some(
        encoded
            .chunks(32)
            .map(|key| (key.to_vec(), MEMORY_KEY_TYPE))
            .collect(),
    )
}

impl OffchainStorageApi for Memory {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ReadError> {
        self.touch("offchain.get");
        self.saw(key);
        Ok(lock(&self.offchain).get(key).cloned())
    }
    fn set(&self, key: &[u8], value: &[u8]) -> Result<(), ReadError> {
        self.touch("offchain.set");
        self.saw(key);
        lock(&self.offchain).insert(key.to_vec(), value.to_vec());
        Ok(())
    }
}

impl KeystoreApi for Memory {
    fn insert_key(
        &self,
        key_type: KeyTypeId,
        suri: &str,
        public: &[u8],
    ) -> Result<(), KeystoreApiError> {
        self.touch("keystore.insert_key");
        if suri == REFUSED_SURI {
            return Err(KeystoreApiError::Rejected(format!(
                "{suri} does not derive 0x{}",
                hex::encode(public)
            )));
        }
        lock(&self.keys).insert((key_type, public.to_vec()));
        Ok(())
    }
    fn rotate_keys(&self, at: H256) -> Result<Vec<u8>, KeystoreApiError> {
        self.touch("keystore.rotate_keys");
        self.read(at, |_| ())?;
        let mut keys = lock(&self.keys);
        let public = blake2_256(&keys.len().to_le_bytes()).to_vec();
        keys.insert((MEMORY_KEY_TYPE, public.clone()));
        Ok(public)
    }
    fn has_key(&self, public: &[u8], key_type: KeyTypeId) -> Result<bool, KeystoreApiError> {
        self.touch("keystore.has_key");
        Ok(lock(&self.keys).contains(&(key_type, public.to_vec())))
    }
}

impl FinalityStatusApi for Memory {
    fn round_state(&self) -> Option<RoundState> {
        lock(&self.round).clone()
    }
}
