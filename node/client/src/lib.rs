//! # EntroOS client
//!
//! The chain as the node's services see it: the block tree over the
//! database, the one import pipeline every block goes through, finality,
//! state at any kept block, runtime calls and head notifications.
//!
//! ## The import pipeline
//! [`Client::import_block`] (and [`Client::import_own`] for a block this
//! node built) takes the single import lock, so imports are applied one at
//! a time in the order they arrive, and then:
//!
//! 1. **checks the header**: already known (nothing to do), parent known,
//!    `number = parent + 1`, the parent descends from the last finalized
//!    block, then the slot claim and seal ([`verify`]): the slot strictly
//!    above the parent's and not more than [`verify::MAX_SLOT_DRIFT`] slots
//!    ahead of the clock, inside the epoch the parent's state assigns it
//!    to ([`epochs`]), a primary claim's VRF proof and threshold or the
//!    slot's secondary assignee, and the seal by the claiming authority;
//! 2. **executes** the block on its parent's state (an external block: the
//!    extrinsics root, the inherents against the local clock, then
//!    execution — its extrinsics' signatures verified together afterwards
//!    by the configured [`SignatureVerifier`] — and the state root; an own
//!    block: the changes computed while building it, checked against the
//!    header's state root);
//! 3. **commits** it in one atomic write, with the reorg of the canonical
//!    lookup if fork choice makes it the best block.
//!
//! A refused block leaves the database untouched and comes back as a typed
//! [`ImportError`]. Fork choice ([`ForkChoice`]) prefers the chain with the
//! most primary blocks, then the longest, above the finalized block. Every
//! imported block is announced with what verification found
//! ([`Client::subscribe_verified`]), for equivocation detection.
//!
//! ## Pins
//!
//! [`BlockPins`] keeps blocks whole for readers (the RPC's `chainHead`
//! subscriptions) through the database's pins: a pinned block's body and
//! state outlive finality and state pruning until its last unpin, which,
//! being a database write, takes the import lock like imports and
//! finality do.
//!
//! ## Finality
//!
//! Until the finality gadget runs, a block is finalized at once when the
//! current epoch's set at it has a single authority
//! ([`Client::single_authority`]; the author, the network import and the
//! block-file import ask it); on a chain with several authorities nothing
//! is finalized and fork choice alone decides the best chain.

pub mod epochs;
pub mod fork_choice;
mod import;
pub mod signatures;
pub mod state;
pub mod testing;
pub mod verify;

pub use entroos_client_api::{ClientError, ImportError, ENGINE_ID};
pub use fork_choice::ForkChoice;
pub use import::{ImportStats, VerifiedImport};
pub use signatures::{OneBatch, SignatureVerifier};

use codec::Decode;
use entroos_client_api::{BlockPins, CallExecutor, ChainHeads, Clock, Finalizer, HeaderBackend};
use entroos_consensus_slots::{best_block, Candidate};
use entroos_db::{BlockCommit, Database, DbError, Pruning};
use entroos_primitives::{BlockNumber, Header, OpaqueExtrinsic, H256};
use entroos_support::state::{Changes, Overlay};
use epochs::{decode_epoch, EpochCache, CURRENT_EPOCH};
use parking_lot::{Mutex, RwLock};
use state::TrieBackend;
use std::sync::Arc;
use tokio::sync::broadcast;

pub(crate) fn storage(e: DbError) -> ClientError {
    match e {
        DbError::UnknownBlock(hash) => ClientError::UnknownBlock(hash),
        DbError::CannotFinalize { hash, reason } => ClientError::CannotFinalize { hash, reason },
        DbError::TooManyPins { limit } => ClientError::TooManyPins { limit },
        DbError::NotPinned(hash) => ClientError::NotPinned(hash),
        other => ClientError::Storage(Box::new(other)),
    }
}

