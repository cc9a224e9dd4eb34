//! Asking peers for the justification that hands the current set over.
//!
//! The block that enacts the next set is finalized by the current set,
//! and its justification is always stored (see the module docs of
//! [`super`]). A node normally gets it by voting, from the votes it
//! follows, or with the block from sync. A node that imported the block
//! before it was finalized and then missed the rounds (it was down, or cut
//! off) gets it none of these ways: its peers have moved on to later sets,
//! whose votes it cannot check. So when the lowest pending change on the
//! best chain stays unfinalized for [`ASK_AFTER`], the task asks a peer
//! for that block's justification through sync, again every [`ASK_AFTER`]
//! (peers taken turn by turn) until it is finalized. Once a change that
//! was asked for is finalized, the next one is asked for at once (a node
//! that had to ask is likely several sets behind): such a node climbs
//! them one round trip each.

use entroos_finality::BlockId;

/// How long a pending change stays unfinalized before its justification
/// is asked for, and the time between asks (milliseconds).
pub const ASK_AFTER: u64 = 3_000;

/// When to ask for which justification.
#[derive(Debug, Default)]
pub struct HandOverAsks {
    /// The change waited for, and when it may be asked for.
    waiting: Option<(BlockId, u64)>,
    /// Whether it has been asked for.
    asked: bool,
}

impl HandOverAsks {
    /// The block whose justification to ask for at `now` (milliseconds),
    /// given `next`, the lowest pending change on the best chain.
    pub fn due(&mut self, next: Option<BlockId>, now: u64) -> Option<BlockId> {
        let Some(next) = next else {
            self.waiting = None;
            self.asked = false;
            return None;
        };
        let at = match self.waiting {
            Some((block, at)) if block == next => at,
            _ => {
                let at = match self.asked {
                    true => now,
                    false => now.saturating_add(ASK_AFTER),
                };
                self.asked = false;
                at
            }
        };
        if now < at {
            self.waiting = Some((next, at));
            return None;
        }
        self.waiting = Some((next, now.saturating_add(ASK_AFTER)));
        self.asked = true;
        Some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_primitives::H256;

    fn block(number: u32) -> BlockId {
        BlockId::new(number, H256([number as u8; 32]))
    }

    #[test]
    fn a_change_finalized_in_time_is_never_asked_for() {
        let mut asks = HandOverAsks::default();
        assert_eq!(asks.due(Some(block(10)), 0), None);
        assert_eq!(asks.due(Some(block(10)), ASK_AFTER - 1), None);
        assert_eq!(
            asks.due(Some(block(20)), ASK_AFTER),
            None,
            "#10 was finalized"
        );
        assert_eq!(asks.due(None, ASK_AFTER + 1), None);
    }

    #[test]
    fn a_stuck_change_is_asked_for_again_every_period() {
        let mut asks = HandOverAsks::default();
        assert_eq!(asks.due(Some(block(10)), 0), None);
        assert_eq!(asks.due(Some(block(10)), ASK_AFTER), Some(block(10)));
        assert_eq!(asks.due(Some(block(10)), ASK_AFTER + 1), None);
        assert_eq!(asks.due(Some(block(10)), 2 * ASK_AFTER), Some(block(10)));
    }

    #[test]
    fn after_an_asked_change_the_next_one_is_asked_for_at_once() {
        let mut asks = HandOverAsks::default();
        asks.due(Some(block(10)), 0);
        assert_eq!(asks.due(Some(block(10)), ASK_AFTER), Some(block(10)));
        let now = ASK_AFTER + 5;
        assert_eq!(asks.due(Some(block(20)), now), Some(block(20)));
        assert_eq!(asks.due(Some(block(30)), now + 1), Some(block(30)));
        assert_eq!(
            asks.due(Some(block(30)), now + 2),
            None,
            "the same change waits for its period"
        );
    }

    #[test]
    fn a_change_reached_by_voting_after_no_ask_waits_again() {
        let mut asks = HandOverAsks::default();
        asks.due(Some(block(10)), 0);
        assert_eq!(asks.due(Some(block(20)), 100), None);
        assert_eq!(asks.due(Some(block(20)), 100 + ASK_AFTER), Some(block(20)));
    }
}
