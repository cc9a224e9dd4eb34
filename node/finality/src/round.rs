//! One round: its prevotes and precommits, and what they decide.
//!
//! With `t` the set's threshold and `W` its total weight:
//! - the **prevote-GHOST** `g` is the highest block whose prevote support
//!   reaches `t` ([`crate::graph::VoteGraph::ghost`]);
//! - a block `B` is **possible** while its precommit support, plus the
//!   voters not seen yet, plus as many voters seen against it as could
//!   still turn out to be equivocators (`W - t` equivocating weight in all,
//!   known equivocators included), reaches `t` — so a block some other
//!   view finalizes stays possible in every view while the equivocating
//!   weight is at most `W - t`;
//! - the **estimate** `E` is the highest possible block at or below `g`,
//!   defined once precommits of weight `t` are placed;
//! - the round is **completable** once `E` is defined and either `E` is
//!   below `g`, or no child of `g` is possible: no later vote can raise
//!   `E` again, and any block these precommits can ever finalize is at or
//!   below `E`;
//! - the **precommit-GHOST** is final: precommits of weight `t` support it.

use crate::tracker::VoteTracker;
use crate::{BlockId, RoundVotes, VoteKind, VoterSet};
use std::cell::Cell;

/// What a round's votes decide, computed once per change of its votes.
#[derive(Clone, Copy, Debug)]
struct Summary {
    prevote_ghost: Option<BlockId>,
    estimate: Option<BlockId>,
    completable: bool,
    precommit_ghost: Option<BlockId>,
}

/// A round being voted on or kept in the background.
#[derive(Clone, Debug)]
pub(crate) struct Round {
    pub number: u64,
    pub base: BlockId,
    pub started_at: u64,
    prevotes: VoteTracker,
    precommits: VoteTracker,
    /// This node's own votes (empty for an observer).
    pub own: RoundVotes,
    pub prevote_timer: bool,
    pub precommit_timer: bool,
    /// Cleared whenever the votes may change ([`Self::tracker_mut`]).
    summary: Cell<Option<Summary>>,
}

impl Round {
    pub fn new(number: u64, base: BlockId, started_at: u64) -> Self {
        Round {
            number,
            base,
            started_at,
            prevotes: VoteTracker::new(base),
            precommits: VoteTracker::new(base),
            own: RoundVotes::default(),
            prevote_timer: false,
            precommit_timer: false,
            summary: Cell::new(None),
        }
    }

    pub fn tracker(&self, kind: VoteKind) -> &VoteTracker {
        match kind {
            VoteKind::Prevote => &self.prevotes,
            VoteKind::Precommit => &self.precommits,
        }
    }

    pub fn tracker_mut(&mut self, kind: VoteKind) -> &mut VoteTracker {
        self.summary.set(None);
        match kind {
            VoteKind::Prevote => &mut self.prevotes,
            VoteKind::Precommit => &mut self.precommits,
        }
    }

    fn summary(&self, set: &VoterSet) -> Summary {
        if let Some(summary) = self.summary.get() {
            return summary;
        }
        let prevote_ghost = self.prevotes.ghost(set.threshold());
        let estimate = prevote_ghost.and_then(|ghost| self.compute_estimate(set, ghost));
        let summary = Summary {
            prevote_ghost,
            estimate,
            completable: self.compute_completable(set, prevote_ghost, estimate),
            precommit_ghost: self.precommits.ghost(set.threshold()),
        };
        self.summary.set(Some(summary));
        summary
    }

    pub fn prevote_ghost(&self, set: &VoterSet) -> Option<BlockId> {
        self.summary(set).prevote_ghost
    }

    /// The highest block the precommits finalize.
    pub fn precommit_ghost(&self, set: &VoterSet) -> Option<BlockId> {
        self.summary(set).precommit_ghost
    }

    pub fn estimate(&self, set: &VoterSet) -> Option<BlockId> {
        self.summary(set).estimate
    }

    pub fn completable(&self, set: &VoterSet) -> bool {
        self.summary(set).completable
    }

    /// Whether the precommits could still give `block` a supermajority:
    /// its support, plus the voters not seen yet, plus as many of the
    /// voters seen against it as could still turn out to be equivocators
    /// (up to `W - t` equivocating weight in all).
    fn possible(&self, set: &VoterSet, block: &BlockId) -> bool {
        let votes = &self.precommits;
        let tolerated = set.total().saturating_sub(set.threshold());
        let support = votes.support(&block.hash);
        let against = votes.placed_weight().saturating_sub(support);
        let hidden = against.min(tolerated.saturating_sub(votes.equivocator_weight()));
        let possible = support
            .saturating_add(votes.remaining(set.total()))
            .saturating_add(hidden);
        possible >= set.threshold()
    }

    fn compute_estimate(&self, set: &VoterSet, ghost: BlockId) -> Option<BlockId> {
        if self.precommits.placed_weight() < set.threshold() {
            return None;
        }
        let mut current = ghost;
        loop {
            if self.possible(set, &current) {
                return Some(current);
            }
            current = self.prevotes.graph().parent(&current)?;
        }
    }

