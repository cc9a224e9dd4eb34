//! Where sync stands, for `system_syncState`, `system_health` and metrics.

use entroos_primitives::BlockNumber;

/// The phase of sync.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncState {
    /// No peers to sync with.
    Idle,
    /// Far behind the peers: downloading in bulk.
    MajorSync,
    /// At the peers' tip, following their announcements.
    Following,
}

/// A snapshot of sync.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyncStatus {
    /// The phase.
    pub state: SyncState,
    /// The best block when the machine started (`startingBlock`).
    pub starting: BlockNumber,
    /// The local best block (`currentBlock`).
    pub current: BlockNumber,
    /// The best block the network is believed to have (`highestBlock`):
    /// the peers' median best, or `current` if higher.
    pub highest: BlockNumber,
    /// Connected peers.
    pub peers: usize,
}

impl SyncStatus {
    /// `system_health.isSyncing`.
    pub fn is_syncing(&self) -> bool {
        self.state == SyncState::MajorSync
    }
}

/// The upper median of `bests` (`None` if empty): one peer lying about its
/// best block cannot move it alone.
pub(crate) fn median(mut bests: Vec<BlockNumber>) -> Option<BlockNumber> {
    bests.sort_unstable();
    let middle = bests.len().checked_div(2)?;
    bests.get(middle).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_ignores_a_single_outlier() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![7]), Some(7));
        assert_eq!(median(vec![10, u32::MAX, 12]), Some(12));
        assert_eq!(median(vec![1, 2, 3, 4]), Some(3));
    }
}
