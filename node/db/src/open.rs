//! Opening a database on disk, refusing rather than repairing.
//!
//! 1. The directory: missing or empty means a new database; files without
//!    `CURRENT` are refused before RocksDB sees them (it would start a new
//!    database over them and later delete their tables).
//! 2. An existing database is checked through a read-only RocksDB handle,
//!    which writes nothing: every column family is listed in the MANIFEST,
//!    the layout version and pruning mode match, the finalized head is not
//!    behind the finality record, and the walk in [`walk`] finds the heads,
//!    their bodies and states, and the canonical lookup whole.
//! 3. Only then is it opened for writing, the finality record brought
//!    up to the finalized head, and blocks kept only for pins of the last
//!    run (detached blocks) deleted.
//!
//! The finality record is `<dir>.finalized` beside the database directory
//! `<dir>`: one line, `<number> <hash>`, replaced atomically and durably
//! (temporary file, fsync, rename, fsync of the directory) each time
//! finality moves. Being outside the directory, it also notices a database
//! that vanished (deleted, or a volume not mounted).

mod record;
mod walk;

pub(crate) use record::FinalityRecord;
pub use record::FINALITY_RECORD_SUFFIX;
pub use walk::Inconsistency;

use crate::kv::Column;
use crate::{meta, Database, DbError, Pruning, RocksKv, RocksOptions, SCHEMA_VERSION};
use entroos_primitives::{BlockNumber, H256};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the database directory holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DirState {
    /// Nothing (or no directory): a new database may be created.
    Empty,
    /// A RocksDB database (`CURRENT` present).
    Database,
}

/// Entries a mount point may hold that are not database files.
const NOT_DATABASE_FILES: [&str; 1] = ["lost+found"];

fn inspect(path: &Path) -> Result<DirState, DbError> {
    let entries = match std::fs::read_dir(path) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(DirState::Empty),
        Err(source) => return Err(io_error("reading the database directory", path, source)),
    };
    let mut any = false;
    for entry in entries {
        let entry = entry.map_err(|e| io_error("reading the database directory", path, e))?;
        let name = entry.file_name();
        if name == "CURRENT" {
            return Ok(DirState::Database);
        }
        any |= !NOT_DATABASE_FILES.iter().any(|n| name == *n);
    }
    if any {
        return Err(DbError::CurrentMissing {
            path: path.to_path_buf(),
        });
    }
    Ok(DirState::Empty)
}

/// Refuses a directory that holds files but no `CURRENT`.
pub(crate) fn refuse_files_without_current(path: &Path) -> Result<(), DbError> {
    inspect(path).map(|_| ())
}

pub(crate) fn io_error(what: &'static str, path: &Path, source: std::io::Error) -> DbError {
    DbError::Io {
        what,
        path: path.to_path_buf(),
        source,
    }
}

/// Reads of an existing database name the directory and the remedy.
fn located(path: &Path) -> impl Fn(DbError) -> DbError + '_ {
    move |error| match error {
        DbError::Rocks(source) => DbError::Unopenable {
            path: path.to_path_buf(),
            source,
        },
        DbError::Corrupt { what, reason } => DbError::Inconsistent {
            path: path.to_path_buf(),
            problem: Inconsistency::Undecodable { what, reason },
        },
        other => other,
    }
}

/// Opens the database in `path`; see the module documentation.
pub(crate) fn open(path: &Path, pruning: Pruning) -> Result<Database, DbError> {
    let record = FinalityRecord::beside(path)?;
    let recorded = record.read()?;
    let create = match inspect(path)? {
        DirState::Database => {
            check_existing(path, pruning, &record, recorded)?;
            false
        }
        DirState::Empty => match recorded {
            Some((number, hash)) => {
                return Err(DbError::DatabaseMissing {
                    path: path.to_path_buf(),
                    record: record.path().to_path_buf(),
                    recorded: number,
                    recorded_hash: hash,
                })
            }
            None => true,
        },
    };
    let kv = RocksKv::open(
        path,
        RocksOptions {
            create_if_missing: create,
        },
    )
    .map_err(located(path))?;
    let mut db = Database::with_store(Arc::new(kv), pruning);
    db.record = Some(Arc::new(record));
    if let Some(heads) = db.heads()? {
        db.after_finalize(heads.finalized.0, heads.finalized.1)?;
    }
    if !db.detached()?.is_empty() {
        // Pins do not outlive the process: what they held back goes now.
        db.release_held(&db.pins.lock())?;
    }
    Ok(db)
}

