//! Checking a response against its request before anything of it is used:
//! no more blocks than asked for, every hash the hash of its header, the
//! parts that were asked for and no others, the first block the requested
//! one, and each block the parent (descending) or child (ascending) of the
//! one before. An empty response is valid here; callers judge it.

use entroos_network_api::{
    BlockAttributes, BlockData, BlockRequest, BlockResponse, Direction, FromBlock,
    MAX_BLOCKS_PER_RESPONSE,
};
use entroos_primitives::{Block, BlockNumber, Header, OpaqueExtrinsic, H256};

/// A block of a validated response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Downloaded {
    pub hash: H256,
    pub header: Header,
    pub body: Option<Vec<OpaqueExtrinsic>>,
    pub justification: Option<Vec<u8>>,
}

impl Downloaded {
    pub(crate) fn number(&self) -> BlockNumber {
        self.header.number
    }

    pub(crate) fn parent(&self) -> H256 {
        self.header.parent_hash
    }

    /// The block for import, if its body was downloaded.
    pub(crate) fn into_block(self) -> Option<(Block, Option<Vec<u8>>)> {
        let extrinsics = self.body?;
        Some((
            Block {
                header: self.header,
                extrinsics,
            },
            self.justification,
        ))
    }
}

/// How a response fails its request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ResponseError {
    /// More blocks than asked for.
    #[error("{count} blocks for a request of at most {max}")]
    TooMany {
        /// Blocks sent.
        count: usize,
        /// Blocks asked for.
        max: u32,
    },
    /// A block lacks its header.
    #[error("block {0} has no header")]
    MissingHeader(usize),
    /// A block's hash is not its header's hash.
    #[error("block {0}'s hash is not the hash of its header")]
    HashMismatch(usize),
    /// A block lacks its body, which was asked for.
    #[error("block {0} has no body")]
    MissingBody(usize),
    /// A block carries a part that was not asked for.
    #[error("block {0} carries data that was not asked for")]
    Unrequested(usize),
    /// The first block is not the one asked for.
    #[error("the first block is not the requested start")]
    WrongStart,
    /// A block does not follow the one before it.
    #[error("block {0} does not follow the block before it")]
    NotChained(usize),
}

/// The blocks of `response` if it answers `request`.
pub(crate) fn validate(
    request: &BlockRequest,
    response: BlockResponse,
) -> Result<Vec<Downloaded>, ResponseError> {
    let max = request
        .max
        .unwrap_or(MAX_BLOCKS_PER_RESPONSE)
        .min(MAX_BLOCKS_PER_RESPONSE);
    let count = response.blocks.len();
    if u32::try_from(count).map_or(true, |count| count > max) {
        return Err(ResponseError::TooMany { count, max });
    }
    let blocks = response
        .blocks
        .into_iter()
        .enumerate()
        .map(|(index, data)| check_block(request.fields, index, data))
        .collect::<Result<Vec<_>, _>>()?;
    check_start(request.from, blocks.first())?;
    check_chain(request.direction, &blocks)?;
    Ok(blocks)
}

fn check_block(
    fields: BlockAttributes,
    index: usize,
    data: BlockData,
) -> Result<Downloaded, ResponseError> {
    let header = data.header.ok_or(ResponseError::MissingHeader(index))?;
    if header.hash() != data.hash {
        return Err(ResponseError::HashMismatch(index));
    }
    let wants_body = fields.contains(BlockAttributes::BODY);
    if wants_body && data.body.is_none() {
        return Err(ResponseError::MissingBody(index));
    }
    let wants_justification = fields.contains(BlockAttributes::JUSTIFICATION);
    if (!wants_body && data.body.is_some())
        || (!wants_justification && data.justification.is_some())
    {
        return Err(ResponseError::Unrequested(index));
    }
    Ok(Downloaded {
        hash: data.hash,
        header,
        body: data.body,
        justification: data.justification,
    })
}

fn check_start(from: FromBlock, first: Option<&Downloaded>) -> Result<(), ResponseError> {
    let Some(first) = first else {
        return Ok(());
    };
    let matches = match from {
        FromBlock::Hash(hash) => first.hash == hash,
        FromBlock::Number(number) => first.number() == number,
    };
    matches.then_some(()).ok_or(ResponseError::WrongStart)
}

fn check_chain(direction: Direction, blocks: &[Downloaded]) -> Result<(), ResponseError> {
    for (index, (prev, next)) in blocks.iter().zip(blocks.iter().skip(1)).enumerate() {
        let (older, newer) = match direction {
            Direction::Ascending => (prev, next),
            Direction::Descending => (next, prev),
        };
        let linked =
            newer.parent() == older.hash && older.number().checked_add(1) == Some(newer.number());
        if !linked {
            return Err(ResponseError::NotChained(index.saturating_add(1)));
        }
    }
    Ok(())
}
