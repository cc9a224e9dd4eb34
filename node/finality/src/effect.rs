//! What the finality machine asks the node to do.

use crate::{BlockId, Equivocation, Justification, Message, VoterState};

/// A timer of a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// Prevote even without a new block to vote for.
    Prevote,
    /// Precommit even before the prevotes reach the voter's own block.
    Precommit,
    /// Send the own votes of the current and previous round again.
    Rebroadcast,
}

/// One effect of [`crate::FinalityVoter::apply`]. The node performs them in
/// the order given and completes each [`Effect::Persist`] (written and
/// synced) before performing any later effect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Write the voter state durably. Always comes before the broadcast of
    /// a newly signed vote it records.
    Persist(Box<VoterState>),
    /// Send a message to every peer.
    Broadcast(Message),
    /// Finalize `block` (and its ancestors), storing the justification.
    Finalize {
        /// The block.
        block: BlockId,
        /// Its justification (SCALE-encode it to store or serve it).
        justification: Justification,
    },
    /// Report a voter that signed two different votes of one kind in one
    /// round; given once per voter, round and kind.
    ReportEquivocation(Equivocation),
    /// A vote is for a block not in the chain: fetch it (the peers that sent
    /// the vote have it), import it, then give [`crate::Input::BlockImported`].
    FetchBlock(BlockId),
    /// Give [`crate::Input::Timeout`] with these fields at time `at`.
    ScheduleTimeout {
        /// The voter set.
        set_id: u64,
        /// The round.
        round: u64,
        /// The timer.
        step: Step,
        /// When (milliseconds).
        at: u64,
    },
    /// The set changed: votes are now in `set_id`, from round 0, on `base`.
    NewSet {
        /// The new set's id.
        set_id: u64,
        /// The block that enacted it (finalized by the old set).
        base: BlockId,
    },
}
