//! Unit-test support: a block tree in a map, voters with known keys.

use crate::{
    BlockId, BlockInfo, ChainError, ChainView, SignedVote, Vote, VoteKind, VoteWeight, VoterSet,
};
use entroos_primitives::crypto::ed25519::Pair;
use entroos_primitives::{Header, H256};
use std::collections::BTreeMap;

/// Blocks by hash; `best_containing` is the highest known descendant.
#[derive(Default)]
pub struct MapChain {
    pub headers: BTreeMap<H256, Header>,
}

impl MapChain {
    /// A chain with only the genesis header.
    pub fn new() -> (Self, BlockId) {
        let genesis = Header::default();
        let id = BlockId::new(0, genesis.hash());
        let chain = MapChain {
            headers: BTreeMap::from([(id.hash, genesis)]),
        };
        (chain, id)
    }

    /// Adds `count` blocks on `parent`, told apart by `fork`; all the ids.
    pub fn extend(&mut self, parent: BlockId, count: u32, fork: u8) -> Vec<BlockId> {
        let mut ids = Vec::new();
        let mut parent = parent;
        for _ in 0..count {
            let header = Header {
                parent_hash: parent.hash,
                number: parent.number + 1,
                state_root: H256([fork; 32]),
                ..Header::default()
            };
            parent = BlockId::new(header.number, header.hash());
            self.headers.insert(parent.hash, header);
            ids.push(parent);
        }
        ids
    }

    fn descends(&self, block: BlockId, ancestor: BlockId) -> bool {
        let mut current = block;
        while current.number > ancestor.number {
            current = BlockId::new(current.number - 1, self.headers[&current.hash].parent_hash);
        }
        current == ancestor
    }
}

impl ChainView for MapChain {
    fn block(&self, hash: &H256) -> Result<Option<BlockInfo>, ChainError> {
        Ok(self.headers.get(hash).map(|h| BlockInfo {
            number: h.number,
            parent: h.parent_hash,
        }))
    }

    fn header(&self, hash: &H256) -> Result<Option<Header>, ChainError> {
        Ok(self.headers.get(hash).cloned())
    }

    fn best_containing(&self, block: &BlockId) -> Result<Option<BlockId>, ChainError> {
        if !self.headers.contains_key(&block.hash) {
            return Ok(None);
        }
        Ok(self
            .headers
            .values()
            .map(|h| BlockId::new(h.number, h.hash()))
            .filter(|id| self.descends(*id, *block))
            .max_by(|a, b| a.number.cmp(&b.number).then(b.hash.cmp(&a.hash))))
    }
}

/// Voters `0..n` with the given weights and deterministic keys.
pub struct Voters {
    pub pairs: Vec<Pair>,
    pub set: VoterSet,
}

impl Voters {
    pub fn new(set_id: u64, weights: &[VoteWeight]) -> Self {
        let pairs: Vec<Pair> = (0..weights.len())
            .map(|i| Pair::from_seed(&[i as u8 + 1; 32]))
            .collect();
        let voters = pairs
            .iter()
            .zip(weights)
            .map(|(p, w)| (p.public(), *w))
            .collect();
        Voters {
            set: VoterSet::new(set_id, voters).unwrap(),
            pairs,
        }
    }

    /// Voter `i`'s signed vote.
    pub fn vote(&self, i: usize, kind: VoteKind, round: u64, target: BlockId) -> SignedVote {
        let vote = Vote {
            kind,
            round,
            set_id: self.set.set_id(),
            target_hash: target.hash,
            target_number: target.number,
        };
        SignedVote::sign(vote, &self.pairs[i])
    }

    /// The index in the set of voter `i`.
    pub fn index(&self, i: usize) -> usize {
        self.set.index_of(&self.pairs[i].public()).unwrap()
    }
}
