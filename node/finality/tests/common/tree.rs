//! One node's block tree, in memory: every imported header on every
//! branch that descends from the finalized block, fork choice by the
//! longest chain (the first seen wins a tie), and branches off the
//! finalized chain dropped from the leaves.

use codec::{Decode, Encode};
use entroos_finality::{BlockId, BlockInfo, ChainError, ChainView};
use entroos_primitives::{Digest, DigestItem, Header, H256};
use std::collections::{BTreeMap, BTreeSet};

/// The engine id of the slot digest of the simulated blocks.
const SLOT_ENGINE: [u8; 4] = *b"slot";

/// A header for slot `slot` by `author` on `parent`; `variant` tells apart
/// two blocks an equivocating author makes in one slot.
pub fn make_header(parent: &Header, slot: u64, author: u16, variant: u8) -> Header {
    let mut root = [0u8; 32];
    root[..8].copy_from_slice(&slot.to_le_bytes());
    root[8..10].copy_from_slice(&author.to_le_bytes());
    root[10] = variant;
    Header {
        parent_hash: parent.hash(),
        number: parent.number + 1,
        state_root: H256(root),
        extrinsics_root: H256::default(),
        digest: Digest {
            logs: vec![DigestItem::PreRuntime(SLOT_ENGINE, slot.encode())],
        },
    }
}

/// The slot a simulated header was made in (0 for genesis).
pub fn slot_of(header: &Header) -> u64 {
    header
        .digest
        .logs
        .iter()
        .find_map(|item| match item {
            DigestItem::PreRuntime(SLOT_ENGINE, bytes) => u64::decode(&mut &bytes[..]).ok(),
            _ => None,
        })
        .unwrap_or(0)
}

pub fn id_of(header: &Header) -> BlockId {
    BlockId::new(header.number, header.hash())
}

#[derive(Clone, Debug)]
pub struct BlockTree {
    headers: BTreeMap<H256, Header>,
    /// The best chain, by number.
    canonical: Vec<H256>,
    leaves: BTreeSet<BlockId>,
    finalized: BlockId,
}

impl BlockTree {
    pub fn new(genesis: Header) -> Self {
        let id = id_of(&genesis);
        BlockTree {
            headers: BTreeMap::from([(id.hash, genesis)]),
            canonical: vec![id.hash],
            leaves: BTreeSet::from([id]),
            finalized: id,
        }
    }

    pub fn contains(&self, hash: &H256) -> bool {
        self.headers.contains_key(hash)
    }

    pub fn get(&self, hash: &H256) -> Option<&Header> {
        self.headers.get(hash)
    }

    pub fn best(&self) -> BlockId {
        let number = self.canonical.len() as u32 - 1;
        BlockId::new(number, *self.canonical.last().unwrap())
    }

    pub fn best_header(&self) -> &Header {
        &self.headers[&self.best().hash]
    }

    pub fn finalized(&self) -> BlockId {
        self.finalized
    }

    /// Imports a header whose parent is known and descends from the
    /// finalized block, as the node's import does; false otherwise.
    pub fn import(&mut self, header: Header) -> bool {
        let id = id_of(&header);
        if self.headers.contains_key(&id.hash) || !self.headers.contains_key(&header.parent_hash) {
            return false;
        }
        let parent = BlockId::new(id.number - 1, header.parent_hash);
        if !self.descends(parent, self.finalized) {
            return false;
        }
        self.leaves.remove(&parent);
        self.leaves.insert(id);
        self.headers.insert(id.hash, header);
        if id.number > self.best().number {
            self.set_best(id);
        }
        true
    }

    fn set_best(&mut self, best: BlockId) {
        let mut branch = Vec::new();
        let mut current = best;
        while self.canonical.get(current.number as usize) != Some(&current.hash) {
            branch.push(current.hash);
            current = BlockId::new(current.number - 1, self.headers[&current.hash].parent_hash);
        }
        self.canonical.truncate(current.number as usize + 1);
        self.canonical.extend(branch.into_iter().rev());
    }

    /// Whether `block` is `ancestor` or descends from it.
    pub fn descends(&self, block: BlockId, ancestor: BlockId) -> bool {
        let mut current = block;
        while current.number > ancestor.number {
            let Some(header) = self.headers.get(&current.hash) else {
                return false;
            };
            current = BlockId::new(current.number - 1, header.parent_hash);
        }
        current == ancestor
    }

    /// Marks `block` finalized and drops the leaves off its chain.
    pub fn finalize(&mut self, block: BlockId) {
        assert!(
            self.descends(block, self.finalized),
            "finality went backwards or sideways: {block:?} after {:?}",
            self.finalized
        );
        self.finalized = block;
        let dead: Vec<BlockId> = self
            .leaves
            .iter()
            .filter(|leaf| !self.descends(**leaf, block) && **leaf != block)
            .copied()
            .collect();
        for leaf in dead {
            self.leaves.remove(&leaf);
        }
        if !self.descends(self.best(), block) {
            let best = self.leaves.iter().max_by_key(|l| l.number).copied();
            self.set_best(best.unwrap_or(block));
        }
    }

    /// Every known header above `number`, by hash.
    pub fn headers_above(&self, number: u32) -> impl Iterator<Item = Header> + '_ {
        self.headers
            .values()
            .filter(move |h| h.number > number)
            .cloned()
    }

    /// Up to `max` headers from `hash` down, lowest first.
    pub fn ancestry(&self, hash: &H256, max: usize) -> Vec<Header> {
        let mut headers = Vec::new();
        let mut current = self.headers.get(hash);
        while let Some(header) = current {
            if headers.len() == max || header.number == 0 {
                break;
            }
            headers.push(header.clone());
            current = self.headers.get(&header.parent_hash);
        }
        headers.reverse();
        headers
    }

    /// Another known block at the height of `block` (a fork), if any.
    pub fn sibling_branch(&self, block: BlockId) -> Option<BlockId> {
        self.leaves
            .iter()
            .filter(|leaf| leaf.number >= block.number && !self.descends(**leaf, block))
            .find_map(|leaf| {
                let mut current = *leaf;
                while current.number > block.number {
                    current =
                        BlockId::new(current.number - 1, self.headers[&current.hash].parent_hash);
                }
                (current != block).then_some(current)
            })
    }
}

impl ChainView for BlockTree {
    fn block(&self, hash: &H256) -> Result<Option<BlockInfo>, ChainError> {
        Ok(self.headers.get(hash).map(|header| BlockInfo {
            number: header.number,
            parent: header.parent_hash,
        }))
    }

    fn header(&self, hash: &H256) -> Result<Option<Header>, ChainError> {
        Ok(self.headers.get(hash).cloned())
    }

    fn best_containing(&self, block: &BlockId) -> Result<Option<BlockId>, ChainError> {
        if !self.headers.contains_key(&block.hash) {
            return Ok(None);
        }
        if self.canonical.get(block.number as usize) == Some(&block.hash) {
            return Ok(Some(self.best()));
        }
        let best_leaf = self
            .leaves
            .iter()
            .filter(|leaf| self.descends(**leaf, *block))
            .max_by(|a, b| a.number.cmp(&b.number).then(b.hash.cmp(&a.hash)));
        Ok(Some(best_leaf.copied().unwrap_or(*block)))
    }
}
