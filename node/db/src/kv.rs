//! The key-value seam under the chain database: columns, atomic
//! transactions, and two stores that keep the same contract — RocksDB on
//! disk ([`crate::rocks`]) and a sorted map in memory ([`MemoryKv`]).
//!
//! Contract (checked by the conformance suite for both): a transaction is
//! applied whole or not at all; a read sees every transaction written
//! before it; a `sync` write is durable when it returns.

use crate::DbError;
use parking_lot::RwLock;
use std::collections::BTreeMap;

/// The columns of the chain database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    /// Head pointers, genesis, schema, pruning mode, leaves.
    Meta,
    /// Block hash → SCALE header.
    Headers,
    /// Block hash → SCALE body.
    Bodies,
    /// Block hash → justification.
    Justifications,
    /// Number (u32 BE) → canonical block hash.
    Lookup,
    /// Parent hash → SCALE `Vec<H256>` of its known children.
    Children,
    /// Trie node hash → trie node.
    State,
    /// Trie node hash → reference count (u32 LE).
    StateRc,
    /// `i`/`r` ++ block hash → trie nodes the block inserted / removed.
    Journal,
}

impl Column {
    /// Every column, in a fixed order.
    pub const ALL: [Column; 9] = [
        Column::Meta,
        Column::Headers,
        Column::Bodies,
        Column::Justifications,
        Column::Lookup,
        Column::Children,
        Column::State,
        Column::StateRc,
        Column::Journal,
    ];

    /// The column's name on disk.
    pub fn name(self) -> &'static str {
        match self {
            Column::Meta => "meta",
            Column::Headers => "headers",
            Column::Bodies => "bodies",
            Column::Justifications => "justifications",
            Column::Lookup => "lookup",
            Column::Children => "children",
            Column::State => "state",
            Column::StateRc => "state_rc",
            Column::Journal => "journal",
        }
    }
}

/// One change in a transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// Sets a key.
    Put(Column, Vec<u8>, Vec<u8>),
    /// Removes a key.
    Delete(Column, Vec<u8>),
}

/// Changes written together, atomically.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transaction {
    /// The changes in order; a later one wins over an earlier one on the same key.
    pub ops: Vec<Op>,
}

impl Transaction {
    /// Sets `key` in `column`.
    pub fn put(&mut self, column: Column, key: impl AsRef<[u8]>, value: impl Into<Vec<u8>>) {
        self.ops
            .push(Op::Put(column, key.as_ref().to_vec(), value.into()));
    }

    /// Removes `key` from `column`.
    pub fn delete(&mut self, column: Column, key: impl AsRef<[u8]>) {
        self.ops.push(Op::Delete(column, key.as_ref().to_vec()));
    }
}

/// A store of columns of keys and values.
pub trait KeyValue: Send + Sync {
    /// The value of `key` in `column`.
    fn get(&self, column: Column, key: &[u8]) -> Result<Option<Vec<u8>>, DbError>;
    /// Applies `tx` atomically; with `sync`, durably before returning.
    fn write(&self, tx: Transaction, sync: bool) -> Result<(), DbError>;
    /// The keys of `column` starting with `prefix`, in order.
    fn keys_with_prefix(&self, column: Column, prefix: &[u8]) -> Result<Vec<Vec<u8>>, DbError>;
}

/// Entries of every column, ordered by column then key.
type Entries = BTreeMap<(Column, Vec<u8>), Vec<u8>>;

/// A store in memory (tests, simulations, `--tmp`-like throwaway chains).
#[derive(Debug, Default)]
pub struct MemoryKv {
    entries: RwLock<Entries>,
}

impl KeyValue for MemoryKv {
    fn get(&self, column: Column, key: &[u8]) -> Result<Option<Vec<u8>>, DbError> {
        Ok(self.entries.read().get(&(column, key.to_vec())).cloned())
    }

    fn write(&self, tx: Transaction, _sync: bool) -> Result<(), DbError> {
        let mut entries = self.entries.write();
        for op in tx.ops {
            match op {
                Op::Put(column, key, value) => {
                    entries.insert((column, key), value);
                }
                Op::Delete(column, key) => {
                    entries.remove(&(column, key));
                }
            }
        }
        Ok(())
    }

    fn keys_with_prefix(&self, column: Column, prefix: &[u8]) -> Result<Vec<Vec<u8>>, DbError> {
        let start = (column, prefix.to_vec());
        Ok(self
            .entries
            .read()
            .range(start..)
            .take_while(|((c, k), _)| *c == column && k.starts_with(prefix))
            .map(|((_, k), _)| k.clone())
            .collect())
    }
}
