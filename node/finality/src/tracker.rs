//! The votes of one kind in one round: at most one vote per voter counts;
//! a second, different one makes the voter an equivocator, both votes are
//! kept as proof, and from then on its weight counts as supporting every
//! block (any more votes from it are ignored).

use crate::graph::{Placement, VoteGraph};
use crate::justification::Evidence;
use crate::{BlockId, ChainView, Equivocation, FinalityError, SignedVote, VoteWeight, VoterSet};
use entroos_primitives::H256;
use std::collections::BTreeMap;

/// What one voter cast.
#[derive(Clone, Debug)]
enum Cast {
    Single {
        vote: SignedVote,
        placement: Placement,
    },
    Equivocated {
        first: SignedVote,
        second: SignedVote,
    },
}

/// What adding a vote did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Added {
    /// The voter's first vote, placed as given.
    New(Placement),
    /// A vote already held.
    Known,
    /// The voter's second, different vote: it equivocated.
    Equivocation(Box<Equivocation>),
    /// A third vote of an equivocator: dropped.
    Ignored,
}

/// One kind of vote in one round.
#[derive(Clone, Debug)]
pub(crate) struct VoteTracker {
    graph: VoteGraph,
    casts: BTreeMap<usize, Cast>,
    /// Voters whose vote is placed (in or outside the graph) and
    /// equivocators: what can no longer move.
    placed_weight: VoteWeight,
    equivocator_weight: VoteWeight,
}

impl VoteTracker {
    pub fn new(base: BlockId) -> Self {
        VoteTracker {
            graph: VoteGraph::new(base),
            casts: BTreeMap::new(),
            placed_weight: 0,
            equivocator_weight: 0,
        }
    }

    /// Whether this exact vote is already held.
    pub fn contains(&self, index: usize, vote: &SignedVote) -> bool {
        match self.casts.get(&index) {
            Some(Cast::Single { vote: held, .. }) => held == vote,
            Some(Cast::Equivocated { first, second }) => first == vote || second == vote,
            None => false,
        }
    }

    /// Adds a verified vote of voter `index`.
    pub fn add<C: ChainView + ?Sized>(
        &mut self,
        chain: &C,
        set: &VoterSet,
        index: usize,
        vote: SignedVote,
        max_depth: u32,
    ) -> Result<Added, FinalityError> {
        let weight = set.weight(index);
        match self.casts.get(&index).cloned() {
            None => {
                let placement = self.graph.place(chain, vote.vote.target(), max_depth)?;
                self.count(&vote, placement, weight);
                self.casts.insert(index, Cast::Single { vote, placement });
                Ok(Added::New(placement))
            }
            Some(Cast::Single { vote: first, .. }) if first == vote => Ok(Added::Known),
            Some(Cast::Single {
                vote: first,
                placement,
            }) => {
                self.uncount(&first, placement, weight);
                self.equivocator_weight = self.equivocator_weight.saturating_add(weight);
                self.placed_weight = self.placed_weight.saturating_add(weight);
                let proof = Equivocation {
                    first: first.clone(),
                    second: vote.clone(),
                };
                self.casts.insert(
                    index,
                    Cast::Equivocated {
                        first,
                        second: vote,
                    },
                );
                Ok(Added::Equivocation(Box::new(proof)))
            }
            Some(Cast::Equivocated { .. }) if self.contains(index, &vote) => Ok(Added::Known),
            Some(Cast::Equivocated { .. }) => Ok(Added::Ignored),
        }
    }

    fn count(&mut self, vote: &SignedVote, placement: Placement, weight: VoteWeight) {
        if placement == Placement::InGraph {
            self.graph.add(&vote.vote.target_hash, weight);
        }
        if placement != Placement::Unknown {
            self.placed_weight = self.placed_weight.saturating_add(weight);
        }
    }

    fn uncount(&mut self, vote: &SignedVote, placement: Placement, weight: VoteWeight) {
        if placement == Placement::InGraph {
            self.graph.remove(&vote.vote.target_hash, weight);
        }
        if placement != Placement::Unknown {
            self.placed_weight = self.placed_weight.saturating_sub(weight);
        }
    }

    /// Places the votes whose targets were unknown, if they are now known.
    pub fn retry_unknown<C: ChainView + ?Sized>(
        &mut self,
        chain: &C,
        set: &VoterSet,
        max_depth: u32,
    ) -> Result<(), FinalityError> {
        let waiting: Vec<(usize, SignedVote)> = self
            .casts
            .iter()
            .filter_map(|(index, cast)| match cast {
                Cast::Single {
                    vote,
                    placement: Placement::Unknown,
                } => Some((*index, vote.clone())),
                _ => None,
            })
            .collect();
        for (index, vote) in waiting {
            let placement = self.graph.place(chain, vote.vote.target(), max_depth)?;
            if placement != Placement::Unknown {
                self.count(&vote, placement, set.weight(index));
                self.casts.insert(index, Cast::Single { vote, placement });
            }
        }
        Ok(())
    }

