//! Trie nodes read from the `state` column, as a `hash_db` source for `trie-db`.

use crate::kv::Column;
use crate::{Database, DbError};
use entroos_support::trie::Blake2Hasher;
use hash_db::{AsHashDB, HashDB, HashDBRef, Hasher, Prefix};
use memory_db::{HashKey, MemoryDB};
use parking_lot::Mutex;

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
        self.db.get(Column::State, hash)
    }
}

/// Where `trie-db` finds nodes: the database, under an in-memory overlay of
/// nodes not yet committed. `trie-db` cannot be told why a node is missing,
/// so a failed database read is kept here and reported by [`Self::failure`]
/// instead of passing for an absent node.
pub struct NodeSource<'a> {
    /// Committed nodes.
    pub state: &'a StateDb,
    /// Pending inserts (positive count) and removals (negative).
    pub overlay: MemoryDB<Blake2Hasher, HashKey<Blake2Hasher>, Vec<u8>>,
    failure: Mutex<Option<DbError>>,
}

impl<'a> NodeSource<'a> {
    /// A source with an empty overlay.
    pub fn new(state: &'a StateDb) -> Self {
        NodeSource {
            state,
            overlay: MemoryDB::default(),
            failure: Mutex::new(None),
        }
    }

    /// The first database failure met while reading nodes, if any.
    pub fn failure(&self) -> Option<DbError> {
        self.failure.lock().take()
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
                self.failure.lock().get_or_insert(e);
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
