//! The keystore's errors: each names the file or directory involved.

use std::path::PathBuf;

/// Keystore errors.
#[derive(Debug, thiserror::Error)]
pub enum KeystoreError {
    /// The keystore directory exists but cannot be listed.
    #[error("cannot read the keystore directory {}", dir.display())]
    Dir {
        /// The directory.
        dir: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A key file exists but cannot be read.
    #[error("cannot read keystore file {}", file.display())]
    Read {
        /// The file.
        file: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A key file does not hold a JSON string.
    #[error("keystore file {} does not hold a JSON string", file.display())]
    NotJson {
        /// The file.
        file: PathBuf,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A key file's secret URI derives no key.
    #[error("keystore file {} holds a secret URI that derives no key", file.display())]
    Secret {
        /// The file.
        file: PathBuf,
        /// The deriver's error.
        #[source]
        source: entroos_primitives::Error,
    },
    /// A key file's secret is not the key its name announces.
    #[error("keystore file {}: its secret does not derive the public key in its name ({scheme} key 0x{derived})", file.display())]
    FileMismatch {
        /// The file.
        file: PathBuf,
        /// The scheme asked for.
        scheme: &'static str,
        /// The public key the secret derives, hex.
        derived: String,
    },
    /// A key cannot be written.
    #[error("cannot write keystore file {}", file.display())]
    Write {
        /// The file.
        file: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A secret URI given to insert derives no key.
    #[error("invalid secret URI")]
    Uri(#[source] entroos_primitives::Error),
    /// A secret URI given to insert does not derive the public key given
    /// with it, under either scheme.
    #[error("the secret URI does not derive public key 0x{public} (as sr25519 or ed25519)")]
    Mismatch {
        /// The public key given, hex.
        public: String,
    },
    /// A public key that is not 32 bytes.
    #[error("a public key is 32 bytes, not {0}")]
    PublicLength(usize),
}
