//! State access for the runtime.
//!
//! The runtime sees state only through [`Externalities`]: reads, writes,
//! ordered key iteration, nested storage transactions and the state root.
//! [`Overlay`] implements it over any read-only [`Backend`], keeping changes
//! in memory until the caller takes them with [`Overlay::try_into_changes`];
//! the node backs it with its database, tests with [`InMemoryBackend`].
//!
//! A backend read can fail (a missing trie node, a database error): that is a
//! [`BackendError`], never an absent key. Runtime code keeps reading plain
//! `Option`s, so the overlay records the first such error and is *poisoned*:
//! from then on every read that needs the backend answers `None`, and
//! [`Externalities::backend_error`] tells the caller that whatever was
//! computed since must be thrown away.
//!
//! Invariants: a rolled-back transaction leaves no trace; iteration is in
//! key order; the root depends only on the final key-value set; a poisoned
//! overlay stays poisoned.

use crate::trie::trie_root;
use codec::{Compact, Decode, Encode};
use entroos_primitives::H256;
use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Bound;

/// Nested storage transactions deeper than this are refused.
pub const MAX_TRANSACTION_DEPTH: usize = 255;

/// A pending change: `Some(value)` to set, `None` to delete.
pub type Changes = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// Errors of state access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// Commit or rollback with no open transaction.
    #[error("no storage transaction is open")]
    NoTransaction,
    /// More than [`MAX_TRANSACTION_DEPTH`] nested transactions.
    #[error("storage transactions nested too deeply")]
    TooDeep,
}

/// What a backend was doing when it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendOperation {
    /// Reading the value at a key.
    Get(Vec<u8>),
    /// Looking for the key after a key.
    NextKey(Vec<u8>),
    /// Computing the root with changes applied.
    Root,
}

impl fmt::Display for BackendOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackendOperation::Get(key) => write!(f, "reading key 0x{}", hex::encode(key)),
            BackendOperation::NextKey(key) => {
                write!(f, "looking for the key after 0x{}", hex::encode(key))
            }
            BackendOperation::Root => f.write_str("computing the state root"),
        }
    }
}

/// Committed state could not be read: the state is unavailable or corrupt.
/// Never means "absent"; whatever depended on the read is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation} in the state at root {root}: {reason}")]
pub struct BackendError {
    /// The root of the state being read.
    pub root: H256,
    /// What failed.
    pub operation: BackendOperation,
    /// Why, as the storage layer reported it.
    pub reason: String,
}

/// The runtime's view of state.
pub trait Externalities {
    /// The value at `key`.
    fn get(&self, key: &[u8]) -> Option<Vec<u8>>;
    /// Sets `key` to `value`.
    fn set(&mut self, key: &[u8], value: Vec<u8>);
    /// Deletes `key`.
    fn clear(&mut self, key: &[u8]);
    /// The smallest key strictly greater than `key`.
    fn next_key(&self, key: &[u8]) -> Option<Vec<u8>>;
    /// Opens a nested storage transaction.
    fn start_transaction(&mut self) -> Result<(), StateError>;
    /// Keeps the innermost transaction's changes.
    fn commit_transaction(&mut self) -> Result<(), StateError>;
    /// Undoes the innermost transaction's changes.
    fn rollback_transaction(&mut self) -> Result<(), StateError>;
    /// The state root of the current state.
    fn storage_root(&mut self) -> H256;
    /// Appends an encoded item to the SCALE `Vec` stored at `key` without
    /// decoding it (a missing or malformed value is replaced by a new `Vec`).
    fn append(&mut self, key: &[u8], encoded_item: &[u8]);

    /// The first error of the committed state behind these externalities,
    /// if one occurred. Reads since then answered `None` where they needed
    /// that state, so every result computed on them must be discarded.
    fn backend_error(&self) -> Option<&BackendError> {
        None
    }

    /// The node's job engine, when the caller lent one for this call (see
    /// [`crate::jobs`]); `None` by default.
    fn job_executor(&self) -> Option<&dyn crate::jobs::JobExecutor> {
        None
    }

