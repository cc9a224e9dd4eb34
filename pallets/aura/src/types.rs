//! Aura's stored types, under Substrate's metadata paths.

use codec::{Decode, Encode, MaxEncodedLen};
use entroos_primitives::AccountId32;
use scale_info::{Path, Type, TypeInfo};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An authority's sr25519 public key: `sp_consensus_aura::sr25519::app_sr25519::Public`
/// in the metadata, an SS58 address in genesis JSON.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode, MaxEncodedLen)]
pub struct AuthorityId(pub [u8; 32]);

impl TypeInfo for AuthorityId {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new(
                "Public",
                "sp_consensus_aura::sr25519::app_sr25519",
            ))
            .composite(
                scale_info::build::Fields::unnamed()
                    .field(|f| f.ty::<[u8; 32]>().type_name("[u8; 32]")),
            )
    }
}

impl From<[u8; 32]> for AuthorityId {
    fn from(key: [u8; 32]) -> Self {
        AuthorityId(key)
    }
}

impl fmt::Display for AuthorityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&AccountId32(self.0), f)
    }
}

impl fmt::Debug for AuthorityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&AccountId32(self.0), f)
    }
}

impl std::str::FromStr for AuthorityId {
    type Err = entroos_primitives::Error;
    /// An SS58 address of any prefix, or `0x`-prefixed hex.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse::<AccountId32>()
            .map(|account| AuthorityId(account.0))
    }
}

impl Serialize for AuthorityId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        AccountId32(self.0).serialize(s)
    }
}

impl<'de> Deserialize<'de> for AuthorityId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        AccountId32::deserialize(d).map(|account| AuthorityId(account.0))
    }
}

/// A slot number: `sp_consensus_slots::Slot` in the metadata, a SCALE `u64`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode, MaxEncodedLen,
)]
pub struct Slot(pub u64);

impl TypeInfo for Slot {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("Slot", "sp_consensus_slots"))
            .composite(
                scale_info::build::Fields::unnamed().field(|f| f.ty::<u64>().type_name("u64")),
            )
    }
}

impl From<u64> for Slot {
    fn from(slot: u64) -> Self {
        Slot(slot)
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}
