//! The machine's state, how it starts or restarts, and its one entry
//! point, [`FinalityVoter::apply`].

use crate::future::FutureVotes;
use crate::round::Round;
use crate::votes::Reports;
use crate::{
    BlockId, ChainView, Ed25519, Effect, FinalityConfig, FinalityError, Input, Justification,
    Message, RoundVotes, SignatureCheck, Step, VoterSet, VoterState,
};
use entroos_primitives::crypto::ed25519;
use std::collections::BTreeMap;
use std::fmt;

/// What a machine is built from.
pub struct VoterParams<V = Ed25519> {
    /// Timers and bounds.
    pub config: FinalityConfig,
    /// The current voter set.
    pub set: VoterSet,
    /// This node's finality key; `None` (or a key outside the set) makes
    /// an observer, which follows rounds and finalizes but never signs.
    pub signer: Option<ed25519::Pair>,
    /// The signature verifier (the node uses [`Ed25519`]).
    pub verifier: V,
}

/// The finality gadget of one node as a pure state machine (see the crate
/// docs).
pub struct FinalityVoter<V = Ed25519> {
    pub(crate) config: FinalityConfig,
    pub(crate) verifier: V,
    pub(crate) signer: Option<ed25519::Pair>,
    pub(crate) set: VoterSet,
    pub(crate) own_index: Option<usize>,
    pub(crate) now: u64,
    pub(crate) finalized: BlockId,
    pub(crate) current: Round,
    /// The round before the current one, still collecting votes.
    pub(crate) background: Option<Round>,
    /// The previous round's estimate when the background round cannot
    /// tell it (after a restart, or at the start of a set).
    pub(crate) previous_estimate: BlockId,
    pub(crate) future: FutureVotes,
    pub(crate) pending_changes: BTreeMap<BlockId, VoterSet>,
    /// The justification of the block that enacted the current set.
    pub(crate) handover: Option<Justification>,
    pub(crate) last_handover_at: Option<u64>,
    pub(crate) last_catch_up_at: Option<u64>,
    pub(crate) reported: Reports,
}

/// The most set changes held for unfinalized blocks.
pub const MAX_PENDING_CHANGES: usize = 64;

impl<V: SignatureCheck> FinalityVoter<V> {
    /// A machine for a set it has never voted in, at round 0 on `base`
    /// (the block that enacted the set, genesis for the first). The
    /// effects persist the state and schedule the round's timers.
    pub fn new(params: VoterParams<V>, base: BlockId, now: u64) -> (Self, Vec<Effect>) {
        let own_index = own_index(&params.set, params.signer.as_ref());
        let voter = FinalityVoter {
            config: params.config,
            verifier: params.verifier,
            signer: params.signer,
            set: params.set,
            own_index,
            now,
            finalized: base,
            current: Round::new(0, base, now),
            background: None,
            previous_estimate: base,
            future: FutureVotes::default(),
            pending_changes: BTreeMap::new(),
            handover: None,
            last_handover_at: None,
            last_catch_up_at: None,
            reported: Reports::default(),
        };
        let mut out = Vec::new();
        voter.persist(&mut out);
        voter.schedule_timers(&mut out);
        (voter, out)
    }

    /// A machine rebuilt from the last persisted `state`, with `finalized`
    /// the chain's finalized block. It resumes the persisted round with its
    /// own votes, which it sends again at once, and never signs another
    /// vote of a kind it persisted. A state of an older set starts the
    /// given set afresh on `finalized`.
    pub fn restore<C: ChainView + ?Sized>(
        params: VoterParams<V>,
        state: VoterState,
        finalized: BlockId,
        now: u64,
        chain: &C,
    ) -> Result<(Self, Vec<Effect>), FinalityError> {
        if state.set_id > params.set.set_id() {
            return Err(FinalityError::StateAhead {
                state: state.set_id,
                given: params.set.set_id(),
            });
        }
        if state.set_id < params.set.set_id() {
            return Ok(Self::new(params, finalized, now));
        }
        let (mut voter, _) = Self::new(params, finalized, now);
        voter.current =
            voter.restored_round(state.round, state.base, state.votes.clone(), chain)?;
        if let Some(previous) = state.round.checked_sub(1) {
            let round = voter.restored_round(previous, state.base, state.previous_votes, chain)?;
            voter.background = Some(round);
        }
        voter.previous_estimate = state.previous_estimate;
        let mut out = Vec::new();
        voter.rebroadcast(&mut out);
        voter.schedule_timers(&mut out);
        Ok((voter, out))
    }

    fn restored_round<C: ChainView + ?Sized>(
        &self,
        number: u64,
        base: BlockId,
        own: RoundVotes,
        chain: &C,
    ) -> Result<Round, FinalityError> {
        let mut round = Round::new(number, base, self.now);
        for vote in own.iter() {
            if let Some(index) = self.set.index_of(&vote.voter) {
                let tracker = round.tracker_mut(vote.vote.kind);
                tracker.add(
                    chain,
                    &self.set,
                    index,
                    vote.clone(),
                    self.config.max_vote_depth,
                )?;
            }
        }
        round.own = own;
        Ok(round)
    }

