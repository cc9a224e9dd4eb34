//! What a voter persists so that a restart cannot make it double-vote.

use crate::codec_bounds::decode_bounded;
use crate::{BlockId, FinalityError, SignedVote, VoteKind};
use codec::{Decode, Encode};

/// A voter's own signed votes in one round.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
pub struct RoundVotes {
    /// Its prevote, once signed.
    pub prevote: Option<SignedVote>,
    /// Its precommit, once signed.
    pub precommit: Option<SignedVote>,
}

impl RoundVotes {
    /// The vote of `kind`, if signed.
    pub fn get(&self, kind: VoteKind) -> Option<&SignedVote> {
        match kind {
            VoteKind::Prevote => self.prevote.as_ref(),
            VoteKind::Precommit => self.precommit.as_ref(),
        }
    }

    /// Both votes, prevote first.
    pub fn iter(&self) -> impl Iterator<Item = &SignedVote> {
        self.prevote.iter().chain(self.precommit.iter())
    }
}

/// The voter's persisted state ([`crate::Effect::Persist`]), fixed-size
/// SCALE. The machine only signs in `round` of `set_id`, never in a lower
/// round, and never a second vote of a kind already in `votes`; so a
/// machine rebuilt from the last persisted state
/// ([`crate::FinalityVoter::restore`]) cannot contradict anything it sent.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct VoterState {
    /// The voter set.
    pub set_id: u64,
    /// The current round.
    pub round: u64,
    /// The finalized block when the round started: the root of its votes.
    pub base: BlockId,
    /// The previous round's estimate (the set's first block for round 0):
    /// prevotes of `round` are for its descendants.
    pub previous_estimate: BlockId,
    /// Own votes in `round`.
    pub votes: RoundVotes,
    /// Own votes in `round - 1`, re-sent while `round` is current.
    pub previous_votes: RoundVotes,
}

impl VoterState {
    /// Decodes persisted bytes.
    pub fn decode_bounded(bytes: &[u8]) -> Result<Self, FinalityError> {
        Ok(decode_bounded(bytes)?)
    }
}