/// How the client checks blocks.
pub struct ClientConfig {
    /// The slot length in milliseconds; `None` takes the runtime's
    /// (`EntropyApi_slot_duration` at the finalized block, whose state is
    /// always kept).
    pub slot_millis: Option<u64>,
    /// The local clock.
    pub clock: Arc<dyn Clock>,
    /// How the signatures of an executed block are verified.
    pub signatures: Arc<dyn SignatureVerifier>,
}

/// The runtime API of the slot duration.
pub const SLOT_DURATION: &str = "EntropyApi_slot_duration";

/// The chain.
pub struct Client {
    db: Database,
    config: ClientConfig,
    slot_millis: u64,
    heads: RwLock<ChainHeads>,
    stats: RwLock<ImportStats>,
    import_lock: Mutex<()>,
    best: broadcast::Sender<Header>,
    finalized: broadcast::Sender<Header>,
    justified: broadcast::Sender<Header>,
    imported: broadcast::Sender<Header>,
    verified: broadcast::Sender<VerifiedImport>,
    epochs: EpochCache,
    fork_choice: ForkChoice,
    /// The best block's state, shared by everything that reads at the head
    /// (pool validation, authoring, RPC) so that its read cache is too.
    best_state: Mutex<Option<(H256, Arc<TrieBackend>)>>,
}

impl Client {
    /// Opens the chain in `db`, writing genesis from `genesis` if the
    /// database is empty and refusing a database of another chain.
    pub fn open(
        db: Database,
        genesis: &Changes,
        config: ClientConfig,
    ) -> Result<Self, ClientError> {
        let delta = db.state().delta(None, genesis).map_err(storage)?;
        let header = entroos_executor::genesis::header(delta.root);
        if !db.check_genesis(header.hash()).map_err(storage)? {
            db.commit(BlockCommit {
                header,
                body: Vec::new(),
                justification: None,
                delta,
                set_best: true,
                finalize: true,
            })
            .map_err(storage)?;
        }
        let heads = db.heads().map_err(storage)?.ok_or(ClientError::Storage(
            "the database has no genesis after writing it".into(),
        ))?;
        let (best, _) = broadcast::channel(256);
        let (finalized, _) = broadcast::channel(256);
        let (justified, _) = broadcast::channel(256);
        let (imported, _) = broadcast::channel(256);
        let (verified, _) = broadcast::channel(256);
        let finalized_header = db.expect_header(&heads.finalized.1).map_err(storage)?;
        let mut client = Client {
            db,
            slot_millis: config.slot_millis.unwrap_or(0),
            config,
            heads: RwLock::new(heads),
            stats: RwLock::default(),
            import_lock: Mutex::new(()),
            best,
            finalized,
            justified,
            imported,
            verified,
            epochs: EpochCache::default(),
            fork_choice: ForkChoice::new(&finalized_header),
            best_state: Mutex::new(None),
        };
        if client.config.slot_millis.is_none() {
            client.slot_millis = client.runtime_slot_millis(&heads.finalized.1)?;
        }
        Ok(client)
    }

    /// The slot length the runtime declares at block `at`.
    fn runtime_slot_millis(&self, at: &H256) -> Result<u64, ClientError> {
        let method = SLOT_DURATION;
        let output = self.call_at(at, method, &[])?;
        let millis = u64::decode(&mut &output[..]).map_err(|e| ClientError::BadCallOutput {
            method: method.into(),
            reason: e.to_string(),
        })?;
        if millis == 0 {
            return Err(ClientError::BadCallOutput {
                method: method.into(),
                reason: "a slot of 0 ms".into(),
            });
        }
        Ok(millis)
    }

    /// The head pointers.
    pub fn heads(&self) -> ChainHeads {
        *self.heads.read()
    }

    /// Import measurements.
    pub fn import_stats(&self) -> ImportStats {
        *self.stats.read()
    }

    /// The database.
    pub fn db(&self) -> &Database {
        &self.db
    }

    /// The slot length in milliseconds.
    pub fn slot_millis(&self) -> u64 {
        self.slot_millis
    }

