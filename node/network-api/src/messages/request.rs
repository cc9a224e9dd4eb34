//! Block requests: `fields: u8 ++ from ++ direction ++ max: Option<u32>`,
//! the fields of Substrate's block request with its attribute bits.

use crate::bounded::{DecodeError, Reader, MAX_REQUEST_BYTES};
use codec::{Decode, Encode};
use entroos_primitives::{BlockNumber, H256};
use std::ops::BitOr;

/// Which parts of each block are wanted (Substrate's attribute bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode)]
pub struct BlockAttributes(u8);

impl BlockAttributes {
    /// The header.
    pub const HEADER: BlockAttributes = BlockAttributes(0b0000_0001);
    /// The body (extrinsics).
    pub const BODY: BlockAttributes = BlockAttributes(0b0000_0010);
    /// The justification, if one is stored.
    pub const JUSTIFICATION: BlockAttributes = BlockAttributes(0b0001_0000);
    /// Everything needed to import a block.
    pub const FULL: BlockAttributes = BlockAttributes(0b0001_0011);

    /// Attributes from bits; bits this node does not know are refused.
    pub fn from_bits(bits: u8) -> Result<Self, DecodeError> {
        match bits & !Self::FULL.0 {
            0 => Ok(BlockAttributes(bits)),
            _ => Err(DecodeError::UnknownAttributes(bits)),
        }
    }

    /// The bits.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// Whether all of `other` is asked for.
    pub fn contains(self, other: BlockAttributes) -> bool {
        self.0 & other.0 == other.0
    }
}

impl BitOr for BlockAttributes {
    type Output = BlockAttributes;

    fn bitor(self, rhs: BlockAttributes) -> BlockAttributes {
        BlockAttributes(self.0 | rhs.0)
    }
}

/// Where a request starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum FromBlock {
    /// At the block with this hash.
    #[codec(index = 0)]
    Hash(H256),
    /// At this number on the server's best chain.
    #[codec(index = 1)]
    Number(BlockNumber),
}

/// Which way a request walks from its start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Direction {
    /// Towards the tip, by number on the server's best chain.
    #[codec(index = 0)]
    Ascending,
    /// Towards genesis, by parent hash.
    #[codec(index = 1)]
    Descending,
}

/// A request for consecutive blocks.
#[derive(Clone, Debug, PartialEq, Eq, Encode)]
pub struct BlockRequest {
    /// The parts wanted.
    pub fields: BlockAttributes,
    /// The first block.
    pub from: FromBlock,
    /// The direction.
    pub direction: Direction,
    /// At most this many blocks; `None` leaves it to the server's cap.
    pub max: Option<u32>,
}

impl BlockRequest {
    /// Decodes a request from untrusted bytes.
    pub fn decode_bounded(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut reader = Reader::new("block request", bytes, MAX_REQUEST_BYTES)?;
        let fields = BlockAttributes::from_bits(reader.item()?)?;
        let from = reader.item()?;
        let direction = reader.item()?;
        let max = reader.item()?;
        reader.finish()?;
        Ok(BlockRequest {
            fields,
            from,
            direction,
            max,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_encoding() {
        let request = BlockRequest {
            fields: BlockAttributes::HEADER | BlockAttributes::BODY,
            from: FromBlock::Number(5),
            direction: Direction::Descending,
            max: Some(64),
        };
        let bytes = request.encode();
        assert_eq!(bytes, vec![3, 1, 5, 0, 0, 0, 1, 1, 64, 0, 0, 0]);
        assert_eq!(BlockRequest::decode_bounded(&bytes), Ok(request));
        let by_hash = BlockRequest {
            fields: BlockAttributes::FULL,
            from: FromBlock::Hash(H256([7; 32])),
            direction: Direction::Ascending,
            max: None,
        };
        let bytes = by_hash.encode();
        assert_eq!(bytes.len(), 1 + 1 + 32 + 1 + 1);
        assert_eq!(BlockRequest::decode_bounded(&bytes), Ok(by_hash));
    }

    #[test]
    fn unknown_bits_are_refused() {
        assert_eq!(
            BlockRequest::decode_bounded(&[0b100, 1, 0, 0, 0, 0, 0, 0]),
            Err(DecodeError::UnknownAttributes(0b100))
        );
        assert!(BlockAttributes::FULL.contains(BlockAttributes::JUSTIFICATION));
        assert_eq!(BlockAttributes::FULL.bits(), 0x13);
    }
}
