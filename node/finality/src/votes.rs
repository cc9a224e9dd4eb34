//! Votes from peers: checked (set, membership, round window, signature),
//! then counted in their round, held for a later round, or answered with a
//! catch-up or a set hand-over when their sender is behind.

use crate::future::{FutureVotes, FUTURE_ROUNDS};
use crate::graph::Placement;
use crate::round::Round;
use crate::tracker::Added;
use crate::{
    ChainView, Effect, FinalityError, FinalityVoter, Message, SignatureCheck, SignedVote, Vote,
    VoteKind, VoterSet,
};
use std::collections::BTreeSet;

/// The equivocations already reported, by round, kind and voter.
#[derive(Clone, Debug, Default)]
pub(crate) struct Reports(BTreeSet<(u64, VoteKind, usize)>);

impl Reports {
    /// Acts on a vote just added: reports an equivocation (once per voter,
    /// round and kind), or asks for the block of a vote it cannot place.
    pub fn record(&mut self, index: usize, vote: &Vote, added: Added, out: &mut Vec<Effect>) {
        match added {
            Added::Equivocation(proof)
                if self
                    .0
                    .insert((proof.first.vote.round, proof.first.vote.kind, index)) =>
            {
                out.push(Effect::ReportEquivocation(*proof))
            }
            Added::New(Placement::Unknown) => out.push(Effect::FetchBlock(vote.target())),
            _ => {}
        }
    }

    /// Forgets rounds below `round`.
    pub fn prune(&mut self, round: u64) {
        self.0 = self.0.split_off(&(round, VoteKind::Prevote, 0));
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

/// Adds verified votes to `round`, reporting equivocations.
pub(crate) fn import<C: ChainView + ?Sized>(
    round: &mut Round,
    set: &VoterSet,
    max_depth: u32,
    reports: &mut Reports,
    votes: Vec<(usize, SignedVote)>,
    chain: &C,
    out: &mut Vec<Effect>,
) -> Result<(), FinalityError> {
    for (index, vote) in votes {
        let target = vote.vote;
        let added = round
            .tracker_mut(target.kind)
            .add(chain, set, index, vote, max_depth)?;
        reports.record(index, &target, added, out);
    }
    Ok(())
}

impl<V: SignatureCheck> FinalityVoter<V> {
    pub(crate) fn on_vote<C: ChainView + ?Sized>(
        &mut self,
        signed: SignedVote,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), FinalityError> {
        let vote = signed.vote;
        if vote.set_id != self.set.set_id() {
            if vote.set_id < self.set.set_id() {
                // Its signature cannot be checked against a set that is
                // gone; the answer is public and rate-limited.
                self.send_handover(out);
            }
            return Ok(());
        }
        let index = self.voter_index(&signed)?;
        let current = self.current.number;
        if FutureVotes::accepts(current, vote.round) {
            self.hold(index, signed)
        } else if vote.round > current.saturating_add(FUTURE_ROUNDS) {
            Ok(())
        } else {
            self.count(index, signed, chain, out)
        }
    }

    /// Holds a vote of a coming round.
    fn hold(&mut self, index: usize, signed: SignedVote) -> Result<(), FinalityError> {
        if !self.future.contains(index, &signed) {
            self.check_signature(&signed)?;
            self.future.insert(index, signed);
        }
        Ok(())
    }

    /// Counts a vote of the current or background round, or answers a
    /// voter that is behind.
    fn count<C: ChainView + ?Sized>(
        &mut self,
        index: usize,
        signed: SignedVote,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), FinalityError> {
        let vote = signed.vote;
        let held = match self.round_ref(vote.round) {
            Some(round) => round.tracker(vote.kind).contains(index, &signed),
            None => {
                // Two or more rounds behind: the sender needs a catch-up.
                self.check_signature(&signed)?;
                self.send_catch_up(out);
                return Ok(());
            }
        };
        if held {
            if vote.round < self.current.number {
                // A repeat from a voter stuck in our previous round.
                self.send_catch_up(out);
            }
            return Ok(());
        }
        self.check_signature(&signed)?;
        let Some(round) = round_in(&mut self.current, &mut self.background, vote.round) else {
            return Ok(());
        };
        let depth = self.config.max_vote_depth;
        let added = round
            .tracker_mut(vote.kind)
            .add(chain, &self.set, index, signed, depth)?;
        self.reported.record(index, &vote, added, out);
        Ok(())
    }

    pub(crate) fn voter_index(&self, signed: &SignedVote) -> Result<usize, FinalityError> {
        self.set
            .index_of(&signed.voter)
            .ok_or(FinalityError::NotAVoter {
                voter: signed.voter,
                set_id: self.set.set_id(),
            })
    }

    pub(crate) fn check_signature(&self, signed: &SignedVote) -> Result<(), FinalityError> {
        match signed.verify(&self.verifier) {
            true => Ok(()),
            false => Err(FinalityError::BadSignature),
        }
    }

    /// The current or background round numbered `number`.
    fn round_ref(&self, number: u64) -> Option<&Round> {
        if number == self.current.number {
            return Some(&self.current);
        }
        self.background
            .as_ref()
            .filter(|round| round.number == number)
    }

    /// Whether a rate-limited message last sent at `last` may go now.
    fn may_send(&self, last: Option<u64>) -> bool {
        last.is_none_or(|at| self.now >= at.saturating_add(self.config.rebroadcast_millis))
    }

    /// Sends the votes of the previous round, if it is completable, to
    /// voters left behind (at most once per rebroadcast period).
    pub(crate) fn send_catch_up(&mut self, out: &mut Vec<Effect>) {
        if !self.may_send(self.last_catch_up_at) {
            return;
        }
        let Some(round) = self.background.as_ref() else {
            return;
        };
        if !round.completable(&self.set) {
            return;
        }
        out.push(Effect::Broadcast(Message::CatchUp(crate::CatchUp {
            set_id: self.set.set_id(),
            round: round.number,
            prevotes: round.tracker(VoteKind::Prevote).all_votes(),
            precommits: round.tracker(VoteKind::Precommit).all_votes(),
        })));
        self.last_catch_up_at = Some(self.now);
    }

    /// Sends the justification that enacted the current set to voters
    /// still in an older set (at most once per rebroadcast period).
    fn send_handover(&mut self, out: &mut Vec<Effect>) {
        if !self.may_send(self.last_handover_at) {
            return;
        }
        if let Some(justification) = &self.handover {
            out.push(Effect::Broadcast(Message::Commit(justification.clone())));
            self.last_handover_at = Some(self.now);
        }
    }
}

/// The current or background round numbered `number`, borrowed apart from
/// the rest of the machine.
pub(crate) fn round_in<'a>(
    current: &'a mut Round,
    background: &'a mut Option<Round>,
    number: u64,
) -> Option<&'a mut Round> {
    if number == current.number {
        return Some(current);
    }
    background.as_mut().filter(|round| round.number == number)
}
