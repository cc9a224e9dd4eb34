//! The round's steps, taken after every input until none applies:
//! finalize what the precommits support, prevote, precommit, move on.

use crate::chain::{relation, Relation};
use crate::round::Round;
use crate::votes::import;
use crate::{
    BlockId, ChainView, Effect, FinalityError, FinalityVoter, Message, SignatureCheck, SignedVote,
    Step, Vote, VoteKind,
};

/// The most rounds one input can move the machine through.
const MAX_STEPS: usize = 16;

impl<V: SignatureCheck> FinalityVoter<V> {
    pub(crate) fn progress<C: ChainView + ?Sized>(
        &mut self,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), FinalityError> {
        for _ in 0..MAX_STEPS {
            self.finalize_rounds(chain, out)?;
            if self.own_index.is_some() {
                self.vote(chain, out)?;
            }
            if !self.can_advance() {
                break;
            }
            self.advance(chain, out)?;
        }
        Ok(())
    }

    fn vote<C: ChainView + ?Sized>(
        &mut self,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), FinalityError> {
        if self.current.own.prevote.is_none() && self.should_prevote(chain)? {
            let target = self.prevote_target(chain)?;
            self.sign(VoteKind::Prevote, target, chain, out)?;
        }
        if self.current.own.prevote.is_some() && self.current.own.precommit.is_none() {
            if let Some(target) = self.precommit_target(chain)? {
                self.sign(VoteKind::Precommit, target, chain, out)?;
            }
        }
        Ok(())
    }

    /// Prevote once the timer fired, the round is already completable, or
    /// there is a block above the finalized one to vote for.
    fn should_prevote<C: ChainView + ?Sized>(&self, chain: &C) -> Result<bool, FinalityError> {
        if self.current.prevote_timer || self.current.completable(&self.set) {
            return Ok(true);
        }
        Ok(self.prevote_target(chain)?.number > self.finalized.number)
    }

    /// The head of the best chain containing the previous round's estimate
    /// (or the finalized block, if finality moved past the estimate).
    fn prevote_target<C: ChainView + ?Sized>(&self, chain: &C) -> Result<BlockId, FinalityError> {
        let estimate = self.previous_round_estimate();
        let anchor = if self.finalized.number > estimate.number {
            self.finalized
        } else {
            estimate
        };
        let head = chain
            .best_containing(&anchor)
            .map_err(FinalityError::Chain)?;
        Ok(head.unwrap_or(anchor))
    }

    /// The prevote-GHOST, once it descends from the previous round's
    /// estimate and the voter is ready: the GHOST reached its own prevote,
    /// every voter prevoted, the round is completable, or the timer fired.
    fn precommit_target<C: ChainView + ?Sized>(
        &self,
        chain: &C,
    ) -> Result<Option<BlockId>, FinalityError> {
        let round = &self.current;
        let Some(ghost) = round.prevote_ghost(&self.set) else {
            return Ok(None);
        };
        let estimate = self.previous_round_estimate();
        if relation(chain, ghost, estimate)? != Relation::Descends {
            return Ok(None);
        }
        let reached_own = round.own.prevote.as_ref().is_some_and(|own| {
            round
                .tracker(VoteKind::Prevote)
                .graph()
                .descends(&ghost, &own.vote.target())
        });
        let ready = round.precommit_timer
            || reached_own
            || round.tracker(VoteKind::Prevote).placed_weight() >= self.set.total()
            || round.completable(&self.set);
        Ok(ready.then_some(ghost))
    }

    /// Signs, records, persists, then broadcasts a vote of the current round.
    fn sign<C: ChainView + ?Sized>(
        &mut self,
        kind: VoteKind,
        target: BlockId,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), FinalityError> {
        let (Some(pair), Some(index)) = (self.signer.as_ref(), self.own_index) else {
            return Ok(());
        };
        let vote = Vote {
            kind,
            round: self.current.number,
            set_id: self.set.set_id(),
            target_hash: target.hash,
            target_number: target.number,
        };
        let signed = SignedVote::sign(vote, pair);
        match kind {
            VoteKind::Prevote => self.current.own.prevote = Some(signed.clone()),
            VoteKind::Precommit => self.current.own.precommit = Some(signed.clone()),
        }
        let depth = self.config.max_vote_depth;
        let tracker = self.current.tracker_mut(kind);
        tracker.add(chain, &self.set, index, signed.clone(), depth)?;
        out.push(Effect::Persist(Box::new(self.state())));
        out.push(Effect::Broadcast(Message::Vote(signed)));
        Ok(())
    }

    /// The round is completable and this node is done with it (or gave up
    /// waiting to precommit).
    fn can_advance(&self) -> bool {
        let round = &self.current;
        let done =
            self.own_index.is_none() || round.own.precommit.is_some() || round.precommit_timer;
        done && round.completable(&self.set)
    }

    fn advance<C: ChainView + ?Sized>(
        &mut self,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), FinalityError> {
        let next = Round::new(
            self.current.number.saturating_add(1),
            self.finalized,
            self.now,
        );
        let finished = std::mem::replace(&mut self.current, next);
        self.enter_after(finished, chain, out)
    }

    /// Makes `finished` (completable) the background round and starts the
    /// round after it: held votes are counted, the state persisted, the
    /// timers scheduled.
    pub(crate) fn enter_after<C: ChainView + ?Sized>(
        &mut self,
        finished: Round,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), FinalityError> {
        if let Some(estimate) = finished.estimate(&self.set) {
            self.previous_estimate = estimate;
        }
        let number = finished.number.saturating_add(1);
        self.reported.prune(finished.number);
        self.current = Round::new(number, self.finalized, self.now);
        self.background = Some(finished);
        let held = self.future.take(number);
        let depth = self.config.max_vote_depth;
        let set = &self.set;
        import(
            &mut self.current,
            set,
            depth,
            &mut self.reported,
            held,
            chain,
            out,
        )?;
        self.persist(out);
        self.schedule_timers(out);
        Ok(())
    }

    /// The previous round's estimate: live from the background round while
    /// it is completable, else as it was when the round started.
    pub(crate) fn previous_round_estimate(&self) -> BlockId {
        let previous = self
            .background
            .as_ref()
            .filter(|round| round.number.checked_add(1) == Some(self.current.number))
            .filter(|round| round.completable(&self.set))
            .and_then(|round| round.estimate(&self.set));
        previous.unwrap_or(self.previous_estimate)
    }

    pub(crate) fn on_timeout(
        &mut self,
        set_id: u64,
        round: u64,
        step: Step,
        out: &mut Vec<Effect>,
    ) {
        if set_id != self.set.set_id() || round != self.current.number {
            return;
        }
        match step {
            Step::Prevote => self.current.prevote_timer = true,
            Step::Precommit => self.current.precommit_timer = true,
            Step::Rebroadcast => {
                self.rebroadcast(out);
                out.push(Effect::ScheduleTimeout {
                    set_id,
                    round,
                    step,
                    at: self.now.saturating_add(self.config.rebroadcast_millis),
                });
            }
        }
    }

    /// Places votes whose blocks were unknown.
    pub(crate) fn on_block_imported<C: ChainView + ?Sized>(
        &mut self,
        chain: &C,
    ) -> Result<(), FinalityError> {
        let depth = self.config.max_vote_depth;
        for round in std::iter::once(&mut self.current).chain(self.background.as_mut()) {
            for kind in [VoteKind::Prevote, VoteKind::Precommit] {
                round
                    .tracker_mut(kind)
                    .retry_unknown(chain, &self.set, depth)?;
            }
        }
        Ok(())
    }
}
