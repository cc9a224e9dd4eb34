//! The vote graph of one kind of vote in one round: the blocks from the
//! round's base up to every placed vote's target, each with the weight of
//! the votes for it or its descendants (a vote for a block supports all
//! its ancestors).

use crate::chain::{parent_of, read_block};
use crate::{BlockId, ChainView, FinalityError, VoteWeight};
use entroos_primitives::{BlockNumber, H256};
use std::collections::{BTreeMap, BTreeSet};

/// Where a vote's target lies relative to the round's base.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Placement {
    /// The base or a descendant: the vote is in the graph.
    InGraph,
    /// Known and not a descendant of the base (or a wrong number): the vote
    /// supports no block the round can decide.
    Outside,
    /// Not known yet: the vote may support anything until it is placed.
    Unknown,
}

#[derive(Clone, Debug)]
struct Node {
    number: BlockNumber,
    parent: Option<H256>,
    weight: VoteWeight,
    children: BTreeSet<H256>,
}

/// Blocks and their cumulative weights, rooted at the base.
#[derive(Clone, Debug)]
pub(crate) struct VoteGraph {
    base: BlockId,
    nodes: BTreeMap<H256, Node>,
}

impl VoteGraph {
    pub fn new(base: BlockId) -> Self {
        let root = Node {
            number: base.number,
            parent: None,
            weight: 0,
            children: BTreeSet::new(),
        };
        VoteGraph {
            base,
            nodes: BTreeMap::from([(base.hash, root)]),
        }
    }

    /// Adds the path from `target` down to the graph, reading at most
    /// `max_depth` blocks from `chain`.
    pub fn place<C: ChainView + ?Sized>(
        &mut self,
        chain: &C,
        target: BlockId,
        max_depth: u32,
    ) -> Result<Placement, FinalityError> {
        let mut path = Vec::new();
        let mut current = target;
        loop {
            if let Some(node) = self.nodes.get(&current.hash) {
                if node.number != current.number {
                    return Ok(Placement::Outside);
                }
                break;
            }
            if current.number <= self.base.number {
                return Ok(Placement::Outside);
            }
            if path.len() >= max_depth as usize {
                return Ok(Placement::Unknown);
            }
            match read_block(chain, &current.hash)? {
                None => return Ok(Placement::Unknown),
                Some(info) if info.number != current.number => return Ok(Placement::Outside),
                Some(info) => {
                    path.push((current, info.parent));
                    current = parent_of(current, info);
                }
            }
        }
        for (block, parent) in path.into_iter().rev() {
            self.insert(block, parent);
        }
        Ok(Placement::InGraph)
    }

    fn insert(&mut self, block: BlockId, parent: H256) {
        if let Some(node) = self.nodes.get_mut(&parent) {
            node.children.insert(block.hash);
        }
        self.nodes.insert(
            block.hash,
            Node {
                number: block.number,
                parent: Some(parent),
                weight: 0,
                children: BTreeSet::new(),
            },
        );
    }

    /// Adds `weight` to `hash` and every ancestor down to the base.
    pub fn add(&mut self, hash: &H256, weight: VoteWeight) {
        self.walk_mut(hash, |node| {
            node.weight = node.weight.saturating_add(weight)
        });
    }

    /// Takes `weight` back from `hash` and its ancestors.
    pub fn remove(&mut self, hash: &H256, weight: VoteWeight) {
        self.walk_mut(hash, |node| {
            node.weight = node.weight.saturating_sub(weight)
        });
    }

    fn walk_mut(&mut self, hash: &H256, mut change: impl FnMut(&mut Node)) {
        let mut current = Some(*hash);
        while let Some(hash) = current {
            let Some(node) = self.nodes.get_mut(&hash) else {
                return;
            };
            change(node);
            current = node.parent;
        }
    }

    /// The cumulative weight at `hash` (0 if not in the graph).
    pub fn weight(&self, hash: &H256) -> VoteWeight {
        self.nodes.get(hash).map_or(0, |node| node.weight)
    }

    /// The parent of a block of the graph (`None` at the base).
    pub fn parent(&self, block: &BlockId) -> Option<BlockId> {
        let node = self.nodes.get(&block.hash)?;
        let parent = node.parent?;
        Some(BlockId::new(node.number.saturating_sub(1), parent))
    }

