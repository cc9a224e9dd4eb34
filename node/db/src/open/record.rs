//! The finality record: the last finalized block, in a file beside the
//! database directory, so that a database that lost finalized blocks is
//! noticed at open.

use super::io_error;
use crate::DbError;
use entroos_primitives::{BlockNumber, H256};
use parking_lot::Mutex;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The record of database directory `<dir>` is the file `<dir>` followed by this.
pub const FINALITY_RECORD_SUFFIX: &str = ".finalized";

/// The finality record of one database.
pub(crate) struct FinalityRecord {
    path: PathBuf,
    /// The number last read or written, serializing writers.
    written: Mutex<Option<BlockNumber>>,
}

impl FinalityRecord {
    /// The record of the database directory `dir`.
    pub fn beside(dir: &Path) -> Result<Self, DbError> {
        let named = match dir.file_name() {
            Some(_) => dir.to_path_buf(),
            None => std::fs::canonicalize(dir)
                .map_err(|e| io_error("resolving the database directory", dir, e))?,
        };
        let mut name = named.file_name().unwrap_or_default().to_os_string();
        name.push(FINALITY_RECORD_SUFFIX);
        Ok(FinalityRecord {
            path: named.with_file_name(name),
            written: Mutex::new(None),
        })
    }

    /// The record's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The recorded `(number, hash)`, if there is a record.
    pub fn read(&self) -> Result<Option<(BlockNumber, H256)>, DbError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error("reading the finality record", &self.path, e)),
        };
        let (number, hash) = parse(&text).map_err(|reason| DbError::RecordUnreadable {
            record: self.path.clone(),
            reason,
        })?;
        *self.written.lock() = Some(number);
        Ok(Some((number, hash)))
    }

    /// Records `(number, hash)` durably unless the record is already at or
    /// past `number`.
    pub fn advance(&self, number: BlockNumber, hash: H256) -> Result<(), DbError> {
        let mut written = self.written.lock();
        if written.is_some_and(|w| w >= number) {
            return Ok(());
        }
        write_durably(&self.path, format!("{number} {hash}\n").as_bytes()).map_err(|source| {
            DbError::RecordWrite {
                record: self.path.clone(),
                source,
            }
        })?;
        *written = Some(number);
        Ok(())
    }
}

fn parse(text: &str) -> Result<(BlockNumber, H256), String> {
    let line = text
        .strip_suffix('\n')
        .ok_or("it does not end with a newline")?;
    let (number, hash) = line.split_once(' ').ok_or("expected `<number> <hash>`")?;
    let number = number
        .parse()
        .map_err(|e| format!("block number {number:?}: {e}"))?;
    let hash = hash
        .parse()
        .map_err(|e| format!("block hash {hash:?}: {e:?}"))?;
    Ok((number, hash))
}

/// Replaces `path` with `contents`: a temporary file, synced, renamed over
/// it, then the directory synced, so a crash leaves the old or the new file.
fn write_durably(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut temporary = path.as_os_str().to_os_string();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(contents)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&temporary, path)?;
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::File::open(directory)?.sync_all()
}
