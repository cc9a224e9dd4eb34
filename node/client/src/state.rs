//! The state of one block, as the runtime's read-only [`Backend`]: reads,
//! ordered iteration and roots go through `trie-db` over the database, and
//! a read that fails (a missing trie node, a database error) is returned as
//! a [`BackendError`], never as an absent key.
//! A state at a root never changes, so values read once are cached for the
//! backend's lifetime (one block built or imported, one RPC call, or the
//! best block's state shared until the best block changes). The cache is
//! bounded by [`READ_CACHE_ENTRIES`] and [`READ_CACHE_BYTES`]: when either
//! would be exceeded it starts over, so no sequence of reads (from RPC or
//! anywhere) can grow it past those bounds.

use entroos_db::{NodeSource, StateDb, StateDelta};
use entroos_primitives::H256;
use entroos_support::state::{Backend, BackendError, BackendOperation, Changes};
use entroos_support::trie::Layout;
use parking_lot::Mutex;
use std::collections::HashMap;
use trie_db::{Trie, TrieDB, TrieDBBuilder};

/// The most values one backend caches.
pub const READ_CACHE_ENTRIES: usize = 1 << 16;
/// The most bytes (keys and values) one backend caches.
pub const READ_CACHE_BYTES: usize = 32 << 20;

/// Cached reads and their size.
#[derive(Default)]
struct ReadCache {
    values: HashMap<Vec<u8>, Option<Vec<u8>>>,
    bytes: usize,
}

impl ReadCache {
    fn get(&self, key: &[u8]) -> Option<Option<Vec<u8>>> {
        self.values.get(key).cloned()
    }

    fn insert(&mut self, key: &[u8], value: Option<Vec<u8>>) {
        let size = key.len().saturating_add(value.as_ref().map_or(0, Vec::len));
        if size > READ_CACHE_BYTES {
            return;
        }
        if self.values.len() >= READ_CACHE_ENTRIES
            || self.bytes.saturating_add(size) > READ_CACHE_BYTES
        {
            self.values.clear();
            self.bytes = 0;
        }
        if self.values.insert(key.to_vec(), value).is_none() {
            self.bytes = self.bytes.saturating_add(size);
        }
    }

    fn len(&self) -> (usize, usize) {
        (self.values.len(), self.bytes)
    }
}

/// The state at a root.
pub struct TrieBackend {
    state: StateDb,
    root: H256,
    cache: Mutex<ReadCache>,
    /// The trie nodes behind the last root computed over this state, kept
    /// so that importing the block that asked for it need not redo them.
    last_delta: Mutex<Option<StateDelta>>,
}

impl TrieBackend {
    /// The state whose trie root is `root`.
    pub fn new(state: StateDb, root: H256) -> Self {
        TrieBackend {
            state,
            root,
            cache: Mutex::default(),
            last_delta: Mutex::default(),
        }
    }

    /// The delta of the last root computed over this state, if that root is
    /// `root` (a state root names exactly one set of changes' outcome).
    pub fn take_delta(&self, root: H256) -> Option<StateDelta> {
        let mut last = self.last_delta.lock();
        if last.as_ref().is_some_and(|delta| delta.root == root) {
            last.take()
        } else {
            None
        }
    }

    fn read(&self, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError> {
        self.with_trie(|trie| trie.get(key))
            .map_err(|e| self.error(BackendOperation::Get(key.to_vec()), format!("{e:?}")))
    }

    fn error(&self, operation: BackendOperation, reason: String) -> BackendError {
        BackendError {
            root: self.root,
            operation,
            reason,
        }
    }

    /// Entries and bytes held by the read cache.
    pub fn cache_size(&self) -> (usize, usize) {
        self.cache.lock().len()
    }

    /// The state root.
    pub fn root(&self) -> H256 {
        self.root
    }

    fn with_trie<R>(&self, f: impl FnOnce(&TrieDB<'_, '_, Layout>) -> R) -> R {
        let source = NodeSource::new(&self.state);
        let trie = TrieDBBuilder::<Layout>::new(&source, &self.root.0).build();
        f(&trie)
    }

    /// Keys with `prefix`, strictly after `start` (if given), at most `count`.
    pub fn try_keys_paged(
        &self,
        prefix: &[u8],
        start: Option<&[u8]>,
        count: usize,
    ) -> Result<Vec<Vec<u8>>, BackendError> {
        let mut keys = Vec::new();
        let mut cursor = match start {
            Some(s) if s > prefix => s.to_vec(),
            _ => {
                if Backend::get(self, prefix)?.is_some() {
                    keys.push(prefix.to_vec());
                }
                prefix.to_vec()
            }
        };
        while keys.len() < count {
            match self.next_key(&cursor)? {
                Some(next) if next.starts_with(prefix) => {
                    keys.push(next.clone());
                    cursor = next;
                }
                _ => break,
            }
        }
        Ok(keys)
    }
}

impl Backend for TrieBackend {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError> {
        if let Some(value) = self.cache.lock().get(key) {
            return Ok(value.clone());
        }
        let value = self.read(key)?;
        self.cache.lock().insert(key, value.clone());
        Ok(value)
    }