    fn compute_completable(
        &self,
        set: &VoterSet,
        ghost: Option<BlockId>,
        estimate: Option<BlockId>,
    ) -> bool {
        let (Some(ghost), Some(estimate)) = (ghost, estimate) else {
            return false;
        };
        if estimate != ghost {
            return true;
        }
        // With precommits of weight `t` seen, a child nobody voted for is
        // impossible: `W - t` remaining plus `W - t` hidden is below `t`.
        !self
            .precommits
            .graph()
            .children(&ghost.hash)
            .any(|child| self.possible(set, &child))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{MapChain, Voters};
    use crate::VoteKind::{Precommit, Prevote};

    /// Four voters of weight 1 (threshold 3, one tolerated equivocator);
    /// blocks `a1 ← a2 ← a3` and `a1 ← c2` above genesis.
    struct Setup {
        chain: MapChain,
        voters: Voters,
        genesis: BlockId,
        a: Vec<BlockId>,
        c2: BlockId,
    }

    fn setup() -> Setup {
        let (mut chain, genesis) = MapChain::new();
        let a = chain.extend(genesis, 3, 0);
        let c2 = chain.extend(a[0], 1, 1)[0];
        Setup {
            chain,
            voters: Voters::new(0, &[1, 1, 1, 1]),
            genesis,
            a,
            c2,
        }
    }

    fn round_with(s: &Setup, prevotes: &[BlockId], precommits: &[BlockId]) -> Round {
        let mut round = Round::new(0, s.genesis, 0);
        for (kind, targets) in [(Prevote, prevotes), (Precommit, precommits)] {
            for (i, target) in targets.iter().enumerate() {
                let vote = s.voters.vote(i, kind, 0, *target);
                let index = s.voters.index(i);
                round
                    .tracker_mut(kind)
                    .add(&s.chain, &s.voters.set, index, vote, 64)
                    .unwrap();
            }
        }
        round
    }

    #[test]
    fn unanimous_votes_complete_the_round_and_finalize() {
        let s = setup();
        let a3 = s.a[2];
        let round = round_with(&s, &[a3; 4], &[a3; 4]);
        let set = &s.voters.set;
        assert_eq!(round.prevote_ghost(set), Some(a3));
        assert_eq!(round.estimate(set), Some(a3));
        assert!(round.completable(set));
        assert_eq!(round.precommit_ghost(set), Some(a3));
    }

    #[test]
    fn no_estimate_before_a_supermajority_of_precommits() {
        let s = setup();
        let a3 = s.a[2];
        let round = round_with(&s, &[a3; 4], &[a3, a3]);
        let set = &s.voters.set;
        assert_eq!(round.prevote_ghost(set), Some(a3));
        assert_eq!(round.estimate(set), None);
        assert!(!round.completable(set));
    }

    #[test]
    fn the_estimate_drops_to_the_last_block_still_possible() {
        let s = setup();
        let (a1, a3) = (s.a[0], s.a[2]);
        // Precommits a1, c2, c2: a2 and a3 are supported by nobody; one
        // voter unseen and one hidden equivocator cannot reach three.
        let round = round_with(&s, &[a3; 4], &[a1, s.c2, s.c2]);
        let set = &s.voters.set;
        assert_eq!(round.estimate(set), Some(a1));
        assert!(round.completable(set), "the estimate is below the ghost");
        assert_eq!(round.precommit_ghost(set), Some(a1));
    }

    #[test]
    fn a_block_finalized_elsewhere_stays_possible_here() {
        let s = setup();
        let a3 = s.a[2];
        // Another view may hold a3, a3 and a third precommit for a3 from
        // the voter this view saw on c2 (an equivocator): a3 stays possible.
        let round = round_with(&s, &[a3; 4], &[a3, s.c2, a3]);
        let set = &s.voters.set;
        assert_eq!(round.estimate(set), Some(a3));
        assert!(round.completable(set), "no child of a3 is possible");
        assert_eq!(round.precommit_ghost(set), Some(s.a[0]));
    }

    #[test]
    fn a_possible_child_keeps_the_round_open() {
        let s = setup();
        let (a2, a3) = (s.a[1], s.a[2]);
        // Prevotes reach a2 only; precommits a2, a2, a3: a3 (a child of the
        // ghost) could still get a supermajority from the unseen voter and
        // a hidden equivocator.
        let round = round_with(&s, &[a2, a2, a2, a3], &[a2, a2, a3]);
        let set = &s.voters.set;
        assert_eq!(round.prevote_ghost(set), Some(a2));
        assert_eq!(round.estimate(set), Some(a2));
        assert!(!round.completable(set));
    }

    #[test]
    fn a_known_equivocator_supports_every_block() {
        let s = setup();
        let a3 = s.a[2];
        let mut round = round_with(&s, &[a3, a3, s.c2], &[]);
        let set = &s.voters.set;
        assert_eq!(round.prevote_ghost(set), Some(s.a[0]));
        let second = s.voters.vote(2, Prevote, 0, a3);
        let index = s.voters.index(2);
        round
            .tracker_mut(Prevote)
            .add(&s.chain, set, index, second, 64)
            .unwrap();
        assert_eq!(
            round.prevote_ghost(set),
            Some(a3),
            "the cached summary was refreshed"
        );
    }
}
