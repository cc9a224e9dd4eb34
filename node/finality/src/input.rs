//! What the finality machine is told. Every input comes with the time
//! ([`crate::FinalityVoter::apply`]'s `now`, milliseconds).

use crate::{BlockId, Justification, Message, Step, VoterSet};

/// One input to [`crate::FinalityVoter::apply`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A message from a peer, decoded with [`Message::decode_bounded`].
    Message(Message),
    /// A justification that came with a block (sync, block files); give it
    /// once the block is imported.
    Justification(Justification),
    /// A block was imported (the best block may have changed).
    BlockImported,
    /// `block` enacts voter set `next` once finalized: given when the block
    /// is imported, before [`Input::BlockImported`] for it.
    SetChange {
        /// The block whose finality hands over to `next`.
        block: BlockId,
        /// The next set; its id is above the set before it (the epoch index:
        /// it skips the epochs a halted chain never reached).
        next: VoterSet,
    },
    /// A timer of [`crate::Effect::ScheduleTimeout`] fired.
    Timeout {
        /// The voter set.
        set_id: u64,
        /// The round.
        round: u64,
        /// The timer.
        step: Step,
    },
}
