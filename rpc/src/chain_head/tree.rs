//! The head of the chain as one follow subscription has reported it: the
//! finalized block and the non-finalized blocks announced since, with
//! their parents (and runtimes, when following with the runtime).
//!
//! Node notifications arrive on three channels whose relative order is not
//! guaranteed, so each one is a hint to reconcile with the chain rather
//! than an event to forward: a block is reported only after its parent, the
//! best block only once reported, and a finalized block only once it and
//! its ancestors are. Every step returns the blocks to pin and the events
//! to send, in that order; nothing here does I/O except through [`Source`].

use super::event::{FollowEvent, RuntimeEvent};
use crate::api::ReadError;
use entroos_primitives::version::RuntimeVersion;
use entroos_primitives::{BlockNumber, Header, H256};
use std::collections::HashMap;
use std::sync::Arc;

/// What the tree reads from the chain.
pub(crate) trait Source {
    /// A header, if the block is kept.
    fn header(&self, hash: H256) -> Result<Option<Header>, ReadError>;
    /// The runtime version at a block.
    fn runtime(&self, hash: H256) -> Result<RuntimeVersion, ReadError>;
    /// The node's best block.
    fn best(&self) -> (BlockNumber, H256);
}

/// The blocks a step reported (to pin before its events are sent), and the
/// events.
#[derive(Default, Debug)]
pub(crate) struct Update {
    /// Newly reported blocks with their headers.
    pub pins: Vec<(H256, Header)>,
    /// The events, in order.
    pub events: Vec<FollowEvent>,
}

/// Why the subscription cannot go on consistently.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TreeError {
    /// A read failed.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The node finalized a block that does not descend from the one the
    /// subscription finalized last.
    #[error("block {0} was finalized but does not descend from the reported finalized block")]
    Gap(H256),
}

/// A reported, not yet finalized block.
struct Node {
    parent: H256,
    runtime: Option<Arc<RuntimeVersion>>,
}

/// The reported head of the chain.
pub(crate) struct Tree {
    with_runtime: bool,
    finalized: (BlockNumber, H256),
    finalized_runtime: Option<Arc<RuntimeVersion>>,
    blocks: HashMap<H256, Node>,
    best: H256,
}

impl Tree {
    /// The tree at `finalized` with every kept descendant reported (one
    /// chain per leaf), then the node's best block: the initial events.
    pub(crate) fn start(
        source: &dyn Source,
        with_runtime: bool,
        finalized: H256,
        leaves: &[H256],
    ) -> Result<(Tree, Update), TreeError> {
        let header = source
            .header(finalized)?
            .ok_or(ReadError::UnknownBlock(finalized))?;
        let (runtime, event) = match with_runtime {
            true => runtime_of(source, finalized, None),
            false => (None, None),
        };
        let mut tree = Tree {
            with_runtime,
            finalized: (header.number, finalized),
            finalized_runtime: runtime,
            blocks: HashMap::new(),
            best: finalized,
        };
        let mut update = Update {
            pins: vec![(finalized, header)],
            events: vec![FollowEvent::Initialized {
                finalized_block_hashes: vec![finalized],
                finalized_block_runtime: event.flatten(),
            }],
        };
        for leaf in leaves {
            tree.report(source, *leaf, &mut update)?;
        }
        let best = source.best().1;
        if !tree.report(source, best, &mut update)? {
            return Err(TreeError::Gap(best));
        }
        tree.best = best;
        update.events.push(FollowEvent::BestBlockChanged {
            best_block_hash: best,
        });
        Ok((tree, update))
    }

    /// The non-finalized blocks reported.
    pub(crate) fn len(&self) -> usize {
        self.blocks.len()
    }

    /// The last finalized block reported.
    #[cfg(test)]
    pub(crate) fn finalized(&self) -> (BlockNumber, H256) {
        self.finalized
    }

    /// A block was imported.
    pub(crate) fn on_imported(
        &mut self,
        source: &dyn Source,
        header: &Header,
    ) -> Result<Update, TreeError> {
        let mut update = Update::default();
        self.report(source, header.hash(), &mut update)?;
        Ok(update)
    }

    /// The node has a new best block.
    pub(crate) fn on_best(
        &mut self,
        source: &dyn Source,
        header: &Header,
    ) -> Result<Update, TreeError> {
        let mut update = Update::default();
        self.set_best(source, header.hash(), &mut update)?;
        Ok(update)
    }

    /// The node finalized `header` (and its ancestors).
    pub(crate) fn on_finalized(
        &mut self,
        source: &dyn Source,
        header: &Header,
    ) -> Result<Update, TreeError> {
        let mut update = Update::default();
        let hash = header.hash();
        if header.number <= self.finalized.0 {
            return Ok(update);
        }
        if !self.report(source, hash, &mut update)? {
            return Err(TreeError::Gap(hash));
        }
        let path = self.path_to(hash);
        let pruned: Vec<H256> = self
            .blocks
            .keys()
            .filter(|b| !path.contains(b) && !self.descends(**b, hash))
            .copied()
            .collect();
        self.finalized_runtime = self.blocks.get(&hash).and_then(|n| n.runtime.clone());
        for block in path.iter().chain(&pruned) {
            self.blocks.remove(block);
        }
        self.finalized = (header.number, hash);
        if self.best != hash && !self.blocks.contains_key(&self.best) {
            self.best_after_finality(source, &mut update)?;
        }
        update.events.push(FollowEvent::Finalized {
            finalized_block_hashes: path,
            pruned_block_hashes: pruned,
        });
        Ok(update)
    }

