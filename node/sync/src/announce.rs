//! Following the tip: announcements update a peer's best block. An unknown
//! announced block is fetched by hash, which names one chain whatever
//! branch it is on, unless it is the peer's new best block and a download
//! under way covers it: the peer's branch, or the main download for blocks
//! more than one request above the anchor. A forked peer whose new best
//! block is on our chain is aligned again.

use crate::machine::ChainSync;
use crate::peers::PeerState;
use crate::{Effect, SyncError};
use entroos_client_api::HeaderBackend;
use entroos_network_api::{BlockAnnounce, PeerId, ReputationChange};

impl ChainSync {
    pub(crate) fn on_announce<C: HeaderBackend + ?Sized>(
        &mut self,
        peer: PeerId,
        announce: BlockAnnounce,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), SyncError> {
        let (now, window, max) = (
            self.now,
            self.config.announce_window_millis,
            self.config.max_announces_per_window,
        );
        let near_limit = self
            .main
            .anchor
            .0
            .saturating_add(self.config.blocks_per_request);
        let Some(state) = self.peers.get_mut(&peer) else {
            return Ok(());
        };
        if !state.announces.admit(now, window, max) {
            self.penalize(&peer, ReputationChange::FLOOD, out);
            return Ok(());
        }
        let number = announce.header.number;
        let hash = announce.header.hash();
        if announce.is_best {
            state.best = (number, hash);
            state.common = state.common.min(number);
        }
        let forked = state.state == PeerState::Forked;
        let covered = announce.is_best && covered_by_download(&state.state, number <= near_limit);
        if self.known(chain, &hash)? {
            if announce.is_best && forked && self.view_hash(chain, number)? == Some(hash) {
                self.classify(&peer, number, true, chain)?;
            }
            return Ok(());
        }
        if covered || number <= chain.heads().finalized.0 {
            return Ok(());
        }
        self.fetches
            .start(hash, number, &peer, self.config.max_fetches);
        Ok(())
    }
}

/// Whether a peer's new best block will come through a download already
/// under way: its branch, or the main download when the block is not `near`
/// (within one request of the anchor) and the peer is aligned or searched.
fn covered_by_download(state: &PeerState, near: bool) -> bool {
    match state {
        PeerState::Branch(_) => true,
        PeerState::Aligned | PeerState::Searching(_) => !near,
        PeerState::Forked => false,
    }
}
