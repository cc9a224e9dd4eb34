//! The chain as the node's services see it: genesis, block import, state at
//! any kept block, runtime calls and head notifications.

use crate::db::{BlockCommit, ChainHeads, Database, DbError, Pruning, StateDelta};
use crate::state::TrieBackend;
use codec::Encode;
use entroos_primitives::{Block, BlockNumber, Header, OpaqueExtrinsic, H256};
use entroos_runtime::RuntimeError;
use entroos_support::state::{Changes, Overlay};
use parking_lot::{Mutex, RwLock};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::broadcast;

/// The consensus engine id of EntroOS's digests.
pub const ENGINE_ID: [u8; 4] = *b"entr";

/// Client errors.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The database failed or is corrupt.
    #[error(transparent)]
    Db(#[from] DbError),
    /// No such block.
    #[error("unknown block {0}")]
    UnknownBlock(H256),
    /// The block's state was pruned.
    #[error("state of block {0} was discarded (state pruning)")]
    StateDiscarded(H256),
    /// The runtime refused.
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    /// A block's parent is not known.
    #[error("parent {0} of the block is unknown")]
    UnknownParent(H256),
    /// The state computed differs from the header's.
    #[error("state root mismatch: header {expected}, computed {computed}")]
    StateRootMismatch {
        /// In the header.
        expected: H256,
        /// Computed.
        computed: H256,
    },
}

/// Measurements of block import, for metrics.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportStats {
    /// Blocks imported.
    pub imported: u64,
    /// Total time spent importing, in microseconds.
    pub total_micros: u64,
}

/// The chain.
pub struct Client {
    db: Database,
    heads: RwLock<ChainHeads>,
    stats: RwLock<ImportStats>,
    best: broadcast::Sender<Header>,
    finalized: broadcast::Sender<Header>,
    imported: broadcast::Sender<Header>,
    /// The best block's state, shared by everything that reads at the head
    /// (pool validation, authoring, RPC) so that its read cache is too.
    best_state: Mutex<Option<(H256, Arc<TrieBackend>)>>,
}

