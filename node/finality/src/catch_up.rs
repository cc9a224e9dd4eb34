//! Catching up: a voter behind takes the votes of a round its peers
//! completed, checks every one, and moves past the round if the votes make
//! it completable in its own view. It never votes in the rounds it skips.

use crate::round::Round;
use crate::votes::import;
use crate::{
    CatchUp, ChainView, Effect, FinalityError, FinalityVoter, SignatureCheck, SignedVote, VoteKind,
};

impl<V: SignatureCheck> FinalityVoter<V> {
    pub(crate) fn on_catch_up<C: ChainView + ?Sized>(
        &mut self,
        catch_up: CatchUp,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), FinalityError> {
        if catch_up.set_id != self.set.set_id() || catch_up.round < self.current.number {
            return Ok(());
        }
        let votes = self.checked_votes(&catch_up)?;
        let depth = self.config.max_vote_depth;
        if catch_up.round == self.current.number {
            let set = &self.set;
            return import(
                &mut self.current,
                set,
                depth,
                &mut self.reported,
                votes,
                chain,
                out,
            );
        }
        let mut round = Round::new(catch_up.round, self.finalized, self.now);
        let held = self.future.of_round(catch_up.round);
        let all = votes.into_iter().chain(held).collect();
        import(
            &mut round,
            &self.set,
            depth,
            &mut self.reported,
            all,
            chain,
            out,
        )?;
        if round.completable(&self.set) {
            self.enter_after(round, chain, out)?;
        }
        Ok(())
    }

    /// The catch-up's votes with their voter indices, each of the right
    /// kind, round and set, by a voter of the set, with a valid signature
    /// (unless already held).
    fn checked_votes(&self, catch_up: &CatchUp) -> Result<Vec<(usize, SignedVote)>, FinalityError> {
        let mut checked = Vec::new();
        let lists = [
            (VoteKind::Prevote, &catch_up.prevotes),
            (VoteKind::Precommit, &catch_up.precommits),
        ];
        for (kind, votes) in lists {
            for signed in votes {
                let vote = &signed.vote;
                if vote.kind != kind
                    || vote.round != catch_up.round
                    || vote.set_id != catch_up.set_id
                {
                    return Err(FinalityError::MisplacedVote(Box::new(*vote)));
                }
                let index = self.voter_index(signed)?;
                let held = vote.round == self.current.number
                    && self.current.tracker(kind).contains(index, signed);
                if !held {
                    self.check_signature(signed)?;
                }
                checked.push((index, signed.clone()));
            }
        }
        Ok(checked)
    }
}
