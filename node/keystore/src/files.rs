//! The keystore's files: their names, the atomic private write, and reads
//! that report the file in every error.

use crate::KeystoreError;
use entroos_primitives::crypto::KeyTypeId;
use std::io::Write;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The file name of a key: the hex of its key type, then of its public key.
pub fn name(key_type: KeyTypeId, public: &[u8; 32]) -> String {
    format!("{}{}", hex::encode(key_type.0), hex::encode(public))
}

/// The public key a file name gives for `key_type`, if the name is one of
/// that type's keys.
pub fn public_in_name(key_type: KeyTypeId, name: &str) -> Option<[u8; 32]> {
    let rest = name.strip_prefix(&hex::encode(key_type.0))?;
    let mut public = [0u8; 32];
    hex::decode_to_slice(rest, &mut public).ok()?;
    Some(public)
}

/// The names in `dir`; a missing directory has none.
pub fn names(dir: &Path) -> Result<Vec<String>, KeystoreError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(dir_error(dir, source)),
    };
    entries
        .map(|entry| {
            entry
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .map_err(|source| dir_error(dir, source))
        })
        .collect()
}

fn dir_error(dir: &Path, source: std::io::Error) -> KeystoreError {
    KeystoreError::Dir {
        dir: dir.to_path_buf(),
        source,
    }
}

/// The secret URI in `file`, or `None` if there is no such file.
pub fn read_secret(file: &Path) -> Result<Option<Zeroizing<String>>, KeystoreError> {
    let text = match std::fs::read(file) {
        Ok(bytes) => Zeroizing::new(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(KeystoreError::Read {
                file: file.to_path_buf(),
                source,
            })
        }
    };
    serde_json::from_slice::<String>(&text)
        .map(|uri| Some(Zeroizing::new(uri)))
        .map_err(|source| KeystoreError::NotJson {
            file: file.to_path_buf(),
            source,
        })
}

/// Writes `uri` as a JSON string to `dir/name`: into a private temporary
/// file first, synced, then renamed over the name, so that a reader sees
/// the old file or the new one and never a part. The directory is created
/// (mode 0700) if missing; the file is mode 0600.
pub fn write_secret(dir: &Path, name: &str, uri: &str) -> Result<(), KeystoreError> {
    let file = dir.join(name);
    let write_error = |source| KeystoreError::Write {
        file: file.clone(),
        source,
    };
    let json = Zeroizing::new(serde_json::to_vec(uri).map_err(|e| write_error(e.into()))?);
    create_private_dir(dir).map_err(write_error)?;
    let mut temporary = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .map_err(write_error)?;
    set_private(temporary.path()).map_err(write_error)?;
    temporary.write_all(&json).map_err(write_error)?;
    temporary.as_file().sync_all().map_err(write_error)?;
    temporary.persist(&file).map_err(|e| write_error(e.error))?;
    sync_dir(dir).map_err(write_error)
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn set_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn set_private(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Makes the rename durable.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The path of a key file.
pub fn path(dir: &Path, key_type: KeyTypeId, public: &[u8; 32]) -> PathBuf {
    dir.join(name(key_type, public))
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_primitives::crypto::key_types::known::AURA;

    #[test]
    fn names_are_hex_key_type_then_hex_public() {
        let public = [0xab; 32];
        let name = name(AURA, &public);
        assert_eq!(name, format!("61757261{}", "ab".repeat(32)));
        assert_eq!(public_in_name(AURA, &name), Some(public));
        assert_eq!(public_in_name(KeyTypeId(*b"gran"), &name), None);
        assert_eq!(public_in_name(AURA, "61757261abab"), None);
        assert_eq!(
            public_in_name(AURA, &format!("61757261{}", "zz".repeat(32))),
            None
        );
        assert_eq!(public_in_name(AURA, ".tmp-61757261"), None);
    }
}