impl Client {
    /// Opens the chain in `db`, writing genesis from `genesis` if the
    /// database is empty and refusing a database of another chain.
    pub fn open(db: Database, genesis: &Changes) -> Result<Self, ClientError> {
        let delta = db.state().delta(None, genesis)?;
        let header = entroos_runtime::genesis::header(delta.root);
        if !db.check_genesis(header.hash())? {
            db.commit(BlockCommit {
                header,
                body: Vec::new(),
                justification: None,
                delta,
                set_best: true,
                finalize: true,
            })?;
        }
        let heads = db.heads()?.ok_or(DbError::Corrupt {
            what: "meta",
            reason: "no genesis after writing it".into(),
        })?;
        let (best, _) = broadcast::channel(256);
        let (finalized, _) = broadcast::channel(256);
        let (imported, _) = broadcast::channel(256);
        Ok(Client {
            db,
            heads: RwLock::new(heads),
            stats: RwLock::default(),
            best,
            finalized,
            imported,
            best_state: Mutex::new(None),
        })
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

    /// A header.
    pub fn header(&self, hash: &H256) -> Result<Option<Header>, ClientError> {
        Ok(self.db.header(hash)?)
    }

    /// A body.
    pub fn body(&self, hash: &H256) -> Result<Option<Vec<OpaqueExtrinsic>>, ClientError> {
        Ok(self.db.body(hash)?)
    }

    /// The state of block `hash`.
    pub fn state_at(&self, hash: &H256) -> Result<Arc<TrieBackend>, ClientError> {
        if let Some((cached, state)) = &*self.best_state.lock() {
            if cached == hash {
                return Ok(state.clone());
            }
        }
        let header = self
            .db
            .header(hash)?
            .ok_or(ClientError::UnknownBlock(*hash))?;
        let heads = self.heads();
        if self.db.pruning() != Pruning::Archive && header.number < heads.pruned_below {
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
        Ok(entroos_runtime::api::call(
            &mut overlay,
            method,
            input,
            None,
        )?)
    }

    /// Imports a block authored here on `parent_state`, with its state
    /// `changes`; the trie nodes computed for its state root while it was
    /// built are reused.
    pub fn import_built(
        &self,
        block: Block,
        parent_state: &TrieBackend,
        changes: &Changes,
        finalize: bool,
    ) -> Result<H256, ClientError> {
        let started = Instant::now();
        let parent = self
            .db
            .header(&block.header.parent_hash)?
            .ok_or(ClientError::UnknownParent(block.header.parent_hash))?;
        if parent.state_root != parent_state.root() {
            return Err(ClientError::UnknownParent(block.header.parent_hash));
        }
        let delta = self.delta_for(parent_state, changes, block.header.state_root)?;
        self.commit(block, delta, finalize, started)
    }

    /// Imports a block from outside (a file or a peer): executes it on its
    /// parent's state (without the seal) and checks the result.
    pub fn import_external(&self, block: Block, finalize: bool) -> Result<H256, ClientError> {
        let started = Instant::now();
        let parent = self
            .db
            .header(&block.header.parent_hash)?
            .ok_or(ClientError::UnknownParent(block.header.parent_hash))?;
        let backend = TrieBackend::new(self.db.state(), parent.state_root);
        let mut unsealed = block.clone();
        if matches!(
            unsealed.header.digest.logs.last(),
            Some(entroos_primitives::DigestItem::Seal(..))
        ) {
            unsealed.header.digest.logs.pop();
        }
        let mut overlay = Overlay::new(&backend);
        entroos_runtime::api::call(&mut overlay, "Core_execute_block", &unsealed.encode(), None)?;
        let changes = overlay.into_changes();
        let delta = self.delta_for(&backend, &changes, block.header.state_root)?;
        self.commit(block, delta, finalize, started)
    }

    /// The trie delta of `changes` over `parent_state`, which must reach
    /// `expected`: the one computed for the state root during execution if
    /// it did, else computed now.
    fn delta_for(
        &self,
        parent_state: &TrieBackend,
        changes: &Changes,
        expected: H256,
    ) -> Result<StateDelta, ClientError> {
        let delta = match parent_state.take_delta(expected) {
            Some(delta) => delta,
            None => self.db.state().delta(Some(parent_state.root()), changes)?,
        };
        if delta.root != expected {
            return Err(ClientError::StateRootMismatch {
                expected,
                computed: delta.root,
            });
        }
        Ok(delta)
    }

    fn commit(
        &self,
        block: Block,
        delta: StateDelta,
        finalize: bool,
        started: Instant,
    ) -> Result<H256, ClientError> {
        let hash = block.header.hash();
        let number = block.header.number;
        let set_best = number > self.heads().best.0;
        let pruned_below = self.db.commit(BlockCommit {
            header: block.header.clone(),
            body: block.extrinsics,
            justification: None,
            delta,
            set_best,
            finalize,
        })?;
        {
            let mut heads = self.heads.write();
            if set_best {
                heads.best = (number, hash);
            }
            if finalize {
                heads.finalized = (number, hash);
            }
            if let Some(pruned_below) = pruned_below {
                heads.pruned_below = pruned_below;
            }
        }
        {
            let mut stats = self.stats.write();
            stats.imported = stats.imported.saturating_add(1);
            stats.total_micros = stats
                .total_micros
                .saturating_add(u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
        }
        tracing::info!(target: "import", "Imported #{number} ({hash})");
        let _ = self.imported.send(block.header.clone());
        if set_best {
            let _ = self.best.send(block.header.clone());
        }
        if finalize {
            tracing::info!(target: "finality", "Finalized #{number} ({hash})");
            let _ = self.finalized.send(block.header);
        }
        Ok(hash)
    }

    /// New best headers.
    pub fn subscribe_best(&self) -> broadcast::Receiver<Header> {
        self.best.subscribe()
    }

    /// Newly finalized headers.
    pub fn subscribe_finalized(&self) -> broadcast::Receiver<Header> {
        self.finalized.subscribe()
    }

    /// Every imported header.
    pub fn subscribe_imported(&self) -> broadcast::Receiver<Header> {
        self.imported.subscribe()
    }

    /// The canonical hash of `number`.
    pub fn hash_of(&self, number: BlockNumber) -> Result<Option<H256>, ClientError> {
        Ok(self.db.hash_of(number)?)
    }
}
