//! Timing and bounds of the machine.

/// How long a round waits, and how far votes are followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinalityConfig {
    /// After this long in a round (ms), prevote even if no block above the
    /// finalized one is known.
    pub prevote_wait_millis: u64,
    /// After this long in a round (ms), precommit as soon as the prevotes
    /// have a supermajority block, and move on once the round is
    /// completable even without having precommitted.
    pub precommit_wait_millis: u64,
    /// While a round lasts, send the own votes again every this long (ms);
    /// also the least time between two catch-ups or hand-overs sent.
    pub rebroadcast_millis: u64,
    /// The most blocks read to place one vote above its round's base.
    pub max_vote_depth: u32,
}

impl FinalityConfig {
    /// Timers for a chain with `slot_millis` slots: prevote after one
    /// slot, precommit after two, votes re-sent every two.
    pub fn for_slot(slot_millis: u64) -> Self {
        FinalityConfig {
            prevote_wait_millis: slot_millis,
            precommit_wait_millis: slot_millis.saturating_mul(2),
            rebroadcast_millis: slot_millis.saturating_mul(2),
            max_vote_depth: 1 << 16,
        }
    }
}

impl Default for FinalityConfig {
    /// For the default 2 s slots.
    fn default() -> Self {
        Self::for_slot(2_000)
    }
}
