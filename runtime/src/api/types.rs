//! Runtime API answers and arguments that are Substrate types with no other
//! home here, under Substrate's metadata paths: what [`super::call`] encodes
//! and decodes is what metadata V15 describes.

use codec::{Decode, Encode};
use scale_info::build::Fields;
use scale_info::{Path, Type, TypeInfo};

/// `sp_core::OpaqueMetadata`: SCALE `Vec<u8>` holding prefixed metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode)]
pub struct OpaqueMetadata(pub &'static [u8]);

impl TypeInfo for OpaqueMetadata {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("OpaqueMetadata", "sp_core"))
            .composite(Fields::unnamed().field(|f| f.ty::<Vec<u8>>().type_name("Vec<u8>")))
    }
}

/// `sp_consensus_slots::SlotDuration`: milliseconds, a SCALE `u64`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct SlotDuration(pub u64);

impl TypeInfo for SlotDuration {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("SlotDuration", "sp_consensus_slots"))
            .composite(Fields::unnamed().field(|f| f.ty::<u64>().type_name("u64")))
    }
}

/// `sp_genesis_builder::PresetId`: a genesis preset's name, as bytes.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct PresetId(pub Vec<u8>);

impl TypeInfo for PresetId {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("PresetId", "sp_genesis_builder"))
            .composite(Fields::unnamed().field(|f| f.ty::<Vec<u8>>().type_name("Vec<u8>")))
    }
}
