//! # EntroOS database
//!
//! The node's chain database over a [`KeyValue`] store (RocksDB on disk,
//! a sorted map in memory; one conformance suite runs against both):
//!
//! | column | key | value |
//! |---|---|---|
//! | `meta` | `genesis`, `best`, `finalized`, `pruned`, `leaves`, `schema`, `pruning`, `detached` | hashes, numbers, the leaf set, the layout version, the pruning mode, the blocks kept out of the tree for their pins |
//! | `headers` | block hash | SCALE header, for every block of every kept branch |
//! | `bodies` | block hash | SCALE `Vec<OpaqueExtrinsic>` |
//! | `justifications` | block hash | encoded justification |
//! | `lookup` | number (u32 BE) | hash of the block at that height on the best chain |
//! | `children` | parent hash | SCALE `Vec<H256>` of known children |
//! | `state` | trie node hash | trie node |
//! | `state_rc` | trie node hash | reference count (u32 LE) |
//! | `journal` | `i`/`r` ++ block hash | trie nodes the block inserted / removed |
//!
//! ## The block tree
//! Every imported block is kept with its header, body and state until it is
//! either finalized or discarded. The canonical lookup always names the
//! best block's ancestors: setting a new best block rewrites it back to the
//! common ancestor (a reorg) in the same write. Finality moves only forward
//! along the canonical chain; when it does, every block at or below the new
//! finalized height that is not its ancestor is discarded with its subtree.
//!
//! ## State and pruning
//! Trie nodes are content-addressed and reference-counted. A block's inserted
//! nodes count at once; its removed nodes are journaled under its hash and
//! applied only when the block is finalized on the canonical chain and the
//! state before it leaves the pruning window, so every state in the window
//! and every non-finalized state stays readable. Discarding a block takes
//! back its inserted nodes and drops its journal. With `archive` no
//! canonical state is ever removed.
//!
//! ## Pins
//! A pinned block ([`Database::pin`], counted, at most
//! [`MAX_PINNED_BLOCKS`]) keeps its header, body and state until its last
//! pin goes: pruning stops below it, and finality detaches it (and the
//! blocks above it on its branch) instead of deleting it. Its last unpin
//! does in one write what it held back. See [`pins`] for the rules.
//!
//! ## Atomicity
//! Every import, reorg and finalization is one atomic write; a write that
//! moves finality is synced, so a crash loses at most non-finalized blocks.
//!
//! ## Opening
//! [`Database::open`] refuses, with a typed [`DbError`] naming the problem
//! and the fix, and without changing any file, a database that is damaged
//! (files without `CURRENT`, column families missing, heads, bodies, state
//! roots or canonical lookup entries missing), of another layout version or
//! pruning mode, or behind its finality record: a file beside the database
//! directory (`<dir>.finalized`) rewritten durably each time finality moves.
//! A [`DirLock`] keeps a second process away from a chain's directory.

mod commit;
mod hashdb;
mod kv;
mod lock;
mod open;
pub mod pins;
mod rocks;
mod tree;

pub use commit::{BlockCommit, StateDelta};
pub use entroos_client_api::ChainHeads;
pub use hashdb::{NodeSource, StateDb};
pub use kv::{Column, KeyValue, MemoryKv, Op, Transaction};
pub use lock::{DirLock, LOCK_FILE};
pub use open::{Inconsistency, FINALITY_RECORD_SUFFIX};
pub use pins::MAX_PINNED_BLOCKS;
pub use rocks::{RocksKv, RocksOptions};
pub use tree::FinalizeOutcome;

use codec::{Decode, Encode};
use entroos_primitives::{BlockNumber, Header, OpaqueExtrinsic, H256};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The version of the layout above, recorded at genesis.
pub const SCHEMA_VERSION: u32 = 2;

/// How long old states are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Pruning {
    /// Every canonical state forever.
    Archive,
    /// The states of the last N finalized blocks.
    Keep(u32),
}

impl std::fmt::Display for Pruning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Pruning::Archive => write!(f, "archive"),
            Pruning::Keep(n) => write!(f, "{n}"),
        }
    }
}

