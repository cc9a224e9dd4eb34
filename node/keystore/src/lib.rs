//! # EntroOS keystore
//!
//! The node's keys in Substrate's file layout, so that keys written by
//! Substrate's tools, zombienet or this node's `key insert` and
//! `author_insertKey` are read alike: one file per key in the keystore
//! directory (`<base>/chains/<chain id>/keystore` by default), named
//! `<hex key type><hex public key>` and holding the secret URI (a phrase,
//! a seed or a `//Dev` path) as a JSON string.
//!
//! Invariants:
//! - a key is stored only if its secret derives the public key in its name
//!   (sr25519 or ed25519), so every file this crate writes reads back as
//!   the key its name announces; a file that does not is reported, naming
//!   it, never used;
//! - files are written whole (temporary file, sync, rename) with mode 0600,
//!   in a directory created with mode 0700;
//! - keys made from a seed (development keys such as `//Alice`) are kept
//!   in memory only, as Substrate keeps them, and never written;
//! - reading never panics: a bad file is a [`KeystoreError`] naming it.
//!
//! Derived sr25519 pairs are cached, so that the slot author can ask for
//! its key every slot for the cost of reading one small file; the file is
//! read every time, so a key removed from the directory stops being used.

mod error;
mod files;

pub use error::KeystoreError;

use entroos_primitives::crypto::{ed25519, sr25519, KeyScheme, KeyTypeId};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use zeroize::Zeroizing;

/// Where a secret was found.
enum Found {
    /// In the in-memory keys.
    Memory(Zeroizing<String>),
    /// In this file.
    File(PathBuf, Zeroizing<String>),
}

impl Found {
    fn uri(&self) -> &str {
        match self {
            Found::Memory(uri) | Found::File(_, uri) => uri,
        }
    }
}

/// A key: its type and public key.
type KeyId = (KeyTypeId, [u8; 32]);

/// The keystore over one directory, plus keys held in memory only.
pub struct Keystore {
    dir: PathBuf,
    in_memory: Mutex<BTreeMap<KeyId, Zeroizing<String>>>,
    sr25519_pairs: Mutex<HashMap<KeyId, sr25519::Pair>>,
}

/// Locks `mutex`, whose data stays consistent even if a holder panicked
/// (every update is a single insert or remove).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The public key of a 32-byte slice.
fn public_of(public: &[u8]) -> Result<[u8; 32], KeystoreError> {
    public
        .try_into()
        .map_err(|_| KeystoreError::PublicLength(public.len()))
}

/// The scheme under which `uri` derives `public`. A URI that derives no
/// sr25519 key derives no key at all (ed25519 accepts fewer URIs).
fn scheme_deriving(uri: &str, public: &[u8; 32]) -> Result<KeyScheme, KeystoreError> {
    let sr25519 = KeyScheme::Sr25519
        .public_from_uri(uri)
        .map_err(KeystoreError::Uri)?;
    if sr25519 == *public {
        return Ok(KeyScheme::Sr25519);
    }
    if KeyScheme::Ed25519.public_from_uri(uri).ok() == Some(*public) {
        return Ok(KeyScheme::Ed25519);
    }
    Err(KeystoreError::Mismatch {
        public: hex::encode(public),
    })
}