    /// Whether `key` has a value.
    fn exists(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    /// The keys starting with `prefix`, in order.
    fn keys_with_prefix(&self, prefix: &[u8]) -> Vec<Vec<u8>> {
        let mut keys = Vec::new();
        if self.exists(prefix) {
            keys.push(prefix.to_vec());
        }
        let mut cursor = prefix.to_vec();
        while let Some(next) = self.next_key(&cursor) {
            if !next.starts_with(prefix) {
                break;
            }
            keys.push(next.clone());
            cursor = next;
        }
        keys
    }

    /// Deletes every key starting with `prefix`; returns how many.
    fn clear_prefix(&mut self, prefix: &[u8]) -> u32 {
        let keys = self.keys_with_prefix(prefix);
        for key in &keys {
            self.clear(key);
        }
        u32::try_from(keys.len()).unwrap_or(u32::MAX)
    }
}

/// Committed state the overlay reads through to. `Ok(None)` means absent;
/// `Err` means the state could not be read.
pub trait Backend {
    /// The value at `key`.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError>;
    /// The smallest key strictly greater than `key`.
    fn next_key(&self, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError>;
    /// The root the state would have with `changes` applied.
    fn root_with(&self, changes: &Changes) -> Result<H256, BackendError>;
}

/// State held in a sorted map; its root is computed from scratch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InMemoryBackend {
    /// Every key-value pair.
    pub entries: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl InMemoryBackend {
    /// Applies changes.
    pub fn apply(&mut self, changes: Changes) {
        for (key, value) in changes {
            match value {
                Some(v) => self.entries.insert(key, v),
                None => self.entries.remove(&key),
            };
        }
    }

    /// The state root.
    pub fn root(&self) -> H256 {
        H256(trie_root(self.entries.iter()))
    }

    /// The root the state would have with `changes` applied.
    fn root_with_changes(&self, changes: &Changes) -> H256 {
        if changes.is_empty() {
            return self.root();
        }
        let mut merged: BTreeMap<&[u8], &[u8]> = self
            .entries
            .iter()
            .map(|(k, v)| (k.as_slice(), v.as_slice()))
            .collect();
        for (key, value) in changes {
            match value {
                Some(v) => merged.insert(key, v),
                None => merged.remove(key.as_slice()),
            };
        }
        H256(trie_root(merged))
    }
}

impl Backend for InMemoryBackend {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError> {
        Ok(self.entries.get(key).cloned())
    }

    fn next_key(&self, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError> {
        Ok(self
            .entries
            .range::<[u8], _>((Bound::Excluded(key), Bound::Unbounded))
            .next()
            .map(|(k, _)| k.clone()))
    }

    fn root_with(&self, changes: &Changes) -> Result<H256, BackendError> {
        Ok(self.root_with_changes(changes))
    }
}

/// In-memory state whose reads of one key fail, as a missing trie node
/// would: for testing that a failed read aborts what depended on it.
#[derive(Clone, Debug, Default)]
pub struct FailingBackend {
    /// The state.
    pub state: InMemoryBackend,
    /// The key whose reads fail (also when iteration reaches it).
    pub failing_key: Vec<u8>,
}

impl FailingBackend {
    fn error(&self, operation: BackendOperation) -> BackendError {
        BackendError {
            root: self.state.root(),
            operation,
            reason: "trie node missing".into(),
        }
    }
}

impl Backend for FailingBackend {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError> {
        if key == self.failing_key.as_slice() {
            return Err(self.error(BackendOperation::Get(key.to_vec())));
        }
        self.state.get(key)
    }

    fn next_key(&self, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError> {
        match self.state.next_key(key)? {
            Some(next) if next == self.failing_key => {
                Err(self.error(BackendOperation::NextKey(key.to_vec())))
            }
            next => Ok(next),
        }
    }

    fn root_with(&self, changes: &Changes) -> Result<H256, BackendError> {
        self.state.root_with(changes)
    }
}

/// How to undo one change.
enum Undo {
    /// Put back what `changes` held for the key (`None`: nothing).
    Restore(Vec<u8>, Option<Option<Vec<u8>>>),
    /// Undo an append: cut the value back to `len` bytes and restore its prefix.
    Truncate {
        key: Vec<u8>,
        len: usize,
        prefix: Vec<u8>,
    },
}

/// Uncommitted changes over a backend, with nested transactions.
pub struct Overlay<'a, B: Backend> {
    backend: &'a B,
    changes: Changes,
    journals: Vec<Vec<Undo>>,
    /// The first backend error met; set once, never cleared.
    poisoned: OnceCell<BackendError>,
}

impl<'a, B: Backend> Overlay<'a, B> {
    /// An overlay with no changes.
    pub fn new(backend: &'a B) -> Self {
        Overlay {
            backend,
            changes: Changes::new(),
            journals: Vec::new(),
            poisoned: OnceCell::new(),
        }
    }

