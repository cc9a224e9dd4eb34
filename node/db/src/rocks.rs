//! The RocksDB store: one column family per [`Column`].
//!
//! Opened with paranoid checks and point-in-time WAL recovery (a damaged
//! log tail is dropped, never skipped over). [`RocksKv::open_read_only`]
//! and [`RocksKv::column_families`] read a database without writing any of
//! its files; [`crate::Database::open`] uses them to check a database
//! before opening it for writing, since a writable open rewrites the
//! MANIFEST and flushes the recovered log even when it then fails.

use crate::kv::{Column, KeyValue, Op, Transaction};
use crate::DbError;
use rocksdb::{
    ColumnFamilyDescriptor, DBRecoveryMode, IteratorMode, Options, WriteBatch, WriteOptions, DB,
};
use std::path::Path;

/// The chain database on disk.
pub struct RocksKv {
    db: DB,
}

/// How a RocksDB store is opened.
#[derive(Clone, Copy, Debug)]
pub struct RocksOptions {
    /// Create the database (and its column families) if the directory
    /// holds none; a directory holding files without `CURRENT` is refused.
    pub create_if_missing: bool,
}

fn options(create: bool) -> Options {
    let mut options = Options::default();
    options.create_if_missing(create);
    options.create_missing_column_families(create);
    options.set_paranoid_checks(true);
    options.set_wal_recovery_mode(DBRecoveryMode::PointInTime);
    options.set_max_open_files(512);
    options
}

fn descriptors() -> impl Iterator<Item = ColumnFamilyDescriptor> {
    Column::ALL
        .iter()
        .map(|c| ColumnFamilyDescriptor::new(c.name(), Options::default()))
}

impl RocksKv {
    /// Opens the store in `path` for reading and writing.
    pub fn open(path: &Path, how: RocksOptions) -> Result<Self, DbError> {
        if how.create_if_missing {
            crate::open::refuse_files_without_current(path)?;
        }
        let db = DB::open_cf_descriptors(&options(how.create_if_missing), path, descriptors())?;
        Ok(RocksKv { db })
    }

    /// Opens the existing store in `path` for reading only; no file of the
    /// database is created, changed or removed.
    pub fn open_read_only(path: &Path) -> Result<Self, DbError> {
        let db = DB::open_cf_descriptors_read_only(&options(false), path, descriptors(), false)?;
        Ok(RocksKv { db })
    }

    /// The column families the database's MANIFEST lists (read only).
    pub fn column_families(path: &Path) -> Result<Vec<String>, DbError> {
        Ok(DB::list_cf(&options(false), path)?)
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
