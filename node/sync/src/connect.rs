//! Peers arriving and leaving, and where each one is placed: on the chain
//! being downloaded (aligned), on a longer branch of its own, or aside.

use crate::machine::ChainSync;
use crate::peers::{Branch, PeerState, PeerSync};
use crate::requests::{InFlight, Purpose};
use crate::search::{AncestorSearch, SearchStep};
use crate::{Effect, SyncError};
use entroos_client_api::HeaderBackend;
use entroos_network_api::{PeerId, ReputationChange, RequestId, Status};
use entroos_primitives::BlockNumber;

impl ChainSync {
    pub(crate) fn on_connected<C: HeaderBackend + ?Sized>(
        &mut self,
        peer: PeerId,
        status: Status,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), SyncError> {
        if status.check_genesis(&self.genesis).is_err() {
            out.push(Effect::ReportPeer {
                peer: peer.clone(),
                change: ReputationChange::GENESIS_MISMATCH,
            });
            out.push(Effect::Disconnect { peer });
            return Ok(());
        }
        if self.peers.contains_key(&peer) {
            return Ok(());
        }
        if self.peers.len() >= self.config.max_peers {
            out.push(Effect::Disconnect { peer });
            return Ok(());
        }
        let best = (status.best_number, status.best_hash);
        self.peers
            .insert(peer.clone(), PeerSync::new(best, PeerState::Forked));
        self.place(&peer, chain)
    }

    /// Decides a peer's state from its best block, searching if needed.
    pub(crate) fn place<C: HeaderBackend + ?Sized>(
        &mut self,
        peer: &PeerId,
        chain: &C,
    ) -> Result<(), SyncError> {
        let Some((number, hash)) = self.peers.get(peer).map(|p| p.best) else {
            return Ok(());
        };
        if self.view_hash(chain, number)? == Some(hash) {
            return self.classify(peer, number, true, chain);
        }
        if self.known(chain, &hash)? {
            self.set_state(peer, PeerState::Forked);
            return Ok(());
        }
        if self.main.anchor.0 == 0 {
            return self.classify(peer, 0, true, chain);
        }
        self.start_search(peer, chain)
    }

    /// Starts an ancestor search below the lower of our anchor and its best.
    pub(crate) fn start_search<C: HeaderBackend + ?Sized>(
        &mut self,
        peer: &PeerId,
        chain: &C,
    ) -> Result<(), SyncError> {
        let Some(best) = self.peers.get(peer).map(|p| p.best.0) else {
            return Ok(());
        };
        let (search, step) = AncestorSearch::new(self.main.anchor.0.min(best));
        match step {
            SearchStep::Found { common, full } => self.classify(peer, common, full, chain),
            SearchStep::Probe(_) => {
                self.set_state(peer, PeerState::Searching(search));
                Ok(())
            }
        }
    }

    /// Places a peer whose highest block in common with us is `common`;
    /// `full` if that is as high as we looked.
    pub(crate) fn classify<C: HeaderBackend + ?Sized>(
        &mut self,
        peer: &PeerId,
        common: BlockNumber,
        full: bool,
        chain: &C,
    ) -> Result<(), SyncError> {
        let anchor = self.main.anchor.0;
        let parent = match full {
            true => None,
            false => self.view_hash(chain, common)?,
        };
        let Some(state) = self.peers.get_mut(peer) else {
            return Ok(());
        };
        state.common = common;
        state.state = match (full, parent, common.checked_add(1)) {
            (true, _, _) => PeerState::Aligned,
            (false, Some(parent), Some(next)) if state.best.0 > anchor => {
                PeerState::Branch(Branch {
                    next,
                    parent,
                    busy: false,
                })
            }
            _ => PeerState::Forked,
        };
        Ok(())
    }

    pub(crate) fn set_state(&mut self, peer: &PeerId, new: PeerState) {
        if let Some(state) = self.peers.get_mut(peer) {
            state.state = new;
        }
    }

    /// Forgets a peer and everything asked of it.
    pub(crate) fn drop_peer(&mut self, peer: &PeerId) {
        if self.peers.remove(peer).is_none() {
            return;
        }
        for id in self.requests.of_peer(peer) {
            if let Some(flight) = self.requests.take(id, peer) {
                self.release(id, &flight);
            }
        }
        self.fetches.forget_peer(peer);
    }

    /// Undoes what a request stood for, so that it can be asked again.
    pub(crate) fn release(&mut self, id: RequestId, flight: &InFlight) {
        match flight.purpose {
            Purpose::Range { start } => self.main.ranges.cancel(start, id),
            Purpose::Fetch { target } => self.fetches.failed(&target),
            Purpose::Justification { .. } => {}
            Purpose::Search { probe } => {
                if let Some(PeerState::Searching(search)) =
                    self.peers.get_mut(&flight.peer).map(|p| &mut p.state)
                {
                    if search.probe() == probe {
                        search.busy = false;
                    }
                }
            }
            Purpose::Branch { next } => {
                if let Some(PeerState::Branch(branch)) =
                    self.peers.get_mut(&flight.peer).map(|p| &mut p.state)
                {
                    if branch.next == next {
                        branch.busy = false;
                    }
                }
            }
        }
    }
}
