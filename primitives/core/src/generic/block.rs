//! Blocks: a header and its extrinsics, each length-prefixed.

use super::{ConsensusEngineId, Header};
use codec::{Decode, Encode};
use scale_info::TypeInfo;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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

/// In JSON an extrinsic is the hex of its wire bytes (length prefix included).
impl Serialize for OpaqueExtrinsic {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        super::scale_hex::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for OpaqueExtrinsic {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        super::scale_hex::deserialize(d)
    }
}

/// A block.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, Serialize, Deserialize)]
#[scale_info(replace_segment("entroos_primitives", "sp_runtime"))]
pub struct Block<Extrinsic = OpaqueExtrinsic> {
    /// The header.
    pub header: Header,
    /// The extrinsics, in order.
    pub extrinsics: Vec<Extrinsic>,
}

/// Finality proofs of a block, by consensus engine.
pub type Justifications = Vec<(ConsensusEngineId, Vec<u8>)>;

/// A block with its justifications: `chain_getBlock`'s answer and what
/// block files hold.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
pub struct SignedBlock {
    /// The block.
    pub block: Block,
    /// Its justifications, if any.
    pub justifications: Option<Justifications>,
}
