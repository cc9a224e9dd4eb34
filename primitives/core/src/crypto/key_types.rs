//! Key types and schemes: what a keystore key is for (`aura`, …) and which
//! signature scheme derives it, as Substrate names them.

use super::{ed25519, sr25519};
use crate::scale_paths::newtype_type_info;
use crate::Error;
use codec::{Decode, Encode, MaxEncodedLen};
use std::fmt;

/// A key's purpose in four bytes: `sp_core::crypto::KeyTypeId`. A keystore
/// file name starts with its hex.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode, MaxEncodedLen)]
pub struct KeyTypeId(pub [u8; 4]);
newtype_type_info!(
    KeyTypeId,
    "KeyTypeId",
    "sp_core::crypto",
    [u8; 4],
    "[u8; 4]"
);

/// The well-known key types (Substrate's `sp_core::crypto::key_types`).
pub mod known {
    use super::KeyTypeId;

    /// Aura block authoring.
    pub const AURA: KeyTypeId = KeyTypeId(*b"aura");
    /// BABE-style slot authorship: EntroOS's sr25519 VRF and sealing key.
    pub const BABE: KeyTypeId = KeyTypeId(*b"babe");
    /// GRANDPA-style finality: EntroOS's ed25519 finality key.
    pub const GRANDPA: KeyTypeId = KeyTypeId(*b"gran");
}

impl KeyTypeId {
    /// The key type spelled by `text`, which must be exactly four bytes
    /// (Substrate's `KeyTypeId::try_from(&str)`).
    pub fn from_text(text: &str) -> Result<Self, Error> {
        <[u8; 4]>::try_from(text.as_bytes())
            .map(KeyTypeId)
            .map_err(|_| Error::KeyType(text.into()))
    }
}

impl fmt::Display for KeyTypeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match std::str::from_utf8(&self.0) {
            Ok(text) if text.chars().all(|c| c.is_ascii_graphic()) => f.write_str(text),
            _ => write!(f, "0x{}", hex::encode(self.0)),
        }
    }
}

impl fmt::Debug for KeyTypeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyTypeId({self})")
    }
}

/// The signature scheme of a key. Both have 32-byte public keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyScheme {
    /// Schnorrkel over ristretto255 (accounts, Aura, VRF).
    Sr25519,
    /// Edwards-curve signatures (finality).
    Ed25519,
}

impl KeyScheme {
    /// Both schemes, sr25519 first.
    pub const ALL: [KeyScheme; 2] = [KeyScheme::Sr25519, KeyScheme::Ed25519];

    /// The public key `uri` derives under this scheme.
    pub fn public_from_uri(self, uri: &str) -> Result<[u8; 32], Error> {
        match self {
            KeyScheme::Sr25519 => sr25519::Pair::from_uri(uri).map(|p| p.public()),
            KeyScheme::Ed25519 => ed25519::Pair::from_uri(uri).map(|p| p.public()),
        }
    }

    /// `sr25519` or `ed25519`.
    pub fn name(self) -> &'static str {
        match self {
            KeyScheme::Sr25519 => "sr25519",
            KeyScheme::Ed25519 => "ed25519",
        }
    }
}

impl fmt::Display for KeyScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for KeyScheme {
    type Err = Error;
    /// `sr25519` or `ed25519`, in any case.
    fn from_str(text: &str) -> Result<Self, Error> {
        Self::ALL
            .into_iter()
            .find(|scheme| scheme.name().eq_ignore_ascii_case(text))
            .ok_or_else(|| Error::Scheme(text.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_types_are_exactly_four_bytes() {
        assert_eq!(KeyTypeId::from_text("aura").unwrap(), known::AURA);
        assert_eq!(known::AURA.encode(), b"aura");
        for bad in ["", "aur", "auras", "ü123"] {
            assert_eq!(
                KeyTypeId::from_text(bad),
                Err(Error::KeyType(bad.into())),
                "{bad}"
            );
        }
        let bytes = KeyTypeId::from_text("ü12").unwrap();
        assert_eq!(bytes.to_string(), "0xc3bc3132", "four bytes, shown as hex");
        assert_eq!(known::AURA.to_string(), "aura");
        assert_eq!(KeyTypeId([0, 1, 2, 3]).to_string(), "0x00010203");
    }

    #[test]
    fn schemes_parse_in_any_case_and_derive_substrates_keys() {
        assert_eq!("Sr25519".parse::<KeyScheme>().unwrap(), KeyScheme::Sr25519);
        assert_eq!("ED25519".parse::<KeyScheme>().unwrap(), KeyScheme::Ed25519);
        assert_eq!(
            "ecdsa".parse::<KeyScheme>(),
            Err(Error::Scheme("ecdsa".into()))
        );
        let alice_sr = KeyScheme::Sr25519.public_from_uri("//Alice").unwrap();
        assert_eq!(
            hex::encode(alice_sr),
            "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
        );
        let alice_ed = KeyScheme::Ed25519.public_from_uri("//Alice").unwrap();
        assert_eq!(
            hex::encode(alice_ed),
            "88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee"
        );
        assert!(KeyScheme::Ed25519.public_from_uri("//Alice/soft").is_err());
    }
}
