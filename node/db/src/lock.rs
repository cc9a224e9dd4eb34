//! An exclusive advisory lock on a directory (the chain's data directory),
//! held by every command that opens or removes the database there, so that
//! a second process is refused instead of opening, or deleting, a database
//! in use. The lock file holds the holder's process id.

use crate::open::io_error;
use crate::DbError;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The lock file's name in the locked directory.
pub const LOCK_FILE: &str = "node.lock";

/// A held lock; released when dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub struct DirLock {
    _file: File,
    path: PathBuf,
}

impl DirLock {
    /// Locks `dir` (created if missing), or refuses with the holder's pid.
    pub fn acquire(dir: &Path) -> Result<Self, DbError> {
        std::fs::create_dir_all(dir).map_err(|e| io_error("creating", dir, e))?;
        let path = dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| io_error("opening the lock file", &path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(DbError::InUse {
                    path: dir.to_path_buf(),
                    holder: holder(&mut file),
                })
            }
            Err(TryLockError::Error(e)) => return Err(io_error("locking", &path, e)),
        }
        file.set_len(0)
            .and_then(|()| file.write_all(format!("{}\n", std::process::id()).as_bytes()))
            .map_err(|e| io_error("writing the lock file", &path, e))?;
        Ok(DirLock { _file: file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// `pid N` from the lock file, or `pid unknown`.
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    match file
        .read_to_string(&mut text)
        .ok()
        .map(|_| text.trim().parse::<u32>())
    {
        Some(Ok(pid)) => format!("pid {pid}"),
        _ => "pid unknown".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_with_the_first_ones_pid() {
        let dir = tempfile::tempdir().unwrap();
        let first = DirLock::acquire(dir.path()).unwrap();
        let refusal = DirLock::acquire(dir.path()).unwrap_err().to_string();
        assert_eq!(
            refusal,
            format!(
                "the database at {} is in use by another process (pid {}); stop it first",
                dir.path().display(),
                std::process::id()
            )
        );
        drop(first);
        let again = DirLock::acquire(dir.path()).unwrap();
        assert_eq!(again.path(), dir.path().join(LOCK_FILE));
    }
}
