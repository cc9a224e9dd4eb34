//! Trie nodes read from the `state` column, as a `hash_db` source for `trie-db`.

use super::{Database, DbError};
use entroos_support::trie::Blake2Hasher;
use hash_db::{AsHashDB, HashDB, HashDBRef, Hasher, Prefix};
use memory_db::{HashKey, MemoryDB};

/// Reads trie nodes from the database.
#[derive(Clone)]
pub struct StateDb {
    db: Database,
}

impl StateDb {
    pub(crate) fn new(db: Database) -> Self {
        StateDb { db }
    }

    /// The node with this hash.
    pub fn node(&self, hash: &[u8; 32]) -> Result<Option<Vec<u8>>, DbError> {
        self.db.get("state", hash)
    }
}

/// Where `trie-db` finds nodes: the database, under an in-memory overlay of
/// nodes not yet committed.
pub struct NodeSource<'a> {
    /// Committed nodes.
    pub state: &'a StateDb,
    /// Pending inserts (positive count) and removals (negative).
    pub overlay: MemoryDB<Blake2Hasher, HashKey<Blake2Hasher>, Vec<u8>>,
}

impl<'a> NodeSource<'a> {
    /// A source with an empty overlay.
    pub fn new(state: &'a StateDb) -> Self {
        NodeSource {
            state,
            overlay: MemoryDB::default(),
        }
    }
}

type Out = <Blake2Hasher as Hasher>::Out;

impl HashDBRef<Blake2Hasher, Vec<u8>> for NodeSource<'_> {
    fn get(&self, key: &Out, prefix: Prefix) -> Option<Vec<u8>> {
        if let Some(value) = HashDB::get(&self.overlay, key, prefix) {
            return Some(value);
        }
        match self.state.node(key) {
            Ok(value) => value,
            Err(e) => {
                tracing::error!(target: "db", "reading trie node {}: {e}", hex::encode(key));
                None
            }
        }
    }
    fn contains(&self, key: &Out, prefix: Prefix) -> bool {
        HashDBRef::get(self, key, prefix).is_some()
    }
}

impl HashDB<Blake2Hasher, Vec<u8>> for NodeSource<'_> {
    fn get(&self, key: &Out, prefix: Prefix) -> Option<Vec<u8>> {
        HashDBRef::get(self, key, prefix)
    }
    fn contains(&self, key: &Out, prefix: Prefix) -> bool {
        HashDBRef::contains(self, key, prefix)
    }
    fn insert(&mut self, prefix: Prefix, value: &[u8]) -> Out {
        self.overlay.insert(prefix, value)
    }
    fn emplace(&mut self, key: Out, prefix: Prefix, value: Vec<u8>) {
        self.overlay.emplace(key, prefix, value)
    }
    fn remove(&mut self, key: &Out, prefix: Prefix) {
        self.overlay.remove(key, prefix)
    }
}

impl AsHashDB<Blake2Hasher, Vec<u8>> for NodeSource<'_> {
    fn as_hash_db(&self) -> &dyn HashDB<Blake2Hasher, Vec<u8>> {
        self
    }
    fn as_hash_db_mut<'b>(&'b mut self) -> &'b mut (dyn HashDB<Blake2Hasher, Vec<u8>> + 'b) {
        self
    }
}
