//! Fixed-size identifiers: [`H256`] and [`AccountId32`].

use crate::scale_paths::newtype_type_info;
use crate::{ss58, Error};
use codec::{Decode, Encode, MaxEncodedLen};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A 256-bit hash, serialized as `0x`-prefixed lower-case hex.
#[derive(
    Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode, MaxEncodedLen,
)]
pub struct H256(pub [u8; 32]);
newtype_type_info!(H256, "H256", "primitive_types", [u8; 32], "[u8; 32]");

/// An account: a 32-byte public key, shown as an SS58 address.
#[derive(
    Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode, MaxEncodedLen,
)]
pub struct AccountId32(pub [u8; 32]);
newtype_type_info!(
    AccountId32,
    "AccountId32",
    "sp_core::crypto",
    [u8; 32],
    "[u8; 32]"
);

/// Parses `0x`-prefixed (or bare) hex of exactly `N` bytes.
pub fn parse_hex_array<const N: usize>(s: &str) -> Result<[u8; N], Error> {
    let raw = s.strip_prefix("0x").unwrap_or(s);
    let bytes = hex::decode(raw).map_err(|e| Error::Hex(e.to_string()))?;
    bytes
        .try_into()
        .map_err(|b: Vec<u8>| Error::Hex(format!("expected {N} bytes, found {}", b.len())))
}

impl H256 {
    /// The hash as bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
    /// `0x`-prefixed lower-case hex.
    pub fn to_hex(&self) -> String {
        format!("0x{}", hex::encode(self.0))
    }
}

impl From<[u8; 32]> for H256 {
    fn from(bytes: [u8; 32]) -> Self {
        H256(bytes)
    }
}

impl AsRef<[u8]> for H256 {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl std::str::FromStr for H256 {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        parse_hex_array(s).map(H256)
    }
}

impl fmt::Debug for H256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Display for H256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for H256 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for H256 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl AccountId32 {
    /// The SS58 address with the given network prefix.
    pub fn to_ss58(&self, prefix: u16) -> String {
        ss58::encode(prefix, &self.0)
    }
    /// Parses an SS58 address of any prefix, or `0x`-prefixed hex.
    pub fn from_ss58_or_hex(s: &str) -> Result<Self, Error> {
        if s.starts_with("0x") {
            return parse_hex_array(s).map(AccountId32);
        }
        ss58::decode(s).map(|(_, key)| AccountId32(key))
    }
}

impl From<[u8; 32]> for AccountId32 {
    fn from(bytes: [u8; 32]) -> Self {
        AccountId32(bytes)
    }
}

impl AsRef<[u8]> for AccountId32 {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Display for AccountId32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_ss58(ss58::DEFAULT_PREFIX))
    }
}

impl fmt::Debug for AccountId32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (0x{})", self, hex::encode(self.0))
    }
}

impl std::str::FromStr for AccountId32 {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::from_ss58_or_hex(s)
    }
}

impl Serialize for AccountId32 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for AccountId32 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
