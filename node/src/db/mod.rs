//! The node's database: RocksDB with one column family per kind of data.
//!
//! | column | key | value |
//! |---|---|---|
//! | `meta` | `best`, `finalized`, `genesis`, `pruned` | block hash / number |
//! | `headers` | block hash | SCALE header |
//! | `bodies` | block hash | SCALE `Vec<OpaqueExtrinsic>` |
//! | `justifications` | block hash | encoded justification |
//! | `lookup` | number (u32 BE) | canonical block hash |
//! | `state` | trie node hash | trie node |
//! | `state_rc` | trie node hash | reference count (u32 LE) |
//! | `journal` | number (u32 BE) | trie nodes the block dereferenced |
//!
//! Every imported block is one atomic write batch (header, body, state nodes,
//! reference counts, journal, lookup and head pointers), so a process killed
//! at any moment leaves a database that reopens at the last whole block.
//! Trie nodes are content-addressed and reference-counted: a block's inserts
//! count at once; its removals are journaled and applied only when the state
//! before it leaves the pruning window, so every state in the window stays
//! readable. With `archive`, nothing is ever removed.

mod commit;
mod hashdb;

pub use commit::{BlockCommit, StateDelta};
pub use hashdb::{NodeSource, StateDb};

use codec::Decode;
use entroos_primitives::{BlockNumber, Header, OpaqueExtrinsic, H256};
use rocksdb::{ColumnFamilyDescriptor, Options, DB};
use std::path::Path;
use std::sync::Arc;

const COLUMNS: [&str; 8] = [
    "meta",
    "headers",
    "bodies",
    "justifications",
    "lookup",
    "state",
    "state_rc",
    "journal",
];

/// How long old states are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pruning {
    /// Every state forever.
    Archive,
    /// The states of the last N finalized blocks.
    Keep(u32),
}

/// Database errors.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// RocksDB failed.
    #[error("database: {0}")]
    Rocks(#[from] rocksdb::Error),
    /// Stored bytes do not decode: the database is corrupt.
    #[error("corrupt database entry {what}: {reason}")]
    Corrupt {
        /// What was read.
        what: &'static str,
        /// The decoder's message.
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
}

/// The head pointers of the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainHeads {
    /// The genesis hash.
    pub genesis: H256,
    /// The best block.
    pub best: (BlockNumber, H256),
    /// The last finalized block.
    pub finalized: (BlockNumber, H256),
    /// States of blocks below this number are discarded.
    pub pruned_below: BlockNumber,
}

/// The open database.
#[derive(Clone)]
pub struct Database {
    pub(crate) db: Arc<DB>,
    pruning: Pruning,
}

fn corrupt(what: &'static str) -> impl FnOnce(codec::Error) -> DbError {
    move |e| DbError::Corrupt {
        what,
        reason: e.to_string(),
    }
}

impl Database {
    /// Opens (creating if needed) the database in `path`.
    pub fn open(path: &Path, pruning: Pruning) -> Result<Self, DbError> {
        let mut options = Options::default();
        options.create_if_missing(true);
        options.create_missing_column_families(true);
        options.set_max_open_files(512);
        let columns = COLUMNS
            .iter()
            .map(|name| ColumnFamilyDescriptor::new(*name, Options::default()));
        let db = DB::open_cf_descriptors(&options, path, columns)?;
        Ok(Database {
            db: Arc::new(db),
            pruning,
        })
    }

    /// The pruning mode.
    pub fn pruning(&self) -> Pruning {
        self.pruning
    }

    pub(crate) fn column(&self, name: &'static str) -> Result<&rocksdb::ColumnFamily, DbError> {
        self.db.cf_handle(name).ok_or(DbError::Corrupt {
            what: name,
            reason: "missing column family".into(),
        })
    }

    pub(crate) fn get(&self, column: &'static str, key: &[u8]) -> Result<Option<Vec<u8>>, DbError> {
        Ok(self.db.get_cf(self.column(column)?, key)?)
    }

    /// The header of block `hash`.
    pub fn header(&self, hash: &H256) -> Result<Option<Header>, DbError> {
        self.get("headers", hash.as_ref())?
            .map(|bytes| Header::decode(&mut &bytes[..]).map_err(corrupt("header")))
            .transpose()
    }

    /// The body of block `hash`.
    pub fn body(&self, hash: &H256) -> Result<Option<Vec<OpaqueExtrinsic>>, DbError> {
        self.get("bodies", hash.as_ref())?
            .map(|bytes| Vec::<OpaqueExtrinsic>::decode(&mut &bytes[..]).map_err(corrupt("body")))
            .transpose()
    }

    /// The justification of block `hash`, if any.
    pub fn justification(&self, hash: &H256) -> Result<Option<Vec<u8>>, DbError> {
        self.get("justifications", hash.as_ref())
    }

    /// The canonical hash of block `number`.
    pub fn hash_of(&self, number: BlockNumber) -> Result<Option<H256>, DbError> {
        self.get("lookup", &number.to_be_bytes())?
            .map(|bytes| H256::decode(&mut &bytes[..]).map_err(corrupt("lookup")))
            .transpose()
    }

    fn meta_hash(&self, key: &str) -> Result<Option<H256>, DbError> {
        self.get("meta", key.as_bytes())?
            .map(|bytes| H256::decode(&mut &bytes[..]).map_err(corrupt("meta")))
            .transpose()
    }

    /// States of blocks below this number are discarded.
    pub(crate) fn pruned_below(&self) -> Result<BlockNumber, DbError> {
        Ok(self
            .get("meta", b"pruned")?
            .map(|b| BlockNumber::decode(&mut &b[..]).map_err(corrupt("pruned")))
            .transpose()?
            .unwrap_or(0))
    }

    /// The head pointers, or `None` for an empty database.
    pub fn heads(&self) -> Result<Option<ChainHeads>, DbError> {
        let Some(genesis) = self.meta_hash("genesis")? else {
            return Ok(None);
        };
        let number_of = |hash: Option<H256>| -> Result<(BlockNumber, H256), DbError> {
            let hash = hash.unwrap_or(genesis);
            let header = self.header(&hash)?.ok_or(DbError::Corrupt {
                what: "head",
                reason: format!("no header {hash}"),
            })?;
            Ok((header.number, hash))
        };
        let pruned_below = self.pruned_below()?;
        Ok(Some(ChainHeads {
            genesis,
            best: number_of(self.meta_hash("best")?)?,
            finalized: number_of(self.meta_hash("finalized")?)?,
            pruned_below,
        }))
    }

    /// Checks that the database holds the chain with this genesis (or is empty).
    pub fn check_genesis(&self, expected: H256) -> Result<bool, DbError> {
        match self.meta_hash("genesis")? {
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

#[cfg(test)]
mod tests;