    /// The local clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.config.clock
    }

    /// A header.
    pub fn header(&self, hash: &H256) -> Result<Option<Header>, ClientError> {
        self.db.header(hash).map_err(storage)
    }

    /// A known header.
    pub fn expect_header(&self, hash: &H256) -> Result<Header, ClientError> {
        self.header(hash)?.ok_or(ClientError::UnknownBlock(*hash))
    }

    /// A body.
    pub fn body(&self, hash: &H256) -> Result<Option<Vec<OpaqueExtrinsic>>, ClientError> {
        self.db.body(hash).map_err(storage)
    }

    /// The canonical hash of `number`.
    pub fn hash_of(&self, number: BlockNumber) -> Result<Option<H256>, ClientError> {
        self.db.hash_of(number).map_err(storage)
    }

    /// The blocks without children.
    pub fn leaves(&self) -> Result<Vec<H256>, ClientError> {
        self.db.leaves().map_err(storage)
    }

    /// The state of block `hash`.
    pub fn state_at(&self, hash: &H256) -> Result<Arc<TrieBackend>, ClientError> {
        if let Some((cached, state)) = &*self.best_state.lock() {
            if cached == hash {
                return Ok(state.clone());
            }
        }
        let header = self.expect_header(hash)?;
        let heads = self.heads();
        let below_window =
            self.db.pruning() != Pruning::Archive && header.number < heads.pruned_below;
        if below_window && self.hash_of(header.number)? == Some(*hash) {
            return Err(ClientError::StateDiscarded(*hash));
        }
        let state = Arc::new(TrieBackend::new(self.db.state(), header.state_root));
        if *hash == heads.best.1 {
            *self.best_state.lock() = Some((*hash, state.clone()));
        }
        Ok(state)
    }

    /// Calls runtime API `method` on the state of block `at`; state changes are discarded.
    pub fn call_at(&self, at: &H256, method: &str, input: &[u8]) -> Result<Vec<u8>, ClientError> {
        let backend = self.state_at(at)?;
        let mut overlay = Overlay::new(&*backend);
        entroos_executor::call(&mut overlay, method, input)
    }

    /// Whether `block` is `ancestor` or one of its descendants.
    pub fn descends_from(
        &self,
        block: &Header,
        ancestor: (BlockNumber, H256),
    ) -> Result<bool, ClientError> {
        let (number, hash) = ancestor;
        if block.number < number {
            return Ok(false);
        }
        if self.hash_of(block.number)? == Some(block.hash()) {
            return Ok(self.hash_of(number)? == Some(hash));
        }
        let mut cursor = block.clone();
        while cursor.number > number {
            cursor = self.expect_header(&cursor.parent_hash)?;
        }
        Ok(cursor.hash() == hash)
    }

    fn refresh_heads(&self) -> Result<ChainHeads, ClientError> {
        let heads = self
            .db
            .heads()
            .map_err(storage)?
            .ok_or(ClientError::Storage("the database lost its genesis".into()))?;
        *self.heads.write() = heads;
        Ok(heads)
    }

    /// New best headers.
    pub fn subscribe_best(&self) -> broadcast::Receiver<Header> {
        self.best.subscribe()
    }

    /// Newly finalized headers.
    pub fn subscribe_finalized(&self) -> broadcast::Receiver<Header> {
        self.finalized.subscribe()
    }

    /// Finalized headers whose justification was just stored.
    pub fn subscribe_justified(&self) -> broadcast::Receiver<Header> {
        self.justified.subscribe()
    }

    /// Every imported header.
    pub fn subscribe_imported(&self) -> broadcast::Receiver<Header> {
        self.imported.subscribe()
    }

    /// Every imported block with what verification found about its claim.
    pub fn subscribe_verified(&self) -> broadcast::Receiver<VerifiedImport> {
        self.verified.subscribe()
    }

    /// Whether the current epoch's set at block `at` has a single
    /// authority: such a chain finalizes each block at once.
    pub fn single_authority(&self, at: &H256) -> Result<bool, ClientError> {
        let epoch = decode_epoch(CURRENT_EPOCH, &self.call_at(at, CURRENT_EPOCH, &[])?)?;
        Ok(epoch.authorities.len() == 1)
    }

    /// The fork-choice weight of a kept block.
    pub fn fork_choice_weight(
        &self,
        header: &Header,
    ) -> Result<entroos_consensus_slots::ForkChoiceWeight, ClientError> {
        self.fork_choice
            .weight(header, &|hash| self.expect_header(hash))
    }

    /// The best leaf descending from `hash` by fork choice.
    pub fn best_leaf_under(&self, hash: &H256) -> Result<Header, ClientError> {
        let base = self.expect_header(hash)?;
        let mut candidates = Vec::new();
        for leaf in self.leaves()? {
            let header = self.expect_header(&leaf)?;
            if self.descends_from(&header, (base.number, *hash))? {
                let weight = self.fork_choice_weight(&header)?;
                candidates.push((Candidate { hash: leaf, weight }, header));
            }
        }
        let start = Candidate {
            hash: *hash,
            weight: self.fork_choice_weight(&base)?,
        };
        let only: Vec<Candidate> = candidates.iter().map(|(c, _)| *c).collect();
        let chosen = best_block(start, start, &only, |_| true);
        Ok(candidates
            .into_iter()
            .find(|(c, _)| c.hash == chosen)
            .map_or(base, |(_, header)| header))
    }
}

