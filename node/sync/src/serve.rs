//! Answering other peers' block requests from the local chain.

use entroos_client_api::{ClientError, HeaderBackend};
use entroos_network_api::{
    BlockAttributes, BlockData, BlockRequest, BlockResponse, Direction, FromBlock, ResponseBuilder,
    MAX_BLOCKS_PER_RESPONSE,
};
use entroos_primitives::{Header, H256};

/// The server's caps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServeLimits {
    /// Blocks per response at most.
    pub max_blocks: u32,
    /// Encoded bytes per response at most.
    pub max_bytes: usize,
}

impl Default for ServeLimits {
    fn default() -> Self {
        ServeLimits {
            max_blocks: MAX_BLOCKS_PER_RESPONSE,
            max_bytes: 8 * 1024 * 1024,
        }
    }
}

/// Why a request could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Reading the local chain failed.
    #[error("reading the local chain: {0}")]
    Chain(#[from] ClientError),
}

/// The blocks `request` asks for, from `chain`, within `limits`.
///
/// Ascending walks the best chain by number and stops where it would not
/// chain (a start off the best chain); descending walks parent hashes down
/// to genesis. An unknown start, a missing body or a cap ends the answer
/// early: an empty or short response is a valid answer.
pub fn serve<C: HeaderBackend + ?Sized>(
    request: &BlockRequest,
    chain: &C,
    limits: ServeLimits,
) -> Result<BlockResponse, ServeError> {
    let max = request.max.unwrap_or(u32::MAX).min(limits.max_blocks);
    let mut builder = ResponseBuilder::new(max, limits.max_bytes);
    let mut next = match request.from {
        FromBlock::Hash(hash) => Some(hash),
        FromBlock::Number(number) => chain.hash_of(number)?,
    };
    let mut expected_parent: Option<H256> = None;
    while let Some(hash) = next {
        if !builder.has_room() {
            break;
        }
        let Some(header) = chain.header(&hash)? else {
            break;
        };
        if expected_parent.is_some_and(|parent| header.parent_hash != parent) {
            break;
        }
        let Some(data) = block_data(hash, &header, request.fields, chain)? else {
            break;
        };
        if !builder.push(data) {
            break;
        }
        if request.direction == Direction::Ascending {
            expected_parent = Some(hash);
        }
        next = step(&header, request.direction, chain)?;
    }
    Ok(builder.finish())
}

fn step<C: HeaderBackend + ?Sized>(
    header: &Header,
    direction: Direction,
    chain: &C,
) -> Result<Option<H256>, ServeError> {
    Ok(match direction {
        Direction::Ascending => match header.number.checked_add(1) {
            Some(number) => chain.hash_of(number)?,
            None => None,
        },
        Direction::Descending => (header.number > 0).then_some(header.parent_hash),
    })
}

fn block_data<C: HeaderBackend + ?Sized>(
    hash: H256,
    header: &Header,
    fields: BlockAttributes,
    chain: &C,
) -> Result<Option<BlockData>, ServeError> {
    let body = match fields.contains(BlockAttributes::BODY) {
        true => match chain.body(&hash)? {
            Some(body) => Some(body),
            None => return Ok(None),
        },
        false => None,
    };
    let justification = match fields.contains(BlockAttributes::JUSTIFICATION) {
        true => chain.justification(&hash)?,
        false => None,
    };
    Ok(Some(BlockData {
        hash,
        header: fields
            .contains(BlockAttributes::HEADER)
            .then(|| header.clone()),
        body,
        justification,
    }))
}
