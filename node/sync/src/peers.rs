//! What the machine knows of each peer.

use crate::search::AncestorSearch;
use entroos_primitives::{BlockNumber, H256};

/// How a peer relates to the local chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PeerState {
    /// Looking for the highest block it shares with us.
    Searching(AncestorSearch),
    /// On the chain being downloaded: serves its ranges.
    Aligned,
    /// On another branch, longer than ours: its blocks are downloaded from
    /// it alone, in order, from `next` (whose parent is `parent`).
    Branch(Branch),
    /// On another branch with nothing we want.
    Forked,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Branch {
    pub next: BlockNumber,
    pub parent: H256,
    pub busy: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct PeerSync {
    pub best: (BlockNumber, H256),
    pub common: BlockNumber,
    pub state: PeerState,
    pub backoff_until: u64,
    /// Timeouts since the last answer.
    pub timeouts: u32,
    pub announces: RateWindow,
}

impl PeerSync {
    pub(crate) fn new(best: (BlockNumber, H256), state: PeerState) -> Self {
        PeerSync {
            best,
            common: 0,
            state,
            backoff_until: 0,
            timeouts: 0,
            announces: RateWindow::default(),
        }
    }
}

/// A fixed-window counter.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RateWindow {
    start: u64,
    count: u32,
}

impl RateWindow {
    /// Counts one event at `now`; `false` once more than `max` fall in the
    /// window of `window` milliseconds.
    pub(crate) fn admit(&mut self, now: u64, window: u64, max: u32) -> bool {
        if now >= self.start.saturating_add(window) {
            self.start = now;
            self.count = 0;
        }
        self.count = self.count.saturating_add(1);
        self.count <= max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_admits_max_then_resets() {
        let mut window = RateWindow::default();
        assert!((0..3).all(|_| window.admit(10, 1_000, 3)));
        assert!(!window.admit(500, 1_000, 3));
        assert!(window.admit(1_000, 1_000, 3));
    }
}