    /// The weight supporting `hash`: votes for it or its descendants, and
    /// every equivocator.
    pub fn support(&self, hash: &H256) -> VoteWeight {
        self.graph
            .weight(hash)
            .saturating_add(self.equivocator_weight)
    }

    /// The weight of voters whose vote is placed, equivocators included:
    /// the votes the round's rules count (a vote for a block not known yet
    /// counts once the block is).
    pub fn placed_weight(&self) -> VoteWeight {
        self.placed_weight
    }

    /// The weight that may still support any block: voters who have not
    /// voted, or whose vote's target is not known yet.
    pub fn remaining(&self, total: VoteWeight) -> VoteWeight {
        total.saturating_sub(self.placed_weight)
    }

    pub fn equivocator_weight(&self) -> VoteWeight {
        self.equivocator_weight
    }

    pub fn graph(&self) -> &VoteGraph {
        &self.graph
    }

    /// The highest block supported by at least `threshold`.
    pub fn ghost(&self, threshold: VoteWeight) -> Option<BlockId> {
        self.graph.ghost(threshold, self.equivocator_weight)
    }

    /// The votes supporting `target` (a block of the graph): single votes
    /// for it or its descendants, and the equivocators' pairs.
    pub fn evidence_for(&self, target: &BlockId) -> Evidence {
        let mut evidence = Evidence::default();
        for cast in self.casts.values() {
            match cast {
                Cast::Single {
                    vote,
                    placement: Placement::InGraph,
                } if self.graph.descends(&vote.vote.target(), target) => {
                    evidence.singles.push(vote.clone())
                }
                Cast::Equivocated { first, second } => {
                    evidence.pairs.push((first.clone(), second.clone()))
                }
                _ => {}
            }
        }
        evidence
    }

    /// Every vote held, equivocations' both votes included, by voter.
    pub fn all_votes(&self) -> Vec<SignedVote> {
        let mut votes = Vec::new();
        for cast in self.casts.values() {
            match cast {
                Cast::Single { vote, .. } => votes.push(vote.clone()),
                Cast::Equivocated { first, second } => {
                    votes.extend([first.clone(), second.clone()])
                }
            }
        }
        votes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{MapChain, Voters};
    use crate::VoteKind::Prevote;

    #[test]
    fn a_second_vote_makes_an_equivocator_counted_everywhere() {
        let (mut chain, genesis) = MapChain::new();
        let a = chain.extend(genesis, 2, 0);
        let b = chain.extend(genesis, 2, 1);
        let voters = Voters::new(0, &[10, 20, 30]);
        let set = &voters.set;
        let mut tracker = VoteTracker::new(genesis);
        let first = voters.vote(0, Prevote, 0, a[1]);
        let i = voters.index(0);
        assert_eq!(
            tracker.add(&chain, set, i, first.clone(), 64).unwrap(),
            Added::New(Placement::InGraph)
        );
        assert_eq!(
            tracker.add(&chain, set, i, first.clone(), 64).unwrap(),
            Added::Known
        );
        assert_eq!(tracker.support(&a[1].hash), 10);
        let second = voters.vote(0, Prevote, 0, b[1]);
        let Added::Equivocation(proof) = tracker.add(&chain, set, i, second.clone(), 64).unwrap()
        else {
            panic!("not an equivocation");
        };
        assert_eq!((proof.first, proof.second), (first, second.clone()));
        assert_eq!(tracker.support(&a[1].hash), 10);
        assert_eq!(tracker.support(&b[0].hash), 10);
        assert_eq!(tracker.graph().weight(&a[1].hash), 0);
        assert_eq!(tracker.placed_weight(), 10);
        let third = voters.vote(0, Prevote, 0, genesis);
        assert_eq!(
            tracker.add(&chain, set, i, third, 64).unwrap(),
            Added::Ignored
        );
        assert_eq!(
            tracker.add(&chain, set, i, second, 64).unwrap(),
            Added::Known
        );
        let evidence = tracker.evidence_for(&genesis);
        assert_eq!((evidence.singles.len(), evidence.pairs.len()), (0, 1));
    }

    #[test]
    fn a_vote_for_an_unknown_block_counts_once_the_block_is_known() {
        let (mut chain, genesis) = MapChain::new();
        let voters = Voters::new(0, &[10, 20, 30]);
        let mut later = MapChain::new().0;
        let blocks = later.extend(genesis, 2, 0);
        let mut tracker = VoteTracker::new(genesis);
        let vote = voters.vote(2, Prevote, 0, blocks[1]);
        let added = tracker
            .add(&chain, &voters.set, voters.index(2), vote, 64)
            .unwrap();
        assert_eq!(added, Added::New(Placement::Unknown));
        assert_eq!(tracker.remaining(60), 60);
        assert_eq!(tracker.ghost(30), None);
        chain.extend(genesis, 2, 0);
        tracker.retry_unknown(&chain, &voters.set, 64).unwrap();
        assert_eq!(tracker.remaining(60), 30);
        assert_eq!(tracker.ghost(30), Some(blocks[1]));
    }
}