/// The pruning mode an existing database in `path` was created with
/// (`None` for no database yet), read without writing any of its files.
pub(crate) fn recorded_pruning(path: &Path) -> Result<Option<Pruning>, DbError> {
    if inspect(path)? == DirState::Empty {
        return Ok(None);
    }
    check_columns(path)?;
    let kv = RocksKv::open_read_only(path).map_err(located(path))?;
    let probe = Database::with_store(Arc::new(kv), Pruning::Archive);
    probe.meta::<Pruning>(meta::PRUNING).map_err(located(path))
}

/// Checks an existing database without writing any of its files.
fn check_existing(
    path: &Path,
    pruning: Pruning,
    record: &FinalityRecord,
    recorded: Option<(BlockNumber, H256)>,
) -> Result<(), DbError> {
    check_columns(path)?;
    let kv = RocksKv::open_read_only(path).map_err(located(path))?;
    let probe = Database::with_store(Arc::new(kv), pruning);
    check_contents(&probe, path, record.path(), recorded).map_err(located(path))
}

fn check_columns(path: &Path) -> Result<(), DbError> {
    let present = RocksKv::column_families(path).map_err(located(path))?;
    let missing: Vec<&str> = Column::ALL
        .iter()
        .map(|c| c.name())
        .filter(|name| !present.iter().any(|p| p == name))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(DbError::ColumnsMissing {
        path: path.to_path_buf(),
        missing: missing.join(", "),
    })
}

/// The layout, pruning mode, finality record and chain walk of `db`, the
/// database in `path`.
pub(crate) fn check_contents(
    db: &Database,
    path: &Path,
    record: &Path,
    recorded: Option<(BlockNumber, H256)>,
) -> Result<(), DbError> {
    let walk = walk::Walk::new(db, path);
    let Some(genesis) = db.meta::<H256>(meta::GENESIS)? else {
        return match recorded {
            Some(_) => Err(walk.bad(Inconsistency::MissingMeta("genesis"))),
            None => Ok(()),
        };
    };
    check_layout(db, path)?;
    let heads = walk.heads(genesis)?;
    if let Some(recorded) = recorded {
        check_record(&walk, record, recorded, heads.finalized)?;
    }
    walk.chain(&heads)
}

fn check_layout(db: &Database, path: &Path) -> Result<(), DbError> {
    let path = path.to_path_buf();
    match db.meta::<u32>(meta::SCHEMA)? {
        None => {
            return Err(DbError::UnversionedLayout {
                path,
                expected: SCHEMA_VERSION,
            })
        }
        Some(found) if found != SCHEMA_VERSION => {
            return Err(DbError::SchemaMismatch {
                path,
                found,
                expected: SCHEMA_VERSION,
            })
        }
        Some(_) => {}
    }
    match db.meta::<Pruning>(meta::PRUNING)? {
        None => Err(DbError::Inconsistent {
            path,
            problem: Inconsistency::MissingMeta("pruning"),
        }),
        Some(recorded) if recorded != db.pruning() => Err(DbError::PruningMismatch {
            path,
            recorded,
            requested: db.pruning(),
        }),
        Some(_) => Ok(()),
    }
}

fn check_record(
    walk: &walk::Walk<'_>,
    record: &Path,
    (number, hash): (BlockNumber, H256),
    finalized: (BlockNumber, H256),
) -> Result<(), DbError> {
    if finalized.0 < number {
        return Err(DbError::FinalizedLost {
            record: record.to_path_buf(),
            recorded: number,
            recorded_hash: hash,
            found: finalized.0,
        });
    }
    match walk.db.hash_of(number)? {
        Some(found) if found == hash => Ok(()),
        Some(found) => Err(DbError::FinalizedReplaced {
            record: record.to_path_buf(),
            number,
            recorded_hash: hash,
            found_hash: found,
        }),
        None => Err(walk.bad(Inconsistency::MissingLookup(number))),
    }
}

impl Database {
    /// Records that finality moved to `number` (`hash`); called after each
    /// finalizing write. A no-op without a finality record (a database in
    /// memory) or when the record is already at or past `number`.
    pub(crate) fn after_finalize(&self, number: BlockNumber, hash: H256) -> Result<(), DbError> {
        match &self.record {
            Some(record) => record.advance(number, hash),
            None => Ok(()),
        }
    }

    /// The finality record's file, for a database on disk.
    pub fn finality_record(&self) -> Option<PathBuf> {
        self.record.as_ref().map(|r| r.path().to_path_buf())
    }
}

#[cfg(test)]
mod tests;