    /// The children of a block of the graph.
    pub fn children(&self, hash: &H256) -> impl Iterator<Item = BlockId> + '_ {
        self.nodes
            .get(hash)
            .into_iter()
            .flat_map(|node| node.children.iter())
            .filter_map(|child| {
                let node = self.nodes.get(child)?;
                Some(BlockId::new(node.number, *child))
            })
    }

    /// Whether `block` is `ancestor` or descends from it, in the graph.
    pub fn descends(&self, block: &BlockId, ancestor: &BlockId) -> bool {
        let mut current = Some(*block);
        while let Some(id) = current {
            if id.number <= ancestor.number {
                return id == *ancestor;
            }
            current = self.parent(&id);
        }
        false
    }

    /// The highest block whose weight plus `extra` reaches `threshold`,
    /// going up from the base through such blocks (the heaviest child
    /// first, then the lowest hash); `None` if the base does not reach it.
    pub fn ghost(&self, threshold: VoteWeight, extra: VoteWeight) -> Option<BlockId> {
        let reaches = |weight: VoteWeight| weight.saturating_add(extra) >= threshold;
        if !reaches(self.weight(&self.base.hash)) {
            return None;
        }
        let mut current = self.base;
        loop {
            let next = self
                .children(&current.hash)
                .map(|child| (self.weight(&child.hash), child))
                .filter(|(weight, _)| reaches(*weight))
                .max_by(|a, b| a.0.cmp(&b.0).then(b.1.hash.cmp(&a.1.hash)));
            match next {
                Some((_, child)) => current = child,
                None => return Some(current),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::MapChain;

    #[test]
    fn the_ghost_follows_the_heaviest_supermajority_branch() {
        let (mut chain, genesis) = MapChain::new();
        let main = chain.extend(genesis, 3, 0);
        let fork = chain.extend(main[0], 2, 1);
        let mut graph = VoteGraph::new(genesis);
        for target in [main[2], fork[1]] {
            assert_eq!(
                graph.place(&chain, target, 100).unwrap(),
                Placement::InGraph
            );
        }
        graph.add(&main[2].hash, 40);
        graph.add(&fork[1].hash, 30);
        assert_eq!(graph.weight(&genesis.hash), 70);
        assert_eq!(graph.weight(&main[0].hash), 70);
        assert_eq!(graph.ghost(67, 0), Some(main[0]));
        assert_eq!(graph.ghost(40, 0), Some(main[2]));
        assert_eq!(
            graph.ghost(30, 15),
            Some(main[2]),
            "the heavier child first"
        );
        assert_eq!(graph.ghost(71, 0), None);
        graph.remove(&main[2].hash, 40);
        assert_eq!(graph.ghost(30, 0), Some(fork[1]));
        assert!(graph.descends(&fork[1], &main[0]));
        assert!(!graph.descends(&fork[1], &main[1]));
        assert_eq!(graph.parent(&fork[0]), Some(main[0]));
    }

    #[test]
    fn votes_off_the_base_or_unknown_are_not_placed() {
        let (mut chain, genesis) = MapChain::new();
        let main = chain.extend(genesis, 3, 0);
        let fork = chain.extend(genesis, 3, 1);
        let mut graph = VoteGraph::new(main[0]);
        assert_eq!(
            graph.place(&chain, fork[2], 100).unwrap(),
            Placement::Outside
        );
        assert_eq!(
            graph.place(&chain, genesis, 100).unwrap(),
            Placement::Outside
        );
        let unknown = BlockId::new(9, H256([9; 32]));
        assert_eq!(
            graph.place(&chain, unknown, 100).unwrap(),
            Placement::Unknown
        );
        let wrong_number = BlockId::new(7, main[2].hash);
        assert_eq!(
            graph.place(&chain, wrong_number, 100).unwrap(),
            Placement::Outside
        );
        assert_eq!(
            graph.place(&chain, main[2], 1).unwrap(),
            Placement::Unknown,
            "too deep"
        );
        assert_eq!(graph.place(&chain, main[2], 2).unwrap(), Placement::InGraph);
        assert_eq!(
            graph.children(&main[0].hash).collect::<Vec<_>>(),
            vec![main[1]]
        );
    }
}