    /// The changes made, to be committed by the caller, unless a backend
    /// read failed. Open transactions count as committed.
    pub fn try_into_changes(self) -> Result<Changes, BackendError> {
        match self.poisoned.into_inner() {
            Some(error) => Err(error),
            None => Ok(self.changes),
        }
    }

    /// The changes made, whether or not a backend read failed: callers
    /// check [`Externalities::backend_error`] (the runtime API does) first.
    /// Open transactions count as committed.
    pub fn into_changes(self) -> Changes {
        self.changes
    }

    /// Reads through to the backend, unless poisoned; a failure poisons.
    fn backend_read(
        &self,
        read: impl FnOnce(&B) -> Result<Option<Vec<u8>>, BackendError>,
    ) -> Option<Vec<u8>> {
        if self.poisoned.get().is_some() {
            return None;
        }
        read(self.backend).unwrap_or_else(|error| {
            self.poison(error);
            None
        })
    }

    fn poison(&self, error: BackendError) {
        // Only the first error is kept: later ones may be its consequences.
        let _first_kept = self.poisoned.set(error);
    }

    /// The changes made so far.
    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    fn write(&mut self, key: &[u8], value: Option<Vec<u8>>) {
        let previous = self.changes.insert(key.to_vec(), value);
        self.journal(|| Undo::Restore(key.to_vec(), previous));
    }

    fn journal(&mut self, undo: impl FnOnce() -> Undo) {
        if let Some(journal) = self.journals.last_mut() {
            journal.push(undo());
        }
    }

    /// The value at `key` as a mutable vector in `changes`, copied from the backend if needed.
    fn value_mut(&mut self, key: &[u8]) -> &mut Vec<u8> {
        if !matches!(self.changes.get(key), Some(Some(_))) {
            let current = self.get(key).unwrap_or_default();
            self.write(key, Some(current));
        }
        match self
            .changes
            .entry(key.to_vec())
            .or_insert_with(|| Some(Vec::new()))
        {
            Some(value) => value,
            slot @ None => slot.insert(Vec::new()),
        }
    }
}

impl<B: Backend> Externalities for Overlay<'_, B> {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        match self.changes.get(key) {
            Some(change) => change.clone(),
            None => self.backend_read(|backend| backend.get(key)),
        }
    }

    fn set(&mut self, key: &[u8], value: Vec<u8>) {
        self.write(key, Some(value));
    }

    fn clear(&mut self, key: &[u8]) {
        self.write(key, None);
    }

    fn next_key(&self, key: &[u8]) -> Option<Vec<u8>> {
        let mut cursor = key.to_vec();
        loop {
            let from_backend = self.backend_read(|backend| backend.next_key(&cursor));
            let from_overlay = self
                .changes
                .range::<[u8], _>((Bound::Excluded(cursor.as_slice()), Bound::Unbounded))
                .next();
            match (from_backend, from_overlay) {
                (None, None) => return None,
                (Some(b), None) => return Some(b),
                (b, Some((o, change))) => {
                    if let Some(b) = b.filter(|b| b < o) {
                        return Some(b);
                    }
                    if change.is_some() {
                        return Some(o.clone());
                    }
                    cursor = o.clone();
                }
            }
        }
    }

    fn start_transaction(&mut self) -> Result<(), StateError> {
        if self.journals.len() >= MAX_TRANSACTION_DEPTH {
            return Err(StateError::TooDeep);
        }
        self.journals.push(Vec::new());
        Ok(())
    }

    fn commit_transaction(&mut self) -> Result<(), StateError> {
        let journal = self.journals.pop().ok_or(StateError::NoTransaction)?;
        if let Some(parent) = self.journals.last_mut() {
            parent.extend(journal);
        }
        Ok(())
    }