    /// Applies one input at time `now` (ms) and returns the effects to
    /// perform, in order. `chain` is read, never written.
    ///
    /// An error refusing the input ([`FinalityError::is_misbehaviour`],
    /// unknown blocks) leaves the machine as it was. Any other error (the
    /// chain could not be read, or finality conflicts) leaves it unusable:
    /// drop it and [`Self::restore`] it from the last persisted state.
    pub fn apply<C: ChainView + ?Sized>(
        &mut self,
        now: u64,
        input: Input,
        chain: &C,
    ) -> Result<Vec<Effect>, FinalityError> {
        self.now = self.now.max(now);
        let mut out = Vec::new();
        match input {
            Input::Message(Message::Vote(vote)) => self.on_vote(vote, chain, &mut out)?,
            Input::Message(Message::Commit(justification))
            | Input::Justification(justification) => {
                self.on_justification(justification, chain, &mut out)?
            }
            Input::Message(Message::CatchUp(catch_up)) => {
                self.on_catch_up(catch_up, chain, &mut out)?
            }
            Input::BlockImported => self.on_block_imported(chain)?,
            Input::SetChange { block, next } => self.on_set_change(block, next)?,
            Input::Timeout {
                set_id,
                round,
                step,
            } => self.on_timeout(set_id, round, step, &mut out),
        }
        self.progress(chain, &mut out)?;
        Ok(out)
    }

    /// The current voter set.
    pub fn set(&self) -> &VoterSet {
        &self.set
    }

    /// The current round.
    pub fn round(&self) -> u64 {
        self.current.number
    }

    /// The base of the current round: the finalized block when it began.
    pub fn round_base(&self) -> BlockId {
        self.current.base
    }

    /// Every vote of `kind` held for the current round, by voter (both
    /// votes of an equivocator).
    pub fn current_votes(&self, kind: crate::VoteKind) -> Vec<crate::SignedVote> {
        self.current.tracker(kind).all_votes()
    }

    /// The last block this machine finalized (or started on).
    pub fn finalized(&self) -> BlockId {
        self.finalized
    }

    /// Whether this node signs votes in the current set.
    pub fn is_voter(&self) -> bool {
        self.own_index.is_some()
    }

    /// Votes held for future rounds.
    pub fn future_votes(&self) -> usize {
        self.future.len()
    }

    /// Set changes held for unfinalized blocks.
    pub fn pending_changes(&self) -> usize {
        self.pending_changes.len()
    }

    /// The blocks that enact the set changes held, lowest first (on any
    /// branch).
    pub fn changes_ahead(&self) -> impl Iterator<Item = BlockId> + '_ {
        self.pending_changes.keys().copied()
    }

    /// The state [`Effect::Persist`] would write now.
    pub fn state(&self) -> VoterState {
        let previous_votes = self
            .background
            .as_ref()
            .filter(|round| round.number.checked_add(1) == Some(self.current.number))
            .map(|round| round.own.clone())
            .unwrap_or_default();
        VoterState {
            set_id: self.set.set_id(),
            round: self.current.number,
            base: self.current.base,
            previous_estimate: self.previous_estimate,
            votes: self.current.own.clone(),
            previous_votes,
        }
    }

    pub(crate) fn persist(&self, out: &mut Vec<Effect>) {
        if self.own_index.is_some() {
            out.push(Effect::Persist(Box::new(self.state())));
        }
    }

    pub(crate) fn schedule_timers(&self, out: &mut Vec<Effect>) {
        if self.own_index.is_none() {
            return;
        }
        let config = &self.config;
        for (step, wait) in [
            (Step::Prevote, config.prevote_wait_millis),
            (Step::Precommit, config.precommit_wait_millis),
            (Step::Rebroadcast, config.rebroadcast_millis),
        ] {
            out.push(Effect::ScheduleTimeout {
                set_id: self.set.set_id(),
                round: self.current.number,
                step,
                at: self.current.started_at.saturating_add(wait),
            });
        }
    }

    /// Sends the own votes of the current and previous round again.
    pub(crate) fn rebroadcast(&self, out: &mut Vec<Effect>) {
        let previous = self
            .background
            .as_ref()
            .filter(|round| round.number.checked_add(1) == Some(self.current.number));
        for round in previous.into_iter().chain([&self.current]) {
            for vote in round.own.iter() {
                out.push(Effect::Broadcast(Message::Vote(vote.clone())));
            }
        }
    }
}

pub(crate) fn own_index(set: &VoterSet, signer: Option<&ed25519::Pair>) -> Option<usize> {
    signer.and_then(|pair| set.index_of(&pair.public()))
}

impl<V> fmt::Debug for FinalityVoter<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FinalityVoter")
            .field("set_id", &self.set.set_id())
            .field("own_index", &self.own_index)
            .field("round", &self.current.number)
            .field("finalized", &self.finalized)
            .field("previous_estimate", &self.previous_estimate)
            .field("future_votes", &self.future.len())
            .field("pending_changes", &self.pending_changes.len())
            .finish_non_exhaustive()
    }
}
