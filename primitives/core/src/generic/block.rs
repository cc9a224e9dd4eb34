//! Blocks: a header and its extrinsics, each length-prefixed.

use super::Header;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

/// An extrinsic kept as its encoded body (the bytes after the length prefix).
/// SCALE-encodes as `Compact(len) ++ body`, which is the extrinsic's own encoding.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct OpaqueExtrinsic(pub Vec<u8>);

impl OpaqueExtrinsic {
    /// The extrinsic as sent over RPC: its length prefix and body.
    pub fn to_wire(&self) -> Vec<u8> {
        self.encode()
    }

    /// `blake2_256` of the wire bytes: the transaction hash clients compute.
    pub fn hash(&self) -> crate::H256 {
        crate::H256(crate::hashing::blake2_256(&self.encode()))
    }
}

/// A block.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Block<Extrinsic = OpaqueExtrinsic> {
    /// The header.
    pub header: Header,
    /// The extrinsics, in order.
    pub extrinsics: Vec<Extrinsic>,
}
