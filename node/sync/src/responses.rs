//! Answers to the machine's requests: validated against their request,
//! then used for what they were asked for. Failures and timeouts release
//! what the request stood for, so that it is asked again (of another peer
//! while the failing one backs off).

use crate::input::Failure;
use crate::machine::{ChainSync, Source};
use crate::peers::PeerState;
use crate::requests::Purpose;
use crate::search::SearchStep;
use crate::validate::{validate, Downloaded};
use crate::{Effect, SyncError};
use entroos_client_api::HeaderBackend;
use entroos_network_api::{BlockResponse, PeerId, ReputationChange, RequestFailure, RequestId};
use entroos_primitives::BlockNumber;

/// What a branch answer did.
enum BranchAnswer {
    Stale,
    Empty,
    Unconnected,
    Blocks,
}

impl ChainSync {
    pub(crate) fn on_response<C: HeaderBackend + ?Sized>(
        &mut self,
        peer: PeerId,
        id: RequestId,
        response: BlockResponse,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), SyncError> {
        let Some(flight) = self.requests.take(id, &peer) else {
            return Ok(());
        };
        let blocks = match validate(&flight.request, response) {
            Ok(blocks) => blocks,
            Err(_) => {
                self.release(id, &flight);
                self.expel(&peer, ReputationChange::BAD_RESPONSE, out);
                return Ok(());
            }
        };
        if let Some(state) = self.peers.get_mut(&peer) {
            state.timeouts = 0;
        }
        match flight.purpose {
            Purpose::Range { start } => self.on_range(peer, id, start, blocks, chain, out),
            Purpose::Search { probe } => self.on_probe(&peer, probe, blocks, chain, out),
            Purpose::Branch { next } => self.on_branch(peer, next, blocks, chain, out),
            Purpose::Fetch { target } => self.on_fetch(&peer, target, blocks, chain, out),
            Purpose::Justification { target } => {
                self.on_justification(peer, target, blocks, out);
                Ok(())
            }
        }
    }

    pub(crate) fn on_failure(
        &mut self,
        peer: &PeerId,
        id: RequestId,
        failure: Failure,
        out: &mut Vec<Effect>,
    ) {
        let Some(flight) = self.requests.take(id, peer) else {
            return;
        };
        self.release(id, &flight);
        match failure {
            Failure::Network(RequestFailure::ConnectionClosed) => {}
            Failure::Network(RequestFailure::Timeout) => self.timed_out(peer, out),
            Failure::Network(RequestFailure::Refused | RequestFailure::UnsupportedProtocol) => {
                self.penalize(peer, ReputationChange::USELESS_RESPONSE, out)
            }
            Failure::Network(RequestFailure::TooLarge) => {
                self.expel(peer, ReputationChange::BAD_RESPONSE, out)
            }
            Failure::Undecodable(_) => self.expel(peer, ReputationChange::BAD_MESSAGE, out),
        }
    }

    /// Penalizes a timeout; too many in a row disconnect the peer.
    fn timed_out(&mut self, peer: &PeerId, out: &mut Vec<Effect>) {
        self.penalize(peer, ReputationChange::TIMEOUT, out);
        let Some(state) = self.peers.get_mut(peer) else {
            return;
        };
        state.timeouts = state.timeouts.saturating_add(1);
        if state.timeouts >= self.config.max_timeouts_in_row {
            self.drop_peer(peer);
            out.push(Effect::Disconnect { peer: peer.clone() });
        }
    }

    pub(crate) fn on_tick(&mut self, now: u64, out: &mut Vec<Effect>) {
        self.now = self.now.max(now);
        for (id, peer) in self.requests.expired(self.now) {
            if let Some(flight) = self.requests.take(id, &peer) {
                self.release(id, &flight);
                self.timed_out(&peer, out);
            }
        }
    }

    fn on_range<C: HeaderBackend + ?Sized>(
        &mut self,
        peer: PeerId,
        id: RequestId,
        start: BlockNumber,
        blocks: Vec<Downloaded>,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), SyncError> {
        if !self.main.ranges.is_pending(start, id) {
            return Ok(());
        }
        if blocks.is_empty() {
            self.main.ranges.cancel(start, id);
            self.lower_best(&peer, start);
            self.penalize(&peer, ReputationChange::USELESS_RESPONSE, out);
            return Ok(());
        }
        self.main.ranges.complete(start, peer, blocks);
        self.drain(chain, out)
    }

    fn on_probe<C: HeaderBackend + ?Sized>(
        &mut self,
        peer: &PeerId,
        probe: BlockNumber,
        blocks: Vec<Downloaded>,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), SyncError> {
        let ours = self.view_hash(chain, probe)?;
        let matched = match blocks.first() {
            Some(block) => Some(block.hash) == ours,
            None => {
                self.penalize(peer, ReputationChange::USELESS_RESPONSE, out);
                false
            }
        };
        let Some(PeerState::Searching(search)) = self.peers.get_mut(peer).map(|p| &mut p.state)
        else {
            return Ok(());
        };
        if !search.busy || search.probe() != probe {
            return Ok(());
        }
        search.busy = false;
        match search.answer(matched) {
            SearchStep::Probe(_) => Ok(()),
            SearchStep::Found { common, full } => self.classify(peer, common, full, chain),
        }
    }

    fn on_branch<C: HeaderBackend + ?Sized>(
        &mut self,
        peer: PeerId,
        next: BlockNumber,
        blocks: Vec<Downloaded>,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), SyncError> {
        match self.advance_branch(&peer, next, &blocks) {
            BranchAnswer::Stale => Ok(()),
            BranchAnswer::Empty => {
                self.lower_best(&peer, next);
                self.penalize(&peer, ReputationChange::USELESS_RESPONSE, out);
                Ok(())
            }
            BranchAnswer::Unconnected => {
                self.penalize(&peer, ReputationChange::UNCONNECTED_BLOCKS, out);
                self.start_search(&peer, chain)
            }
            BranchAnswer::Blocks => self.queue(&peer, Source::Branch, blocks, chain, out),
        }
    }

    /// Moves the peer's branch download past `blocks` if they attach.
    fn advance_branch(
        &mut self,
        peer: &PeerId,
        next: BlockNumber,
        blocks: &[Downloaded],
    ) -> BranchAnswer {
        let Some(state) = self.peers.get_mut(peer) else {
            return BranchAnswer::Stale;
        };
        let best = state.best.0;
        let PeerState::Branch(branch) = &mut state.state else {
            return BranchAnswer::Stale;
        };
        if !branch.busy || branch.next != next {
            return BranchAnswer::Stale;
        }
        branch.busy = false;
        let (Some(first), Some(last)) = (blocks.first(), blocks.last()) else {
            state.state = PeerState::Forked;
            return BranchAnswer::Empty;
        };
        if first.parent() != branch.parent {
            return BranchAnswer::Unconnected;
        }
        match last.number().checked_add(1) {
            Some(after) if after <= best => {
                branch.next = after;
                branch.parent = last.hash;
            }
            _ => state.state = PeerState::Forked,
        }
        BranchAnswer::Blocks
    }

    /// The peer could not serve from `number` on: it has fewer blocks than it claimed.
    pub(crate) fn lower_best(&mut self, peer: &PeerId, number: BlockNumber) {
        if let Some(state) = self.peers.get_mut(peer) {
            state.best.0 = state.best.0.min(number.saturating_sub(1));
        }
    }
}
