use thiserror::Error;

/// Errors of the primitives crate: malformed input, never a broken invariant.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum Error {
    /// Bytes that do not decode as the expected SCALE type.
    #[error("invalid SCALE encoding of {what}: {reason}")]
    Codec {
        /// The type being decoded.
        what: &'static str,
        /// What the decoder reported.
        reason: String,
    },
    /// An SS58 string that is not valid base58, has a bad length or checksum.
    #[error("invalid SS58 address: {0}")]
    Ss58(&'static str),
    /// An SS58 address whose prefix differs from the one required.
    #[error("SS58 prefix {found} where {expected} is required")]
    Ss58Prefix {
        /// The prefix required.
        expected: u16,
        /// The prefix in the address.
        found: u16,
    },
    /// A secret URI that cannot be parsed or derived.
    #[error("invalid secret URI: {0}")]
    SecretUri(String),
    /// A hex string that is not valid `0x`-prefixed hex of the right length.
    #[error("invalid hex: {0}")]
    Hex(String),
    /// A key of the wrong length or an invalid curve point.
    #[error("invalid key: {0}")]
    Key(&'static str),
    /// A key type that is not four bytes.
    #[error("invalid key type {0:?}: a key type is four bytes, such as aura")]
    KeyType(String),
    /// A signature scheme other than sr25519 and ed25519.
    #[error("unknown scheme {0:?}: use sr25519 or ed25519")]
    Scheme(String),
}
