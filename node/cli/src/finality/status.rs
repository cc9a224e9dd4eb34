//! The round in progress as RPC (`entropy_roundState`) and metrics
//! (`entroos_finality_round`) show it: published by the finality task
//! after each batch of inputs.

use entroos_finality::{FinalityVoter, SignedVote, VoteKind};
use entroos_rpc::{BlockRef, RoundState, VoterRound};
use std::collections::BTreeMap;

/// The machine's current round: each voter with its weight and the first
/// vote of each kind held for it, and the weight that voted.
pub fn round_state(voter: &FinalityVoter) -> RoundState {
    let set = voter.set();
    let prevotes = first_votes(voter.current_votes(VoteKind::Prevote));
    let precommits = first_votes(voter.current_votes(VoteKind::Precommit));
    let mut prevote_weight: u128 = 0;
    let mut precommit_weight: u128 = 0;
    let voters = set
        .voters()
        .iter()
        .map(|(id, weight)| {
            let prevote = prevotes.get(id).copied();
            let precommit = precommits.get(id).copied();
            if prevote.is_some() {
                prevote_weight = prevote_weight.saturating_add(*weight);
            }
            if precommit.is_some() {
                precommit_weight = precommit_weight.saturating_add(*weight);
            }
            VoterRound {
                id: *id,
                weight: *weight,
                prevote,
                precommit,
            }
        })
        .collect();
    let base = voter.round_base();
    RoundState {
        set_id: set.set_id(),
        round: voter.round(),
        base: BlockRef {
            number: base.number,
            hash: base.hash,
        },
        total_weight: set.total(),
        threshold: set.threshold(),
        prevote_weight,
        precommit_weight,
        voters,
    }
}

fn first_votes(votes: Vec<SignedVote>) -> BTreeMap<[u8; 32], BlockRef> {
    let mut first = BTreeMap::new();
    for vote in votes {
        first.entry(vote.voter).or_insert(BlockRef {
            number: vote.vote.target_number,
            hash: vote.vote.target_hash,
        });
    }
    first
}