    fn rollback_transaction(&mut self) -> Result<(), StateError> {
        let journal = self.journals.pop().ok_or(StateError::NoTransaction)?;
        for undo in journal.into_iter().rev() {
            match undo {
                Undo::Restore(key, Some(previous)) => {
                    self.changes.insert(key, previous);
                }
                Undo::Restore(key, None) => {
                    self.changes.remove(&key);
                }
                Undo::Truncate { key, len, prefix } => {
                    if let Some(Some(value)) = self.changes.get_mut(&key) {
                        value.truncate(len);
                        if let Some(head) = value.get_mut(..prefix.len()) {
                            head.copy_from_slice(&prefix);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn storage_root(&mut self) -> H256 {
        if self.poisoned.get().is_some() {
            return H256::default();
        }
        self.backend
            .root_with(&self.changes)
            .unwrap_or_else(|error| {
                self.poison(error);
                H256::default()
            })
    }

    fn backend_error(&self) -> Option<&BackendError> {
        self.poisoned.get()
    }

    fn append(&mut self, key: &[u8], encoded_item: &[u8]) {
        let value = self.value_mut(key);
        let mut rest = value.as_slice();
        let count = Compact::<u32>::decode(&mut rest).ok().map(|c| c.0);
        let old_prefix_len = value.len().saturating_sub(rest.len());
        let new_count = count.and_then(|c| c.checked_add(1));
        let new_prefix = Compact(new_count.unwrap_or(1)).encode();
        match new_count {
            Some(_) if new_prefix.len() == old_prefix_len => {
                let len = value.len();
                let prefix = value.get(..old_prefix_len).unwrap_or_default().to_vec();
                if let Some(head) = value.get_mut(..old_prefix_len) {
                    head.copy_from_slice(&new_prefix);
                }
                value.extend_from_slice(encoded_item);
                self.journal(|| Undo::Truncate {
                    key: key.to_vec(),
                    len,
                    prefix,
                });
            }
            _ => {
                let body = if new_count.is_some() {
                    rest.to_vec()
                } else {
                    Vec::new()
                };
                let mut rebuilt = new_prefix;
                rebuilt.extend_from_slice(&body);
                rebuilt.extend_from_slice(encoded_item);
                self.write(key, Some(rebuilt));
            }
        }
    }
}

/// Externalities that own their in-memory state: for tests and benches.
#[derive(Default)]
pub struct TestExternalities {
    /// The committed state.
    pub backend: InMemoryBackend,
}

impl TestExternalities {
    /// Runs `f` on an overlay and commits its changes afterwards.
    pub fn execute_with<R>(&mut self, f: impl FnOnce(&mut dyn Externalities) -> R) -> R {
        let mut overlay = Overlay::new(&self.backend);
        let result = f(&mut overlay);
        let changes = overlay.into_changes();
        self.backend.apply(changes);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backend() -> InMemoryBackend {
        let mut b = InMemoryBackend::default();
        for k in [b"a".to_vec(), b"b".to_vec(), b"d".to_vec()] {
            b.entries.insert(k.clone(), k);
        }
        b
    }

    #[test]
    fn iteration_merges_overlay_and_backend() {
        let b = backend();
        let mut o = Overlay::new(&b);
        o.clear(b"b");
        o.set(b"c", vec![1]);
        assert_eq!(o.next_key(b"a"), Some(b"c".to_vec()));
        assert_eq!(o.next_key(b"c"), Some(b"d".to_vec()));
        assert_eq!(o.next_key(b"d"), None);
        assert_eq!(
            o.keys_with_prefix(b""),
            vec![b"a".to_vec(), b"c".to_vec(), b"d".to_vec()]
        );
    }

    #[test]
    fn nested_rollback_restores_exactly() {
        let b = backend();
        let mut o = Overlay::new(&b);
        o.set(b"x", vec![1]);
        o.start_transaction().unwrap();
        o.set(b"x", vec![2]);
        o.clear(b"a");
        o.start_transaction().unwrap();
        o.set(b"y", vec![3]);
        o.commit_transaction().unwrap();
        o.rollback_transaction().unwrap();
        assert_eq!(o.get(b"x"), Some(vec![1]));
        assert_eq!(o.get(b"a"), Some(b"a".to_vec()));
        assert_eq!(o.get(b"y"), None);
        assert_eq!(o.rollback_transaction(), Err(StateError::NoTransaction));
    }

    #[test]
    fn append_extends_a_scale_vec_and_rolls_back() {
        let b = backend();
        let mut o = Overlay::new(&b);
        for i in 0u16..70 {
            o.start_transaction().unwrap();
            o.append(b"v", &i.encode());
            o.commit_transaction().unwrap();
        }
        o.start_transaction().unwrap();
        o.append(b"v", &999u16.encode());
        o.rollback_transaction().unwrap();
        let stored: Vec<u16> = Decode::decode(&mut &o.get(b"v").unwrap()[..]).unwrap();
        assert_eq!(stored, (0u16..70).collect::<Vec<_>>());
        o.set(b"a", vec![0xff]);
        o.append(b"a", &7u16.encode());
        assert_eq!(o.get(b"a"), Some(vec![4, 7, 0]));
    }

    fn failing() -> FailingBackend {
        FailingBackend {
            state: backend(),
            failing_key: b"b".to_vec(),
        }
    }

    #[test]
    fn a_failed_read_is_recorded_and_poisons_the_overlay() {
        let b = failing();
        let mut o = Overlay::new(&b);
        o.set(b"x", vec![1]);
        assert_eq!(o.get(b"a"), Some(b"a".to_vec()));
        assert_eq!(o.backend_error(), None);
        assert_eq!(o.get(b"b"), None);
        let error = o.backend_error().cloned().unwrap();
        assert_eq!(error.operation, BackendOperation::Get(b"b".to_vec()));
        assert_eq!(error.root, b.state.root());
        assert_eq!(o.get(b"a"), None, "poisoned: the backend is not read again");
        assert_eq!(
            o.get(b"x"),
            Some(vec![1]),
            "the overlay's own writes remain"
        );
        assert_eq!(o.storage_root(), H256::default());
        assert_eq!(o.backend_error(), Some(&error), "the first error is kept");
        assert_eq!(o.try_into_changes(), Err(error));
    }

    #[test]
    fn a_failed_iteration_poisons_the_overlay() {
        let b = failing();
        let mut o = Overlay::new(&b);
        assert_eq!(o.keys_with_prefix(b""), vec![b"a".to_vec()]);
        assert_eq!(
            o.backend_error().map(|e| &e.operation),
            Some(&BackendOperation::NextKey(b"a".to_vec()))
        );
        assert!(o.backend_error().unwrap().to_string().contains("0x61"));
        o.set(b"y", vec![2]);
        assert!(o.try_into_changes().is_err());
    }

    struct RootFails;

    impl Backend for RootFails {
        fn get(&self, _key: &[u8]) -> Result<Option<Vec<u8>>, BackendError> {
            Ok(None)
        }
        fn next_key(&self, _key: &[u8]) -> Result<Option<Vec<u8>>, BackendError> {
            Ok(None)
        }
        fn root_with(&self, _changes: &Changes) -> Result<H256, BackendError> {
            Err(BackendError {
                root: H256([7; 32]),
                operation: BackendOperation::Root,
                reason: "database closed".into(),
            })
        }
    }

    #[test]
    fn a_failed_root_poisons_the_overlay() {
        let mut o = Overlay::new(&RootFails);
        o.set(b"k", vec![1]);
        assert_eq!(o.storage_root(), H256::default());
        let error = o.backend_error().cloned().unwrap();
        assert_eq!(error.operation, BackendOperation::Root);
        assert!(error.to_string().contains("database closed"));
        assert_eq!(o.try_into_changes(), Err(error));
    }

    #[test]
    fn a_healthy_overlay_hands_over_its_changes() {
        let b = failing();
        let mut o = Overlay::new(&b);
        o.set(b"z", vec![1]);
        assert_eq!(o.get(b"d"), Some(b"d".to_vec()));
        let changes = o.try_into_changes().unwrap();
        assert_eq!(changes.get(b"z".as_slice()), Some(&Some(vec![1])));
    }

    #[test]
    fn root_reflects_changes_only_by_content() {
        let b = backend();
        let mut o = Overlay::new(&b);
        o.set(b"z", vec![1]);
        o.clear(b"z");
        assert_eq!(o.storage_root(), b.root());
        o.clear_prefix(b"");
        assert_eq!(o.storage_root(), InMemoryBackend::default().root());
    }
}