    /// Moves the best block off a block that finality just finalized below
    /// the new finalized block or pruned: to the node's best block if it
    /// descends from the new finalized block, else to that block.
    fn best_after_finality(
        &mut self,
        source: &dyn Source,
        update: &mut Update,
    ) -> Result<(), TreeError> {
        let best = source.best().1;
        if self.report(source, best, update)? {
            self.best = best;
        } else {
            self.best = self.finalized.1;
        }
        update.events.push(FollowEvent::BestBlockChanged {
            best_block_hash: self.best,
        });
        Ok(())
    }

    fn set_best(
        &mut self,
        source: &dyn Source,
        hash: H256,
        update: &mut Update,
    ) -> Result<(), TreeError> {
        if hash != self.best && self.report(source, hash, update)? {
            self.best = hash;
            update.events.push(FollowEvent::BestBlockChanged {
                best_block_hash: hash,
            });
        }
        Ok(())
    }

    /// Reports `hash` and its unreported ancestors, oldest first; whether
    /// the block is now known (it is the finalized block or descends from
    /// it). A block the node no longer has, or that is not a descendant of
    /// the finalized block, is not reported.
    fn report(
        &mut self,
        source: &dyn Source,
        hash: H256,
        update: &mut Update,
    ) -> Result<bool, TreeError> {
        let mut chain = Vec::new();
        let mut cursor = hash;
        while cursor != self.finalized.1 && !self.blocks.contains_key(&cursor) {
            let Some(header) = source.header(cursor)? else {
                return Ok(false);
            };
            if header.number <= self.finalized.0 {
                return Ok(false);
            }
            cursor = header.parent_hash;
            chain.push(header);
        }
        for header in chain.into_iter().rev() {
            self.add(source, header, update);
        }
        Ok(true)
    }

    fn add(&mut self, source: &dyn Source, header: Header, update: &mut Update) {
        let hash = header.hash();
        let parent = header.parent_hash;
        let (runtime, new_runtime) = match self.with_runtime {
            true => runtime_of(source, hash, Some(self.runtime_at(parent))),
            false => (None, None),
        };
        self.blocks.insert(hash, Node { parent, runtime });
        update.pins.push((hash, header));
        update.events.push(FollowEvent::NewBlock {
            block_hash: hash,
            parent_block_hash: parent,
            new_runtime,
        });
    }

    fn runtime_at(&self, hash: H256) -> Option<Arc<RuntimeVersion>> {
        match self.blocks.get(&hash) {
            Some(node) => node.runtime.clone(),
            None => self.finalized_runtime.clone(),
        }
    }

    /// The reported blocks from just above the finalized block up to
    /// `hash`, oldest first.
    fn path_to(&self, hash: H256) -> Vec<H256> {
        let mut path = Vec::new();
        let mut cursor = hash;
        while let Some(node) = self.blocks.get(&cursor) {
            path.push(cursor);
            cursor = node.parent;
        }
        path.reverse();
        path
    }

    /// Whether reported block `block` is `ancestor` or descends from it.
    fn descends(&self, block: H256, ancestor: H256) -> bool {
        let mut cursor = block;
        loop {
            if cursor == ancestor {
                return true;
            }
            match self.blocks.get(&cursor) {
                Some(node) => cursor = node.parent,
                None => return false,
            }
        }
    }

    /// Whether `hash` is reported and not finalized.
    #[cfg(test)]
    pub(crate) fn has(&self, hash: H256) -> bool {
        self.blocks.contains_key(&hash)
    }
}

/// The runtime of `hash`, and its event: `Some(None)` when it equals the
/// parent's (`parent` given), `Some(Some(…))` when new or unreadable.
fn runtime_of(
    source: &dyn Source,
    hash: H256,
    parent: Option<Option<Arc<RuntimeVersion>>>,
) -> (Option<Arc<RuntimeVersion>>, Option<Option<RuntimeEvent>>) {
    match source.runtime(hash) {
        Ok(version) => match parent {
            Some(Some(known)) if *known == version => (Some(known), Some(None)),
            _ => {
                let event = RuntimeEvent::Valid {
                    spec: (&version).into(),
                };
                (Some(Arc::new(version)), Some(Some(event)))
            }
        },
        Err(e) => (
            None,
            Some(Some(RuntimeEvent::Invalid {
                error: e.to_string(),
            })),
        ),
    }
}

#[cfg(test)]
#[path = "tree_tests.rs"]
mod tests;
