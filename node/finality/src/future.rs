//! Verified votes for the next rounds, held until the machine gets there.
//! Bounded: only [`FUTURE_ROUNDS`] rounds ahead, at most two votes per
//! voter, round and kind (a second one is kept as equivocation proof).

use crate::{SignedVote, VoteKind};
use std::collections::BTreeMap;

/// How many rounds ahead of the current one votes are held.
pub const FUTURE_ROUNDS: u64 = 2;

type Key = (u64, VoteKind, usize);

/// The held votes, by round, kind and voter index.
#[derive(Clone, Debug, Default)]
pub(crate) struct FutureVotes {
    votes: BTreeMap<Key, Vec<SignedVote>>,
}

impl FutureVotes {
    /// Whether a vote of `round` is held at all when the current round is
    /// `current`.
    pub fn accepts(current: u64, round: u64) -> bool {
        round > current && round <= current.saturating_add(FUTURE_ROUNDS)
    }

    pub fn contains(&self, index: usize, vote: &SignedVote) -> bool {
        let key = (vote.vote.round, vote.vote.kind, index);
        self.votes.get(&key).is_some_and(|held| held.contains(vote))
    }

    /// Holds a vote (the caller checked [`Self::accepts`] and the
    /// signature); a third vote of a voter, round and kind is dropped.
    pub fn insert(&mut self, index: usize, vote: SignedVote) {
        let held = self
            .votes
            .entry((vote.vote.round, vote.vote.kind, index))
            .or_default();
        if held.len() < 2 && !held.contains(&vote) {
            held.push(vote);
        }
    }

    /// Takes the votes of `round` out, in key order.
    pub fn take(&mut self, round: u64) -> Vec<(usize, SignedVote)> {
        let later = self
            .votes
            .split_off(&(round.saturating_add(1), VoteKind::Prevote, 0));
        let upto = std::mem::replace(&mut self.votes, later);
        upto.into_iter()
            .filter(|((r, _, _), _)| *r == round)
            .flat_map(|((_, _, index), votes)| votes.into_iter().map(move |v| (index, v)))
            .collect()
    }

    /// Copies of the votes of `round`, in key order.
    pub fn of_round(&self, round: u64) -> Vec<(usize, SignedVote)> {
        let from = (round, VoteKind::Prevote, 0);
        self.votes
            .range(from..)
            .take_while(|((r, _, _), _)| *r == round)
            .flat_map(|((_, _, index), votes)| votes.iter().map(move |v| (*index, v.clone())))
            .collect()
    }

    /// How many votes are held.
    pub fn len(&self) -> usize {
        self.votes.values().map(Vec::len).sum()
    }

    pub fn clear(&mut self) {
        self.votes.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{MapChain, Voters};

    #[test]
    fn only_the_next_rounds_are_held_with_two_votes_per_slot() {
        assert!(!FutureVotes::accepts(5, 5));
        assert!(FutureVotes::accepts(5, 6));
        assert!(FutureVotes::accepts(5, 5 + FUTURE_ROUNDS));
        assert!(!FutureVotes::accepts(5, 6 + FUTURE_ROUNDS));
        let (mut chain, genesis) = MapChain::new();
        let blocks = chain.extend(genesis, 3, 0);
        let voters = Voters::new(0, &[1, 1]);
        let mut held = FutureVotes::default();
        for (round, block) in [(6, 0), (6, 1), (6, 2), (6, 0), (7, 0), (8, 0)] {
            held.insert(0, voters.vote(0, VoteKind::Prevote, round, blocks[block]));
        }
        assert_eq!(held.len(), 4, "a third vote of one slot is dropped");
        assert!(held.contains(0, &voters.vote(0, VoteKind::Prevote, 6, blocks[1])));
        assert_eq!(held.of_round(6).len(), 2);
        assert_eq!(held.take(7).len(), 1);
        assert_eq!(held.len(), 1, "round 6 went with round 7, round 8 stays");
    }
}
