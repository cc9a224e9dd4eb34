//! The node's PERSISTENT off-chain storage: keys under their own prefix in
//! the database's auxiliary space, each write one atomic, synced batch, so
//! a value written survives a restart and a crash never leaves half of it.

use crate::WorkerError;
use entroos_db::Database;

/// The prefix of PERSISTENT off-chain keys in the database's auxiliary space.
pub const PERSISTENT_PREFIX: &[u8] = b"offchain/persistent/";

/// The node's PERSISTENT off-chain storage, shared by the workers and the
/// `offchain_localStorage*` RPC methods.
#[derive(Clone)]
pub struct LocalStorage {
    db: Database,
}

impl LocalStorage {
    /// The storage kept in `db`.
    pub fn new(db: Database) -> Self {
        LocalStorage { db }
    }

    fn key(key: &[u8]) -> Vec<u8> {
        [PERSISTENT_PREFIX, key].concat()
    }

    /// The value at `key`.
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, WorkerError> {
        Ok(self.db.aux(&Self::key(key))?)
    }

    /// Writes `value` at `key`, durably.
    pub fn set(&self, key: &[u8], value: &[u8]) -> Result<(), WorkerError> {
        Ok(self.db.put_aux(&Self::key(key), value.to_vec())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_db::Pruning;

    #[test]
    fn values_are_kept_apart_from_other_auxiliary_values() {
        let db = Database::in_memory(Pruning::Archive);
        let storage = LocalStorage::new(db.clone());
        assert_eq!(storage.get(b"k").unwrap(), None);
        storage.set(b"k", b"v1").unwrap();
        storage.set(b"k", b"v2").unwrap();
        assert_eq!(storage.get(b"k").unwrap(), Some(b"v2".to_vec()));
        assert_eq!(db.aux(b"k").unwrap(), None, "not in the bare aux space");
        db.put_aux(b"other", b"x".to_vec()).unwrap();
        assert_eq!(storage.get(b"other").unwrap(), None);
        storage.set(b"", b"").unwrap();
        assert_eq!(storage.get(b"").unwrap(), Some(Vec::new()));
    }

    #[test]
    fn values_survive_reopening_the_database() {
        let dir = tempfile::tempdir().unwrap();
        {
            let db = Database::open(dir.path(), Pruning::Archive).unwrap();
            LocalStorage::new(db).set(b"poe/run/1", b"record").unwrap();
        }
        let db = Database::open(dir.path(), Pruning::Archive).unwrap();
        let value = LocalStorage::new(db).get(b"poe/run/1").unwrap();
        assert_eq!(value, Some(b"record".to_vec()));
    }
}
