//! What the machine reads of the chain: an input, never written.

use crate::{ChainError, FinalityError};
use codec::{Decode, Encode};
use entroos_primitives::{BlockNumber, Header, H256};

/// A block named by number and hash; ordered by number, then hash.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode)]
pub struct BlockId {
    /// The block number.
    pub number: BlockNumber,
    /// The block hash.
    pub hash: H256,
}

impl BlockId {
    /// The block `hash` at `number`.
    pub fn new(number: BlockNumber, hash: H256) -> Self {
        BlockId { number, hash }
    }
}

/// What the machine needs to know of a block to walk its ancestry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockInfo {
    /// Its number.
    pub number: BlockNumber,
    /// Its parent's hash.
    pub parent: H256,
}

/// The local chain as the machine reads it, on any branch. The node
/// implements it over its block tree, showing above the finalized block
/// only the blocks whose set changes the machine has been given; tests
/// over an in-memory one.
pub trait ChainView {
    /// Number and parent of a known block.
    fn block(&self, hash: &H256) -> Result<Option<BlockInfo>, ChainError>;
    /// The header of a known block (for justifications' ancestry).
    fn header(&self, hash: &H256) -> Result<Option<Header>, ChainError>;
    /// The head of the best chain that contains `block`: the best block if
    /// it descends from `block`, else the best leaf that does; `None` if
    /// `block` is unknown.
    fn best_containing(&self, block: &BlockId) -> Result<Option<BlockId>, ChainError>;
}

/// How a block relates to a presumed ancestor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Relation {
    /// It is the ancestor or descends from it.
    Descends,
    /// It is on another branch, lower, or its claimed number is wrong.
    Unrelated,
    /// A block on the way down is not known (yet).
    Unknown,
}

/// Walks parents from `block` down to `ancestor`'s number.
pub(crate) fn relation<C: ChainView + ?Sized>(
    chain: &C,
    block: BlockId,
    ancestor: BlockId,
) -> Result<Relation, FinalityError> {
    let mut current = block;
    loop {
        if current.number <= ancestor.number {
            let same = current.number == ancestor.number && current.hash == ancestor.hash;
            return Ok(if same {
                Relation::Descends
            } else {
                Relation::Unrelated
            });
        }
        match read_block(chain, &current.hash)? {
            None => return Ok(Relation::Unknown),
            Some(info) if info.number != current.number => return Ok(Relation::Unrelated),
            Some(info) => current = parent_of(current, info),
        }
    }
}

pub(crate) fn read_block<C: ChainView + ?Sized>(
    chain: &C,
    hash: &H256,
) -> Result<Option<BlockInfo>, FinalityError> {
    chain.block(hash).map_err(FinalityError::Chain)
}

/// The parent of `block`, whose number is above zero.
pub(crate) fn parent_of(block: BlockId, info: BlockInfo) -> BlockId {
    BlockId::new(block.number.saturating_sub(1), info.parent)
}
