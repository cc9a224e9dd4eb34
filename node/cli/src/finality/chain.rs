//! The chain as the finality machine reads it: the client's block tree,
//! any branch, never written.

use entroos_client::Client;
use entroos_finality::{BlockId, BlockInfo, ChainError, ChainView};
use entroos_primitives::{Header, H256};

/// [`ChainView`] over the client.
pub struct ClientChain<'a>(pub &'a Client);

impl ChainView for ClientChain<'_> {
    fn block(&self, hash: &H256) -> Result<Option<BlockInfo>, ChainError> {
        Ok(self.0.header(hash)?.map(|header| BlockInfo {
            number: header.number,
            parent: header.parent_hash,
        }))
    }

    fn header(&self, hash: &H256) -> Result<Option<Header>, ChainError> {
        Ok(self.0.header(hash)?)
    }

    fn best_containing(&self, block: &BlockId) -> Result<Option<BlockId>, ChainError> {
        if self.0.header(&block.hash)?.is_none() {
            return Ok(None);
        }
        let best = self.0.expect_header(&self.0.heads().best.1)?;
        let head = match self.0.descends_from(&best, (block.number, block.hash))? {
            true => best,
            false => self.0.best_leaf_under(&block.hash)?,
        };
        Ok(Some(BlockId::new(head.number, head.hash())))
    }
}
