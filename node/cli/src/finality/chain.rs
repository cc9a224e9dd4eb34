//! The chain as the finality machine reads it: the client's block tree,
//! any branch, never written.
//!
//! Above the finalized block, [`NotedChain`] shows the machine only the
//! blocks whose set changes it has been given (the blocks [`SetChanges`]
//! has checked). The client's tree can hold a block before its import
//! notification reaches the task; were the machine to see it then, a vote
//! or a justification could finalize it, or a block above it, before the
//! machine knew that it hands over to a new set, and the machine would go
//! on in the old set for good.

use super::sets::SetChanges;
use entroos_client::Client;
use entroos_finality::{BlockId, BlockInfo, ChainError, ChainView};
use entroos_primitives::{BlockNumber, Header, H256};

/// [`ChainView`] over the whole of the client's tree (for restoring a
/// machine, which finalizes nothing).
pub struct ClientChain<'a>(pub &'a Client);

impl ChainView for ClientChain<'_> {
    fn block(&self, hash: &H256) -> Result<Option<BlockInfo>, ChainError> {
        Ok(self.0.header(hash)?.map(|header| info(&header)))
    }

    fn header(&self, hash: &H256) -> Result<Option<Header>, ChainError> {
        Ok(self.0.header(hash)?)
    }

    fn best_containing(&self, block: &BlockId) -> Result<Option<BlockId>, ChainError> {
        if self.0.header(&block.hash)?.is_none() {
            return Ok(None);
        }
        let head = best_head_over(self.0, block)?;
        Ok(Some(BlockId::new(head.number, head.hash())))
    }
}

/// Unchecked blocks walked down from the best head at most, looking for a
/// checked one to vote for (far more are unchecked only while the task
/// lags behind a major sync; then the vote stays on the block asked for).
const MAX_UNNOTED_WALK: u32 = 256;

/// [`ChainView`] over the blocks at or below `finalized` and those above
/// it that `sets` has checked.
pub struct NotedChain<'a> {
    /// The chain.
    pub client: &'a Client,
    /// The blocks checked for set changes.
    pub sets: &'a SetChanges,
    /// The machine's finalized block number.
    pub finalized: BlockNumber,
}

impl NotedChain<'_> {
    /// Whether block `hash`, numbered `number`, is shown.
    fn noted(&self, number: BlockNumber, hash: &H256) -> bool {
        number <= self.finalized || self.sets.is_noted(number, hash)
    }

    fn noted_header(&self, hash: &H256) -> Result<Option<Header>, ChainError> {
        Ok(self
            .client
            .header(hash)?
            .filter(|header| self.noted(header.number, hash)))
    }
}

impl ChainView for NotedChain<'_> {
    fn block(&self, hash: &H256) -> Result<Option<BlockInfo>, ChainError> {
        Ok(self.noted_header(hash)?.map(|header| info(&header)))
    }

    fn header(&self, hash: &H256) -> Result<Option<Header>, ChainError> {
        self.noted_header(hash)
    }

    /// The best head over `block`, or its highest noted ancestor (or
    /// `block` itself, past [`MAX_UNNOTED_WALK`] unchecked blocks).
    fn best_containing(&self, block: &BlockId) -> Result<Option<BlockId>, ChainError> {
        if self.noted_header(&block.hash)?.is_none() {
            return Ok(None);
        }
        let head = best_head_over(self.client, block)?;
        let (mut number, mut hash) = (head.number, head.hash());
        for _ in 0..MAX_UNNOTED_WALK {
            if self.noted(number, &hash) || number <= block.number {
                return Ok(Some(BlockId::new(number, hash)));
            }
            let parent = self.client.expect_header(&hash)?.parent_hash;
            (number, hash) = (number.saturating_sub(1), parent);
        }
        Ok(Some(*block))
    }
}

fn info(header: &Header) -> BlockInfo {
    BlockInfo {
        number: header.number,
        parent: header.parent_hash,
    }
}

/// The best block if it descends from `block`, else the best leaf that
/// does.
fn best_head_over(client: &Client, block: &BlockId) -> Result<Header, ChainError> {
    let best = client.expect_header(&client.heads().best.1)?;
    Ok(
        match client.descends_from(&best, (block.number, block.hash))? {
            true => best,
            false => client.best_leaf_under(&block.hash)?,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_authorship::author_with_key;
    use entroos_client::testing::{dev_client, TEST_SLOT_MILLIS, TEST_START_MILLIS};
    use entroos_db::Pruning;
    use entroos_primitives::crypto::sr25519;

    /// A dev chain of three blocks; the client and their headers.
    fn three_blocks() -> (std::sync::Arc<Client>, Vec<Header>) {
        let (client, _clock) = dev_client(Pruning::Archive).unwrap();
        let alice = sr25519::Pair::from_uri("//Alice").unwrap();
        let first = TEST_START_MILLIS / TEST_SLOT_MILLIS - 10;
        let headers = (first..first + 3)
            .map(|slot| author_with_key(&client, &alice, slot, TEST_SLOT_MILLIS).unwrap())
            .collect();
        (client, headers)
    }

    fn id(header: &Header) -> BlockId {
        BlockId::new(header.number, header.hash())
    }

    #[test]
    fn blocks_above_the_finalized_one_are_seen_once_checked() {
        let (client, headers) = three_blocks();
        let genesis = BlockId::new(0, client.heads().genesis);
        let mut sets = SetChanges::default();
        let view = |sets: &SetChanges| {
            let chain = NotedChain {
                client: &client,
                sets,
                finalized: 0,
            };
            let seen: Vec<bool> = headers
                .iter()
                .map(|h| chain.block(&h.hash()).unwrap().is_some())
                .collect();
            (seen, chain.best_containing(&genesis).unwrap())
        };
        assert_eq!(view(&sets), (vec![false; 3], Some(genesis)));
        assert_eq!(
            ClientChain(&client)
                .best_containing(&genesis)
                .unwrap()
                .map(|b| b.number),
            Some(3),
            "the whole tree holds all three"
        );
        sets.find(&client, &headers[1], genesis).unwrap();
        assert_eq!(
            view(&sets),
            (vec![true, true, false], Some(id(&headers[1]))),
            "the unchecked best block is not voted for"
        );
        sets.find(&client, &headers[2], genesis).unwrap();
        assert_eq!(view(&sets), (vec![true; 3], Some(id(&headers[2]))));
        sets.forget_from(2);
        assert_eq!(
            view(&sets),
            (vec![true, false, false], Some(id(&headers[0]))),
            "a forgotten block (its change refused) is hidden again, with those above it"
        );
        assert_eq!(
            sets.find(&client, &headers[0], genesis).unwrap(),
            [],
            "nothing to walk"
        );
        sets.find(&client, &headers[2], genesis).unwrap();
        assert_eq!(view(&sets).0, vec![true; 3], "checked again");
    }
}
