//! Block responses: `Vec<BlockData>`, each `hash ++ Option<Header> ++
//! Option<Vec<extrinsic>> ++ Option<justification>`, capped in blocks
//! ([`MAX_BLOCKS_PER_RESPONSE`]) and bytes ([`MAX_RESPONSE_BYTES`]).

use crate::bounded::{
    DecodeError, Reader, MAX_BLOCKS_PER_RESPONSE, MAX_EXTRINSICS_PER_BLOCK,
    MAX_JUSTIFICATION_BYTES, MAX_RESPONSE_BYTES,
};
use codec::Encode;
use entroos_primitives::{Header, OpaqueExtrinsic, H256};

/// One block of a response, with the parts that were asked for.
#[derive(Clone, Debug, PartialEq, Eq, Encode)]
pub struct BlockData {
    /// The block's hash.
    pub hash: H256,
    /// The header, if asked for.
    pub header: Option<Header>,
    /// The extrinsics, if asked for.
    pub body: Option<Vec<OpaqueExtrinsic>>,
    /// The justification, if asked for and stored.
    pub justification: Option<Vec<u8>>,
}

/// The answer to a block request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode)]
pub struct BlockResponse {
    /// The blocks, in the request's direction.
    pub blocks: Vec<BlockData>,
}

impl BlockResponse {
    /// Decodes a response from untrusted bytes.
    pub fn decode_bounded(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut reader = Reader::new("block response", bytes, MAX_RESPONSE_BYTES)?;
        let count = reader.count("blocks", MAX_BLOCKS_PER_RESPONSE)?;
        let mut blocks = Vec::new();
        for _ in 0..count {
            blocks.push(read_block(&mut reader)?);
        }
        reader.finish()?;
        Ok(BlockResponse { blocks })
    }
}

fn read_block(reader: &mut Reader<'_>) -> Result<BlockData, DecodeError> {
    let hash = reader.item()?;
    let header = reader.option(|r| r.item())?;
    let body = reader.option(read_body)?;
    let justification = reader.option(|r| r.bytes("justification", MAX_JUSTIFICATION_BYTES))?;
    Ok(BlockData {
        hash,
        header,
        body,
        justification,
    })
}

fn read_body(reader: &mut Reader<'_>) -> Result<Vec<OpaqueExtrinsic>, DecodeError> {
    let count = reader.count("extrinsics", MAX_EXTRINSICS_PER_BLOCK)?;
    let mut body = Vec::new();
    for _ in 0..count {
        body.push(OpaqueExtrinsic(
            reader.bytes("extrinsic", MAX_RESPONSE_BYTES)?,
        ));
    }
    Ok(body)
}

/// Collects blocks for a response, refusing the one that would pass the
/// block count or the byte cap.
#[derive(Debug)]
pub struct ResponseBuilder {
    blocks: Vec<BlockData>,
    max_blocks: usize,
    max_bytes: usize,
    bytes: usize,
}

/// The longest SCALE compact prefix of a count.
const COUNT_PREFIX_BYTES: usize = 5;

impl ResponseBuilder {
    /// A builder capped at `max_blocks` blocks and `max_bytes` encoded bytes,
    /// each clamped to the protocol's limits.
    pub fn new(max_blocks: u32, max_bytes: usize) -> Self {
        let max_blocks = max_blocks.min(MAX_BLOCKS_PER_RESPONSE);
        ResponseBuilder {
            blocks: Vec::new(),
            max_blocks: usize::try_from(max_blocks).unwrap_or(usize::MAX),
            max_bytes: max_bytes.min(MAX_RESPONSE_BYTES),
            bytes: COUNT_PREFIX_BYTES,
        }
    }

    /// Adds `block` if it fits; `false` (and the block left out) once full.
    pub fn push(&mut self, block: BlockData) -> bool {
        if self.blocks.len() >= self.max_blocks {
            return false;
        }
        let Some(bytes) = self.bytes.checked_add(block.encoded_size()) else {
            return false;
        };
        if bytes > self.max_bytes {
            return false;
        }
        self.bytes = bytes;
        self.blocks.push(block);
        true
    }

    /// Whether another block could still be added (count-wise).
    pub fn has_room(&self) -> bool {
        self.blocks.len() < self.max_blocks
    }

    /// The response.
    pub fn finish(self) -> BlockResponse {
        BlockResponse {
            blocks: self.blocks,
        }
    }
}

/// A response of `blocks` taken in order until the count or byte cap would
/// be passed; blocks after the first that does not fit are not read.
pub fn build_response(
    blocks: impl IntoIterator<Item = BlockData>,
    max_blocks: u32,
    max_bytes: usize,
) -> BlockResponse {
    let mut builder = ResponseBuilder::new(max_blocks, max_bytes);
    for block in blocks {
        if !builder.push(block) {
            break;
        }
    }
    builder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(n: u8, body_len: usize) -> BlockData {
        BlockData {
            hash: H256([n; 32]),
            header: Some(Header {
                number: u32::from(n),
                ..Default::default()
            }),
            body: Some(vec![OpaqueExtrinsic(vec![n; body_len])]),
            justification: None,
        }
    }

    #[test]
    fn round_trip_and_golden_prefix() {
        let response = BlockResponse {
            blocks: vec![block(1, 3), block(2, 0)],
        };
        let bytes = response.encode();
        assert_eq!(bytes.first(), Some(&8)); // Compact(2)
        assert_eq!(BlockResponse::decode_bounded(&bytes), Ok(response));
    }

    #[test]
    fn build_response_stops_before_the_byte_cap() {
        let one = block(1, 1_000).encoded_size();
        let blocks = (0..10).map(|n| block(n, 1_000));
        let response = build_response(blocks, 100, 3 * one + COUNT_PREFIX_BYTES);
        assert_eq!(response.blocks.len(), 3);
        assert!(response.encode().len() <= 3 * one + COUNT_PREFIX_BYTES);
        let capped = build_response((0..10).map(|n| block(n, 1)), 4, usize::MAX);
        assert_eq!(capped.blocks.len(), 4);
        let clamped = build_response((0..200).map(|n| block(n as u8, 1)), u32::MAX, usize::MAX);
        assert_eq!(clamped.blocks.len(), MAX_BLOCKS_PER_RESPONSE as usize);
    }

    #[test]
    fn too_many_blocks_are_refused_before_decoding_them() {
        let bytes = codec::Compact(MAX_BLOCKS_PER_RESPONSE + 1).encode();
        assert!(matches!(
            BlockResponse::decode_bounded(&bytes),
            Err(DecodeError::TooMany { what: "blocks", .. })
        ));
    }
}