/// Database errors.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// RocksDB failed.
    #[error("rocksdb: {0}")]
    Rocks(#[from] rocksdb::Error),
    /// Stored bytes do not decode or a required entry is missing.
    #[error("corrupt database entry {what}: {reason}")]
    Corrupt {
        /// What was read.
        what: &'static str,
        /// Why it is unusable.
        reason: String,
    },
    /// The database belongs to another chain.
    #[error("the database at this path holds chain {found}, not {expected}: use another --base-path or purge-chain")]
    WrongGenesis {
        /// The genesis of the chain spec.
        expected: H256,
        /// The genesis in the database.
        found: H256,
    },
    /// A block the operation needs is not in the database.
    #[error("unknown block {0}")]
    UnknownBlock(H256),
    /// As many blocks as allowed are pinned already.
    #[error("too many pinned blocks: at most {limit} are kept")]
    TooManyPins {
        /// The most pinned blocks.
        limit: usize,
    },
    /// The block to unpin is not pinned.
    #[error("block {0} is not pinned")]
    NotPinned(H256),
    /// Finality cannot move to that block.
    #[error("cannot finalize {hash}: {reason}")]
    CannotFinalize {
        /// The block.
        hash: H256,
        /// Why not.
        reason: &'static str,
    },
    /// The directory holds files but no `CURRENT`: a new database would be
    /// created over them.
    #[error("database files present in {path} but CURRENT missing: the database is damaged; restore it from a backup, or run purge-chain to start over / re-sync")]
    CurrentMissing {
        /// The database directory.
        path: PathBuf,
    },
    /// RocksDB refused to read the database.
    #[error("cannot open the database at {path}: {source}; if its files are damaged, restore them from a backup, or run purge-chain to start over / re-sync")]
    Unopenable {
        /// The database directory.
        path: PathBuf,
        /// RocksDB's reason.
        source: rocksdb::Error,
    },
    /// Column families are missing from the database's MANIFEST.
    #[error("the database at {path} is damaged: its MANIFEST lacks the column families {missing}; restore it from a backup, or run purge-chain to start over / re-sync")]
    ColumnsMissing {
        /// The database directory.
        path: PathBuf,
        /// The missing column families, comma-separated.
        missing: String,
    },
    /// The database has a genesis but no layout version: an older layout.
    #[error("the database at {path} has an older layout (no schema version recorded; this node reads version {expected}): run purge-chain to start over / re-sync")]
    UnversionedLayout {
        /// The database directory.
        path: PathBuf,
        /// The version this node reads.
        expected: u32,
    },
    /// The database has another layout version.
    #[error("the database at {path} has layout version {found}, this node reads version {expected}: run the node release that wrote it, or run purge-chain to start over / re-sync")]
    SchemaMismatch {
        /// The database directory.
        path: PathBuf,
        /// The recorded version.
        found: u32,
        /// The version this node reads.
        expected: u32,
    },
    /// The database was created with another pruning mode.
    #[error("pruning mode mismatch: the database at {path} was created with --state-pruning {recorded}, not {requested}: pass --state-pruning {recorded}, or run purge-chain to start over with {requested}")]
    PruningMismatch {
        /// The database directory.
        path: PathBuf,
        /// The mode recorded at genesis.
        recorded: Pruning,
        /// The mode asked for.
        requested: Pruning,
    },
    /// An entry the open checks read is missing or does not match.
    #[error("the database at {path} is inconsistent: {problem}; restore it from a backup, or run purge-chain to start over / re-sync")]
    Inconsistent {
        /// The database directory.
        path: PathBuf,
        /// What is wrong.
        problem: Inconsistency,
    },
    /// The database's finalized head is behind its finality record.
    #[error("finalized block #{recorded} ({recorded_hash}) recorded in {record}, but the database's finalized head is #{found}: the database lost finalized blocks (a damaged write-ahead log, or an older copy); restore it from a backup, or run purge-chain to start over / re-sync (after restoring an older backup on purpose, delete {record})")]
    FinalizedLost {
        /// The finality record.
        record: PathBuf,
        /// The recorded finalized number.
        recorded: BlockNumber,
        /// The recorded finalized hash.
        recorded_hash: H256,
        /// The database's finalized number.
        found: BlockNumber,
    },
    /// The database's canonical block at the recorded finalized height is another block.
    #[error("finalized block #{number} recorded in {record} is {recorded_hash}, but the database's block #{number} is {found_hash}: the database is not the one finalized here; restore it from a backup, or run purge-chain to start over / re-sync")]
    FinalizedReplaced {
        /// The finality record.
        record: PathBuf,
        /// The recorded finalized number.
        number: BlockNumber,
        /// The recorded finalized hash.
        recorded_hash: H256,
        /// The database's canonical hash at that number.
        found_hash: H256,
    },
    /// The database directory is empty but a finality record exists.
    #[error("finalized block #{recorded} ({recorded_hash}) recorded in {record}, but the database at {path} is empty: it was deleted or its volume is not mounted; mount or restore it, or run purge-chain to start over / re-sync")]
    DatabaseMissing {
        /// The database directory.
        path: PathBuf,
        /// The finality record.
        record: PathBuf,
        /// The recorded finalized number.
        recorded: BlockNumber,
        /// The recorded finalized hash.
        recorded_hash: H256,
    },
    /// The finality record does not parse.
    #[error("the finality record {record} is unreadable: {reason}; if the database itself is sound, delete the record (it is written again at start), else restore from a backup or run purge-chain")]
    RecordUnreadable {
        /// The finality record.
        record: PathBuf,
        /// Why.
        reason: String,
    },
    /// Writing the finality record failed.
    #[error("writing the finality record {record}: {source}")]
    RecordWrite {
        /// The finality record.
        record: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Another process holds the lock.
    #[error("the database at {path} is in use by another process ({holder}); stop it first")]
    InUse {
        /// The locked directory.
        path: PathBuf,
        /// `pid N`, or `pid unknown`.
        holder: String,
    },
    /// A file or directory could not be read or created.
    #[error("{what} {path}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

pub(crate) fn corrupt(what: &'static str) -> impl FnOnce(codec::Error) -> DbError {
    move |e| DbError::Corrupt {
        what,
        reason: e.to_string(),
    }
}

/// Meta keys.
pub(crate) mod meta {
    pub const GENESIS: &[u8] = b"genesis";
    pub const BEST: &[u8] = b"best";
    pub const FINALIZED: &[u8] = b"finalized";
    pub const PRUNED: &[u8] = b"pruned";
    pub const LEAVES: &[u8] = b"leaves";
    pub const SCHEMA: &[u8] = b"schema";
    pub const PRUNING: &[u8] = b"pruning";
    pub const DETACHED: &[u8] = b"detached";
    /// The prefix of the node's auxiliary values ([`super::Database::aux`]).
    pub const AUX: &[u8] = b"aux/";
}

fn aux_key(key: &[u8]) -> Vec<u8> {
    [meta::AUX, key].concat()
}

/// The open database.
#[derive(Clone)]
pub struct Database {
    pub(crate) kv: Arc<dyn KeyValue>,
    pruning: Pruning,
    pub(crate) record: Option<Arc<open::FinalityRecord>>,
    pub(crate) lock: Option<Arc<DirLock>>,
    pub(crate) pins: Arc<pins::PinSet>,
}

impl Database {
    /// Opens the RocksDB database in `path`, creating it only in an empty
    /// directory. An existing database is first checked without writing
    /// and refused if damaged, of another layout or pruning mode, or
    /// behind its finality record.
    pub fn open(path: &Path, pruning: Pruning) -> Result<Self, DbError> {
        open::open(path, pruning)
    }

    /// The pruning mode the database in `path` was created with, or `None`
    /// if there is no database there yet; nothing is written.
    pub fn recorded_pruning(path: &Path) -> Result<Option<Pruning>, DbError> {
        open::recorded_pruning(path)
    }

    /// A database in memory.
    pub fn in_memory(pruning: Pruning) -> Self {
        Self::with_store(Arc::new(MemoryKv::default()), pruning)
    }

    /// A database over any store.
    pub fn with_store(kv: Arc<dyn KeyValue>, pruning: Pruning) -> Self {
        Database {
            kv,
            pruning,
            record: None,
            lock: None,
            pins: Arc::new(pins::PinSet::new(MAX_PINNED_BLOCKS)),
        }
    }

    /// This database, keeping `lock` held for as long as any of its handles lives.
    pub fn holding(mut self, lock: DirLock) -> Self {
        self.lock = Some(Arc::new(lock));
        self
    }

    /// The store underneath.
    pub fn store(&self) -> &Arc<dyn KeyValue> {
        &self.kv
    }

    /// The pruning mode.
    pub fn pruning(&self) -> Pruning {
        self.pruning
    }

    pub(crate) fn get(&self, column: Column, key: &[u8]) -> Result<Option<Vec<u8>>, DbError> {
        self.kv.get(column, key)
    }

    fn decoded<T: Decode>(
        &self,
        column: Column,
        key: &[u8],
        what: &'static str,
    ) -> Result<Option<T>, DbError> {
        self.get(column, key)?
            .map(|bytes| T::decode(&mut &bytes[..]).map_err(corrupt(what)))
            .transpose()
    }

    /// The header of block `hash`.
    pub fn header(&self, hash: &H256) -> Result<Option<Header>, DbError> {
        self.decoded(Column::Headers, hash.as_ref(), "header")
    }

    /// The header of block `hash`, which must be known.
    pub fn expect_header(&self, hash: &H256) -> Result<Header, DbError> {
        self.header(hash)?.ok_or(DbError::UnknownBlock(*hash))
    }

    /// The body of block `hash`.
    pub fn body(&self, hash: &H256) -> Result<Option<Vec<OpaqueExtrinsic>>, DbError> {
        self.decoded(Column::Bodies, hash.as_ref(), "body")
    }

    /// The justification of block `hash`, if any.
    pub fn justification(&self, hash: &H256) -> Result<Option<Vec<u8>>, DbError> {
        self.get(Column::Justifications, hash.as_ref())
    }

    /// The canonical hash of block `number`.
    pub fn hash_of(&self, number: BlockNumber) -> Result<Option<H256>, DbError> {
        self.decoded(Column::Lookup, &number.to_be_bytes(), "lookup")
    }

    /// The known children of block `hash`.
    pub fn children(&self, hash: &H256) -> Result<Vec<H256>, DbError> {
        Ok(self
            .decoded(Column::Children, hash.as_ref(), "children")?
            .unwrap_or_default())
    }

    /// The blocks without children, in the order they were imported.
    pub fn leaves(&self) -> Result<Vec<H256>, DbError> {
        Ok(self
            .decoded(Column::Meta, meta::LEAVES, "leaves")?
            .unwrap_or_default())
    }

    /// A value of the meta column.
    pub fn meta<T: Decode>(&self, key: &'static [u8]) -> Result<Option<T>, DbError> {
        self.decoded(Column::Meta, key, "meta")
    }

    /// A value the node keeps beside the chain (such as the finality
    /// voter's own votes), under `key` in the meta column's `aux/` space.
    pub fn aux(&self, key: &[u8]) -> Result<Option<Vec<u8>>, DbError> {
        self.get(Column::Meta, &aux_key(key))
    }

    /// Writes an auxiliary value durably: it is on disk when this returns.
    pub fn put_aux(&self, key: &[u8], value: Vec<u8>) -> Result<(), DbError> {
        let mut tx = Transaction::default();
        tx.put(Column::Meta, aux_key(key), value);
        self.kv.write(tx, true)
    }

    /// States of canonical blocks below this number are discarded.
    pub fn pruned_below(&self) -> Result<BlockNumber, DbError> {
        Ok(self.meta(meta::PRUNED)?.unwrap_or(0))
    }

    /// The head pointers, or `None` for an empty database.
    pub fn heads(&self) -> Result<Option<ChainHeads>, DbError> {
        let Some(genesis) = self.meta::<H256>(meta::GENESIS)? else {
            return Ok(None);
        };
        let number_of = |hash: Option<H256>| -> Result<(BlockNumber, H256), DbError> {
            let hash = hash.unwrap_or(genesis);
            let header = self.header(&hash)?.ok_or(DbError::Corrupt {
                what: "head",
                reason: format!("no header for head block {hash}"),
            })?;
            Ok((header.number, hash))
        };
        Ok(Some(ChainHeads {
            genesis,
            best: number_of(self.meta(meta::BEST)?)?,
            finalized: number_of(self.meta(meta::FINALIZED)?)?,
            pruned_below: self.pruned_below()?,
        }))
    }

    /// Checks that the database holds the chain with this genesis (`true`)
    /// or is empty (`false`).
    pub fn check_genesis(&self, expected: H256) -> Result<bool, DbError> {
        match self.meta::<H256>(meta::GENESIS)? {
            None => Ok(false),
            Some(found) if found == expected => Ok(true),
            Some(found) => Err(DbError::WrongGenesis { expected, found }),
        }
    }

    /// The state database view (trie nodes).
    pub fn state(&self) -> StateDb {
        StateDb::new(self.clone())
    }
}