    fn next_key(&self, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError> {
        let failed = |e| self.error(BackendOperation::NextKey(key.to_vec()), format!("{e:?}"));
        self.with_trie(|trie| {
            let mut iter = trie.key_iter().map_err(failed)?;
            iter.seek(key).map_err(failed)?;
            for item in iter {
                match item {
                    Ok(k) if k.as_slice() > key => return Ok(Some(k)),
                    Ok(_) => continue,
                    Err(e) => return Err(failed(e)),
                }
            }
            Ok(None)
        })
    }

    fn root_with(&self, changes: &Changes) -> Result<H256, BackendError> {
        let delta = self
            .state
            .delta(Some(self.root), changes)
            .map_err(|e| self.error(BackendOperation::Root, e.to_string()))?;
        let root = delta.root;
        *self.last_delta.lock() = Some(delta);
        Ok(root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_db::{Database, Pruning};

    #[test]
    fn a_read_of_a_missing_trie_node_is_an_error_not_an_absent_key() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("db"), Pruning::Archive).unwrap();
        let unknown = H256([1; 32]);
        let backend = TrieBackend::new(db.state(), unknown);
        let error = Backend::get(&backend, b"key").unwrap_err();
        assert_eq!(error.root, unknown);
        assert_eq!(error.operation, BackendOperation::Get(b"key".to_vec()));
        let error = backend.next_key(b"").unwrap_err();
        assert_eq!(error.operation, BackendOperation::NextKey(Vec::new()));
        assert!(backend.try_keys_paged(b"", None, 10).is_err());
    }

    #[test]
    fn the_delta_behind_a_computed_root_is_handed_over_once() {
        let db = Database::in_memory(Pruning::Archive);
        let empty = db.state().delta(None, &Changes::default()).unwrap().root;
        let backend = TrieBackend::new(db.state(), empty);
        let changes: Changes = [(b"key".to_vec(), Some(b"value".to_vec()))]
            .into_iter()
            .collect();
        let root = backend.root_with(&changes).unwrap();
        assert_eq!(root, db.state().delta(None, &changes).unwrap().root);
        assert!(
            backend.take_delta(H256([1; 32])).is_none(),
            "another root gets nothing"
        );
        assert_eq!(backend.take_delta(root).map(|d| d.root), Some(root));
        assert!(backend.take_delta(root).is_none(), "handed over once");
    }
}

#[cfg(test)]
mod cache_tests {
    use super::*;

    #[test]
    fn the_read_cache_stays_within_its_entry_and_byte_bounds() {
        let mut cache = ReadCache::default();
        for i in 0..(READ_CACHE_ENTRIES * 3) {
            cache.insert(&(i as u64).to_le_bytes(), Some(vec![0; 16]));
            let (entries, bytes) = cache.len();
            assert!(entries <= READ_CACHE_ENTRIES && bytes <= READ_CACHE_BYTES);
        }
        for i in 0..200u64 {
            cache.insert(&i.to_be_bytes(), Some(vec![1; 1 << 20]));
            let (entries, bytes) = cache.len();
            assert!(entries <= READ_CACHE_ENTRIES && bytes <= READ_CACHE_BYTES);
        }
        cache.insert(b"huge", Some(vec![2; READ_CACHE_BYTES + 1]));
        assert_eq!(
            cache.get(b"huge"),
            None,
            "a value larger than the cache is not kept"
        );
    }
}