impl Finalizer for Client {
    fn finalize(&self, hash: &H256, justification: Option<Vec<u8>>) -> Result<(), ClientError> {
        let _writer = self.import_lock.lock();
        let header = self.expect_header(hash)?;
        let before = self.heads();
        if header.number > before.finalized.0 && self.hash_of(header.number)? != Some(*hash) {
            let best = self.best_leaf_under(hash)?;
            self.db.set_best(&best.hash()).map_err(storage)?;
            let _ = self.best.send(best);
        }
        let justified = justification.is_some();
        self.db.finalize(hash, justification).map_err(storage)?;
        self.fork_choice
            .finalized(&header, &|hash| self.expect_header(hash))?;
        let after = self.refresh_heads()?;
        if after.finalized != before.finalized {
            tracing::info!(target: "finality", "Finalized #{} ({hash})", header.number);
            let _ = self.finalized.send(header.clone());
        }
        if justified {
            let _ = self.justified.send(header);
        }
        Ok(())
    }
}

impl BlockPins for Client {
    fn pin(&self, hash: &H256) -> Result<(), ClientError> {
        self.db.pin(hash).map_err(storage)
    }

    fn unpin(&self, hash: &H256) -> Result<(), ClientError> {
        let _writer = self.import_lock.lock();
        self.db.unpin(hash).map_err(storage)?;
        self.refresh_heads()?;
        Ok(())
    }
}

impl HeaderBackend for Client {
    fn heads(&self) -> ChainHeads {
        Client::heads(self)
    }
    fn header(&self, hash: &H256) -> Result<Option<Header>, ClientError> {
        Client::header(self, hash)
    }
    fn body(&self, hash: &H256) -> Result<Option<Vec<OpaqueExtrinsic>>, ClientError> {
        Client::body(self, hash)
    }
    fn justification(&self, hash: &H256) -> Result<Option<Vec<u8>>, ClientError> {
        self.db.justification(hash).map_err(storage)
    }
    fn hash_of(&self, number: BlockNumber) -> Result<Option<H256>, ClientError> {
        Client::hash_of(self, number)
    }
}

impl CallExecutor for Client {
    fn call_at(&self, at: &H256, method: &str, input: &[u8]) -> Result<Vec<u8>, ClientError> {
        Client::call_at(self, at, method, input)
    }
}
