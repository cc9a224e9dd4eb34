//! Block headers: `parent ++ Compact<u32> number ++ state root ++ extrinsics
//! root ++ digest`, hashed with blake2-256. In JSON the number is a hex string.

use super::Digest;
use crate::hashing::blake2_256;
use crate::{BlockNumber, H256};
use codec::{Decode, Encode};
use scale_info::TypeInfo;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A block header.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("entroos_primitives", "sp_runtime"))]
pub struct Header {
    /// The parent block's hash.
    pub parent_hash: H256,
    /// The block number.
    #[codec(compact)]
    pub number: BlockNumber,
    /// The state trie root after this block.
    pub state_root: H256,
    /// The ordered trie root of this block's extrinsics.
    pub extrinsics_root: H256,
    /// Consensus and runtime messages.
    pub digest: Digest,
}

impl Header {
    /// `blake2_256(SCALE(header))`.
    pub fn hash(&self) -> H256 {
        H256(blake2_256(&self.encode()))
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HeaderJson {
    parent_hash: H256,
    number: NumberJson,
    state_root: H256,
    extrinsics_root: H256,
    digest: Digest,
}

/// Block numbers in JSON: written as hex strings, read as hex or numbers.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum NumberJson {
    Hex(String),
    Number(u64),
}

impl Serialize for Header {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        HeaderJson {
            parent_hash: self.parent_hash,
            number: NumberJson::Hex(format!("{:#x}", self.number)),
            state_root: self.state_root,
            extrinsics_root: self.extrinsics_root,
            digest: self.digest.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Header {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let json = HeaderJson::deserialize(d)?;
        let number = match json.number {
            NumberJson::Number(n) => n,
            NumberJson::Hex(s) => u64::from_str_radix(s.trim_start_matches("0x"), 16)
                .map_err(|e| D::Error::custom(format!("bad block number {s}: {e}")))?,
        };
        Ok(Header {
            parent_hash: json.parent_hash,
            number: BlockNumber::try_from(number).map_err(D::Error::custom)?,
            state_root: json.state_root,
            extrinsics_root: json.extrinsics_root,
            digest: json.digest,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DigestItem;

    #[test]
    fn json_round_trip_preserves_hash() {
        let header = Header {
            parent_hash: H256([1; 32]),
            number: 26,
            state_root: H256([2; 32]),
            extrinsics_root: H256([3; 32]),
            digest: Digest {
                logs: vec![DigestItem::PreRuntime(*b"entr", vec![9])],
            },
        };
        let json = serde_json::to_value(&header).unwrap();
        assert_eq!(json["number"], "0x1a");
        let back: Header = serde_json::from_value(json).unwrap();
        assert_eq!(back.hash(), header.hash());
    }

    #[test]
    fn compact_number_layout() {
        let header = Header {
            number: 1,
            ..Default::default()
        };
        let bytes = header.encode();
        assert_eq!(bytes.len(), 32 + 1 + 32 + 32 + 1);
        assert_eq!(bytes[32], 4); // Compact(1)
    }
}
