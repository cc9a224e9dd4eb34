//! Pacing outgoing block announcements below the rate peers accept.
//!
//! A peer counts the announcements it receives per window of
//! `SyncConfig::announce_window_millis` and penalizes more than
//! `max_announces_per_window` as a flood. This node sends at most half
//! that per window of its own, so that however the two windows are
//! aligned a peer never counts more than its limit. An announcement of a
//! new best block over the budget is kept (a newer one replaces it) and
//! sent when the next window opens; other announcements over the budget
//! are dropped. A peer that receives only the latest best block fetches
//! the blocks below it.

use entroos_network_api::BlockAnnounce;

/// The outgoing announcement budget.
#[derive(Debug)]
pub struct AnnouncePacer {
    window_millis: u64,
    per_window: u32,
    window_start: u64,
    sent: u32,
    deferred: Option<BlockAnnounce>,
}

impl AnnouncePacer {
    /// Paces to half of `peer_limit` announcements per `window_millis`.
    pub fn new(window_millis: u64, peer_limit: u32) -> Self {
        AnnouncePacer {
            window_millis,
            per_window: (peer_limit / 2).max(1),
            window_start: 0,
            sent: 0,
            deferred: None,
        }
    }

    /// `announce` if it may go now (at `now` milliseconds); otherwise it
    /// is kept for [`AnnouncePacer::due`] if it is a best block.
    pub fn admit(&mut self, now: u64, announce: BlockAnnounce) -> Option<BlockAnnounce> {
        self.roll(now);
        if self.sent < self.per_window {
            self.sent = self.sent.saturating_add(1);
            return Some(announce);
        }
        if announce.is_best {
            self.deferred = Some(announce);
        }
        None
    }

    /// The kept announcement, once a new window lets it go.
    pub fn due(&mut self, now: u64) -> Option<BlockAnnounce> {
        self.roll(now);
        if self.sent >= self.per_window {
            return None;
        }
        let announce = self.deferred.take()?;
        self.sent = self.sent.saturating_add(1);
        Some(announce)
    }

    fn roll(&mut self, now: u64) {
        if now >= self.window_start.saturating_add(self.window_millis) {
            self.window_start = now;
            self.sent = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_primitives::Header;

    fn announce(number: u32, is_best: bool) -> BlockAnnounce {
        BlockAnnounce {
            header: Header {
                number,
                ..Default::default()
            },
            is_best,
        }
    }

    fn numbers(sent: &[BlockAnnounce]) -> Vec<u32> {
        sent.iter().map(|a| a.header.number).collect()
    }

    #[test]
    fn a_burst_goes_out_at_half_the_peer_limit_and_the_latest_best_follows() {
        let mut pacer = AnnouncePacer::new(1_000, 8);
        let sent: Vec<BlockAnnounce> = (1..=10)
            .filter_map(|n| pacer.admit(5_000, announce(n, true)))
            .collect();
        assert_eq!(numbers(&sent), [1, 2, 3, 4]);
        assert!(pacer.admit(5_100, announce(11, false)).is_none());
        assert!(pacer.due(5_900).is_none(), "the window is still full");
        let late = pacer.due(6_000).expect("the latest best block");
        assert_eq!(late.header.number, 10);
        assert!(pacer.due(6_000).is_none(), "sent once");
        assert_eq!(
            numbers(
                &(12..=20)
                    .filter_map(|n| pacer.admit(6_100, announce(n, true)))
                    .collect::<Vec<_>>()
            ),
            [12, 13, 14],
            "the late one counts in its window"
        );
    }
}
