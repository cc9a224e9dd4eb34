//! The finality round in progress, shared between the node's finality
//! voter (which [`FinalityStatus::set`]s it as rounds advance and votes
//! arrive) and its readers: `entropy_roundState` over RPC and the
//! `entroos_finality_round` metric. Until a voter publishes a round,
//! readers see `None` (`null` over RPC, no metric sample).

use entroos_rpc::{FinalityStatusApi, RoundState};
use parking_lot::RwLock;

/// The last round the voter published.
#[derive(Debug, Default)]
pub struct FinalityStatus {
    round: RwLock<Option<RoundState>>,
}

impl FinalityStatus {
    /// Publishes the round in progress.
    pub fn set(&self, state: RoundState) {
        *self.round.write() = Some(state);
    }

    /// The round last published, if any.
    pub fn get(&self) -> Option<RoundState> {
        self.round.read().clone()
    }

    /// The set id and round number last published, without copying the votes.
    pub fn round(&self) -> Option<(u64, u64)> {
        self.round.read().as_ref().map(|s| (s.set_id, s.round))
    }
}

impl FinalityStatusApi for FinalityStatus {
    fn round_state(&self) -> Option<RoundState> {
        self.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_primitives::H256;
    use entroos_rpc::BlockRef;

    #[test]
    fn readers_see_the_last_round_published() {
        let status = FinalityStatus::default();
        assert_eq!(status.get(), None);
        assert_eq!(status.round(), None);
        let base = BlockRef {
            number: 1,
            hash: H256([1; 32]),
        };
        let mut state = RoundState {
            set_id: 0,
            round: 1,
            base,
            total_weight: 3,
            threshold: 3,
            prevote_weight: 0,
            precommit_weight: 0,
            voters: Vec::new(),
        };
        status.set(state.clone());
        assert_eq!(status.round(), Some((0, 1)));
        state.round = 2;
        status.set(state.clone());
        assert_eq!(status.round_state(), Some(state));
    }
}