impl Keystore {
    /// The keystore in `dir`. Nothing is read or created until used; the
    /// directory is created (mode 0700) by the first key written.
    pub fn open(dir: impl Into<PathBuf>) -> Self {
        Keystore {
            dir: dir.into(),
            in_memory: Mutex::new(BTreeMap::new()),
            sr25519_pairs: Mutex::new(HashMap::new()),
        }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Stores the key `suri` of `key_type` under `public`, which the URI
    /// must derive as sr25519 or ed25519 (else nothing is written). A file
    /// already there for the same key is replaced.
    pub fn insert(
        &self,
        key_type: KeyTypeId,
        suri: &str,
        public: &[u8],
    ) -> Result<(), KeystoreError> {
        let public = public_of(public)?;
        scheme_deriving(suri, &public)?;
        files::write_secret(&self.dir, &files::name(key_type, &public), suri)
    }

    /// Keeps the key `suri` of `key_type` under `public` in memory only
    /// (checked like [`Keystore::insert`]).
    pub fn insert_in_memory(
        &self,
        key_type: KeyTypeId,
        suri: &str,
        public: &[u8],
    ) -> Result<(), KeystoreError> {
        let public = public_of(public)?;
        scheme_deriving(suri, &public)?;
        lock(&self.in_memory).insert((key_type, public), Zeroizing::new(suri.to_string()));
        Ok(())
    }

    /// Makes a key of `key_type` and `scheme` from a new random 12-word
    /// phrase (which the file holds, as Substrate writes generated keys),
    /// stores it, and returns its public key.
    pub fn generate(
        &self,
        key_type: KeyTypeId,
        scheme: KeyScheme,
    ) -> Result<[u8; 32], KeystoreError> {
        let phrase = Zeroizing::new(new_phrase());
        let public = scheme
            .public_from_uri(&phrase)
            .map_err(KeystoreError::Uri)?;
        self.insert(key_type, &phrase, &public)?;
        Ok(public)
    }

    /// Makes the key of `key_type` and `scheme` that `seed` (a secret URI)
    /// derives, keeps it in memory only, and returns its public key.
    pub fn generate_from_seed(
        &self,
        key_type: KeyTypeId,
        scheme: KeyScheme,
        seed: &str,
    ) -> Result<[u8; 32], KeystoreError> {
        let public = scheme.public_from_uri(seed).map_err(KeystoreError::Uri)?;
        self.insert_in_memory(key_type, seed, &public)?;
        Ok(public)
    }

    /// The secret of a key, from memory or its file.
    fn find(&self, key_type: KeyTypeId, public: &[u8; 32]) -> Result<Option<Found>, KeystoreError> {
        if let Some(uri) = lock(&self.in_memory).get(&(key_type, *public)) {
            return Ok(Some(Found::Memory(uri.clone())));
        }
        let file = files::path(&self.dir, key_type, public);
        Ok(files::read_secret(&file)?.map(|uri| Found::File(file, uri)))
    }

    /// Whether the keystore holds a usable key of `key_type` under `public`
    /// (of either scheme). A file that is there but unusable is an error.
    pub fn has(&self, key_type: KeyTypeId, public: &[u8]) -> Result<bool, KeystoreError> {
        let Ok(public) = <[u8; 32]>::try_from(public) else {
            return Ok(false);
        };
        let Some(found) = self.find(key_type, &public)? else {
            return Ok(false);
        };
        match (&found, scheme_deriving(found.uri(), &public)) {
            (_, Ok(_)) => Ok(true),
            (Found::File(file, uri), Err(_)) => Err(file_error(file, uri, KeyScheme::Sr25519)),
            (Found::Memory(_), Err(e)) => Err(e),
        }
    }

    /// Whether the keystore holds every one of `keys`.
    pub fn has_all(&self, keys: &[(Vec<u8>, KeyTypeId)]) -> Result<bool, KeystoreError> {
        for (public, key_type) in keys {
            if !self.has(*key_type, public)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The public keys of `key_type`, in memory or on disk, in order.
    pub fn public_keys(&self, key_type: KeyTypeId) -> Result<Vec<[u8; 32]>, KeystoreError> {
        let mut keys: BTreeSet<[u8; 32]> = files::names(&self.dir)?
            .iter()
            .filter_map(|name| files::public_in_name(key_type, name))
            .collect();
        keys.extend(
            lock(&self.in_memory)
                .keys()
                .filter(|(t, _)| *t == key_type)
                .map(|(_, public)| *public),
        );
        Ok(keys.into_iter().collect())
    }

    /// The sr25519 pair of `key_type` under `public`, if the keystore has it.
    pub fn sr25519_pair(
        &self,
        key_type: KeyTypeId,
        public: &[u8; 32],
    ) -> Result<Option<sr25519::Pair>, KeystoreError> {
        let Some(found) = self.find(key_type, public)? else {
            lock(&self.sr25519_pairs).remove(&(key_type, *public));
            return Ok(None);
        };
        if let Some(pair) = lock(&self.sr25519_pairs).get(&(key_type, *public)) {
            return Ok(Some(pair.clone()));
        }
        let pair = sr25519::Pair::from_uri(found.uri()).map_err(|e| secret_error(&found, e))?;
        if pair.public() != *public {
            return Err(mismatch(&found, KeyScheme::Sr25519, &pair.public()));
        }
        lock(&self.sr25519_pairs).insert((key_type, *public), pair.clone());
        Ok(Some(pair))
    }

    /// The ed25519 pair of `key_type` under `public`, if the keystore has it.
    pub fn ed25519_pair(
        &self,
        key_type: KeyTypeId,
        public: &[u8; 32],
    ) -> Result<Option<ed25519::Pair>, KeystoreError> {
        let Some(found) = self.find(key_type, public)? else {
            return Ok(None);
        };
        let pair = ed25519::Pair::from_uri(found.uri()).map_err(|e| secret_error(&found, e))?;
        if pair.public() != *public {
            return Err(mismatch(&found, KeyScheme::Ed25519, &pair.public()));
        }
        Ok(Some(pair))
    }
}

/// A new random 12-word phrase.
fn new_phrase() -> String {
    bip39::Mnemonic::generate(12)
        .map(|m| m.to_string())
        .unwrap_or_else(|_| unreachable!("12 is a valid BIP-39 word count"))
}

/// The error of a file whose secret derives another key, or none.
fn file_error(file: &Path, uri: &str, scheme: KeyScheme) -> KeystoreError {
    match scheme.public_from_uri(uri) {
        Ok(derived) => KeystoreError::FileMismatch {
            file: file.to_path_buf(),
            scheme: scheme.name(),
            derived: hex::encode(derived),
        },
        Err(source) => KeystoreError::Secret {
            file: file.to_path_buf(),
            source,
        },
    }
}

fn secret_error(found: &Found, source: entroos_primitives::Error) -> KeystoreError {
    match found {
        Found::File(file, _) => KeystoreError::Secret {
            file: file.clone(),
            source,
        },
        Found::Memory(_) => KeystoreError::Uri(source),
    }
}

fn mismatch(found: &Found, scheme: KeyScheme, derived: &[u8; 32]) -> KeystoreError {
    match found {
        Found::File(file, _) => KeystoreError::FileMismatch {
            file: file.clone(),
            scheme: scheme.name(),
            derived: hex::encode(derived),
        },
        Found::Memory(_) => KeystoreError::Mismatch {
            public: hex::encode(derived),
        },
    }
}

#[cfg(test)]
mod tests;
