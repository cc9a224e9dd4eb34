//! State pruning and pins in the in-memory node, by the rules the node's
//! database keeps (`entroos_db::pins`): with a window of `keep` blocks, the
//! states of canonical blocks below `finalized + 1 - keep` are discarded,
//! stopping at the first that must stay (a pinned block's, or the fork
//! point of a detached branch); a branch finality discards is kept out of
//! the tree (detached) as far as it holds a pinned block; and a block's
//! last unpin does what its pin held back. Without a window (the default)
//! no state is pruned.

use super::{lock, related, Chain, Memory};
use entroos_primitives::{BlockNumber, H256};
use entroos_rpc::api::{PinError, ReadError};
use std::collections::{HashMap, HashSet};

/// The pruning window, the pins and the detached blocks.
#[derive(Default)]
pub(super) struct Pruning {
    keep: Option<u32>,
    pruned_below: BlockNumber,
    pins: HashMap<H256, u32>,
    limit: Option<usize>,
    /// Detached block → (its parent, the number of its branch's fork point).
    detached: HashMap<H256, (H256, BlockNumber)>,
}

impl Pruning {
    pub(super) fn is_detached(&self, hash: &H256) -> bool {
        self.detached.contains_key(hash)
    }
}

impl Memory {
    /// Keeps the states of the last `keep` finalized blocks only.
    pub fn prune_states(&self, keep: u32) {
        let mut chain = lock(&self.chain);
        chain.pruning.keep = Some(keep);
        chain.prune();
    }

    /// Refuses pins of new blocks once `limit` blocks are pinned.
    pub fn limit_pins(&self, limit: usize) {
        lock(&self.chain).pruning.limit = Some(limit);
    }

    /// How many times block `hash` is pinned.
    pub fn pin_count(&self, hash: H256) -> u32 {
        lock(&self.chain)
            .pruning
            .pins
            .get(&hash)
            .copied()
            .unwrap_or(0)
    }

    /// How many distinct blocks are pinned.
    pub fn pinned_blocks(&self) -> usize {
        lock(&self.chain).pruning.pins.len()
    }

    /// Whether the state of block `hash` is kept (`false` once pruned or
    /// for an unknown block).
    pub fn has_state(&self, hash: H256) -> bool {
        lock(&self.chain)
            .blocks
            .get(&hash)
            .is_some_and(|block| block.storage.is_some())
    }

    /// Whether block `hash` is kept at all.
    pub fn has_block(&self, hash: H256) -> bool {
        lock(&self.chain).blocks.contains_key(&hash)
    }
}

impl Chain {
    pub(super) fn pin(&mut self, hash: H256) -> Result<(), PinError> {
        if !self.blocks.contains_key(&hash) {
            return Err(PinError::UnknownBlock(hash));
        }
        let pins = &mut self.pruning.pins;
        if let Some(count) = pins.get_mut(&hash) {
            *count += 1;
            return Ok(());
        }
        if let Some(limit) = self.pruning.limit.filter(|limit| pins.len() >= *limit) {
            return Err(PinError::TooManyPins(limit));
        }
        pins.insert(hash, 1);
        Ok(())
    }

    pub(super) fn unpin(&mut self, hash: H256) -> Result<(), ReadError> {
        let Some(count) = self.pruning.pins.get_mut(&hash) else {
            return Err(ReadError::Backend(format!("block {hash} is not pinned")));
        };
        *count -= 1;
        if *count == 0 {
            self.pruning.pins.remove(&hash);
            self.sweep();
            self.prune();
        }
        Ok(())
    }

    /// The canonical block `number`, at or below the finalized one.
    fn canonical(&self, number: BlockNumber) -> Option<H256> {
        let mut cursor = self.finalized;
        loop {
            let block = self.blocks.get(&cursor)?;
            if block.header.number == number {
                return Some(cursor);
            }
            if block.header.number < number || block.header.number == 0 {
                return None;
            }
            cursor = block.header.parent_hash;
        }
    }

    /// Discards every block of the tree that is neither an ancestor nor a
    /// descendant of `anchor`; those pinned, or above a pinned one, are
    /// detached instead.
    pub(super) fn discard_unrelated_to(&mut self, anchor: H256) {
        let discarded: HashSet<H256> = self
            .blocks
            .keys()
            .filter(|b| !self.pruning.is_detached(b) && !related(self, **b, anchor))
            .copied()
            .collect();
        let mut kept = HashSet::new();
        for pinned in discarded
            .iter()
            .filter(|b| self.pruning.pins.contains_key(b))
        {
            let mut cursor = *pinned;
            while discarded.contains(&cursor) && kept.insert(cursor) {
                cursor = self.blocks[&cursor].header.parent_hash;
            }
        }
        for hash in discarded {
            if !kept.contains(&hash) {
                self.blocks.remove(&hash);
                continue;
            }
            let parent = self.blocks[&hash].header.parent_hash;
            let mut fork_point = parent;
            while kept.contains(&fork_point) {
                fork_point = self.blocks[&fork_point].header.parent_hash;
            }
            let base = self.blocks[&fork_point].header.number;
            self.pruning.detached.insert(hash, (parent, base));
        }
    }

    /// Deletes the detached blocks no pin needs any more.
    fn sweep(&mut self) {
        let detached = &self.pruning.detached;
        let mut needed = HashSet::new();
        for pinned in detached
            .keys()
            .filter(|b| self.pruning.pins.contains_key(b))
        {
            let mut cursor = *pinned;
            while detached.contains_key(&cursor) && needed.insert(cursor) {
                cursor = detached[&cursor].0;
            }
        }
        let gone: Vec<H256> = detached
            .keys()
            .filter(|b| !needed.contains(b))
            .copied()
            .collect();
        for hash in gone {
            self.pruning.detached.remove(&hash);
            self.blocks.remove(&hash);
        }
    }

    /// Prunes the canonical states that left the window, up to the first
    /// that must stay.
    pub(super) fn prune(&mut self) {
        let Some(keep) = self.pruning.keep else {
            return;
        };
        let finalized = self.blocks[&self.finalized].header.number;
        while self.pruning.pruned_below + keep <= finalized {
            let number = self.pruning.pruned_below;
            let Some(hash) = self.canonical(number) else {
                return;
            };
            let fork_point = self
                .pruning
                .detached
                .values()
                .any(|(_, base)| *base == number);
            if fork_point || self.pruning.pins.contains_key(&hash) {
                return;
            }
            if let Some(block) = self.blocks.get_mut(&hash) {
                block.storage = None;
            }
            self.pruning.pruned_below += 1;
        }
    }
}
