//! The RocksDB store: one column family per [`Column`].

use crate::kv::{Column, KeyValue, Op, Transaction};
use crate::DbError;
use rocksdb::{ColumnFamilyDescriptor, IteratorMode, Options, WriteBatch, WriteOptions, DB};
use std::path::Path;

/// The chain database on disk.
pub struct RocksKv {
    db: DB,
}

/// How a RocksDB store is opened.
#[derive(Clone, Copy, Debug)]
pub struct RocksOptions {
    /// Create the database if the directory holds none.
    pub create_if_missing: bool,
}

impl RocksKv {
    /// Opens the store in `path`.
    pub fn open(path: &Path, how: RocksOptions) -> Result<Self, DbError> {
        let mut options = Options::default();
        options.create_if_missing(how.create_if_missing);
        options.create_missing_column_families(true);
        options.set_paranoid_checks(true);
        options.set_max_open_files(512);
        let columns = Column::ALL
            .iter()
            .map(|c| ColumnFamilyDescriptor::new(c.name(), Options::default()));
        let db = DB::open_cf_descriptors(&options, path, columns)?;
        Ok(RocksKv { db })
    }

    fn column(&self, column: Column) -> Result<&rocksdb::ColumnFamily, DbError> {
        self.db.cf_handle(column.name()).ok_or(DbError::Corrupt {
            what: column.name(),
            reason: "missing column family".into(),
        })
    }
}

impl KeyValue for RocksKv {
    fn get(&self, column: Column, key: &[u8]) -> Result<Option<Vec<u8>>, DbError> {
        Ok(self.db.get_cf(self.column(column)?, key)?)
    }

    fn write(&self, tx: Transaction, sync: bool) -> Result<(), DbError> {
        let mut batch = WriteBatch::default();
        for op in tx.ops {
            match op {
                Op::Put(column, key, value) => batch.put_cf(self.column(column)?, key, value),
                Op::Delete(column, key) => batch.delete_cf(self.column(column)?, key),
            }
        }
        let mut options = WriteOptions::default();
        options.set_sync(sync);
        Ok(self.db.write_opt(batch, &options)?)
    }

    fn keys_with_prefix(&self, column: Column, prefix: &[u8]) -> Result<Vec<Vec<u8>>, DbError> {
        let mode = IteratorMode::From(prefix, rocksdb::Direction::Forward);
        let mut keys = Vec::new();
        for item in self.db.iterator_cf(self.column(column)?, mode) {
            let (key, _) = item?;
            if !key.starts_with(prefix) {
                break;
            }
            keys.push(key.to_vec());
        }
        Ok(keys)
    }
}
