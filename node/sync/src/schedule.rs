//! Deciding what to ask next. Peers are served round-robin in id order, one
//! request per peer per pass, up to the per-peer limit: an ancestor probe
//! first, then the peer's branch, then its announced blocks (the first ask
//! sized to the gap above the local best block), then a range of the main
//! download. Downloaded ranges are handed to import as soon as they
//! continue the anchor and the import queue has room for them; branch and
//! fetch requests are sent only when it has room for their answers.

use crate::machine::{ChainSync, Source};
use crate::peers::PeerState;
use crate::requests::{InFlight, Purpose};
use crate::{Effect, SyncError};
use entroos_client_api::HeaderBackend;
use entroos_network_api::{
    BlockAttributes, BlockRequest, Direction, FromBlock, PeerId, ReputationChange,
};
use entroos_primitives::{BlockNumber, H256};

impl ChainSync {
    pub(crate) fn schedule<C: HeaderBackend + ?Sized>(
        &mut self,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), SyncError> {
        self.follow_chain(chain)?;
        self.drain(chain, out)?;
        let best = chain.heads().best.0;
        let peers = self.peers();
        loop {
            let mut sent = false;
            for peer in &peers {
                if let Some((purpose, request)) = self.next_request(peer, best) {
                    self.send(peer, purpose, request, out);
                    sent = true;
                }
            }
            if !sent {
                return Ok(());
            }
        }
    }

    /// Hands every downloaded range that continues the anchor to import.
    pub(crate) fn drain<C: HeaderBackend + ?Sized>(
        &mut self,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), SyncError> {
        while !self.main.restart {
            let Some(next) = self.main.anchor.0.checked_add(1) else {
                return Ok(());
            };
            let room = self.import_room();
            let Some((peer, blocks)) = self.main.ranges.pop_ready(next, room) else {
                return Ok(());
            };
            let (Some(first), Some(last)) = (blocks.first(), blocks.last()) else {
                continue;
            };
            if first.parent() != self.main.anchor.1 {
                self.unconnected_range(&peer, chain, out)?;
                continue;
            }
            let tip = (last.number(), last.hash);
            self.queue(&peer, Source::Main, blocks, chain, out)?;
            self.main.anchor = tip;
        }
        Ok(())
    }

    /// A peer's range does not continue the assembled chain: it is on
    /// another branch (or lying); look for where it leaves ours.
    fn unconnected_range<C: HeaderBackend + ?Sized>(
        &mut self,
        peer: &PeerId,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), SyncError> {
        self.main.ranges.forget_done_of(peer);
        self.penalize(peer, ReputationChange::UNCONNECTED_BLOCKS, out);
        match self.peers.get(peer).map(|p| &p.state) {
            Some(PeerState::Aligned) => self.start_search(peer, chain),
            _ => Ok(()),
        }
    }

    /// The next request for `peer`, with `local_best` the local best number.
    fn next_request(
        &mut self,
        peer: &PeerId,
        local_best: BlockNumber,
    ) -> Option<(Purpose, BlockRequest)> {
        if self.requests.count(peer) >= self.config.max_requests_per_peer {
            return None;
        }
        let per_request = self.config.blocks_per_request;
        let room = u32::try_from(self.import_room()).unwrap_or(u32::MAX);
        let state = self.peers.get_mut(peer)?;
        if state.backoff_until > self.now {
            return None;
        }
        let best = state.best.0;
        match &mut state.state {
            PeerState::Searching(search) if !search.busy => {
                search.busy = true;
                let probe = search.probe();
                return Some((Purpose::Search { probe }, header_request(probe)));
            }
            PeerState::Branch(branch) if !branch.busy => {
                let left = span(branch.next, best);
                let len = left.min(per_request).min(room);
                if len > 0 {
                    branch.busy = true;
                    let next = branch.next;
                    return Some((Purpose::Branch { next }, range_request(next, len)));
                }
                if left == 0 {
                    state.state = PeerState::Forked;
                }
            }
            _ => {}
        }
        if let Some(request) = self.fetch_request(peer, local_best, room) {
            return Some(request);
        }
        self.main_range(peer, local_best)
    }

    /// The next request of an idle fetch of `peer`, if the import queue
    /// has room for its answer.
    fn fetch_request(
        &mut self,
        peer: &PeerId,
        local_best: BlockNumber,
        room: u32,
    ) -> Option<(Purpose, BlockRequest)> {
        let claim = self.fetches.idle_of(peer)?;
        let wanted = match claim.held {
            0 => claim.number.saturating_sub(local_best),
            held => self.config.max_fetch_blocks.saturating_sub(held),
        };
        let len = wanted
            .clamp(1, self.config.blocks_per_request.max(1))
            .min(room);
        if len == 0 {
            return None;
        }
        self.fetches.set_busy(&claim.target);
        let purpose = Purpose::Fetch {
            target: claim.target,
        };
        Some((purpose, fetch_request(claim.next, len)))
    }

    fn main_range(
        &self,
        peer: &PeerId,
        local_best: BlockNumber,
    ) -> Option<(Purpose, BlockRequest)> {
        let state = self.peers.get(peer)?;
        let tip = &state.best.1;
        let fetched = self.fetches.contains(tip) || self.queued.contains_key(tip);
        if self.main.restart || fetched || state.state != PeerState::Aligned {
            return None;
        }
        let first = self.main.anchor.0.checked_add(1)?;
        let limit = local_best.saturating_add(self.config.max_blocks_ahead);
        let last = state.best.0.min(limit);
        let (start, len) = self
            .main
            .ranges
            .needed(first, last, self.config.blocks_per_request)?;
        Some((Purpose::Range { start }, range_request(start, len)))
    }

    pub(crate) fn send(
        &mut self,
        peer: &PeerId,
        purpose: Purpose,
        request: BlockRequest,
        out: &mut Vec<Effect>,
    ) {
        let deadline = self.now.saturating_add(self.config.request_timeout_millis);
        let id = self.requests.insert(InFlight {
            peer: peer.clone(),
            purpose,
            request: request.clone(),
            deadline,
        });
        if let Purpose::Range { start } = purpose {
            let len = request.max.unwrap_or(0);
            self.main.ranges.begin(start, len, id);
        }
        out.push(Effect::SendRequest {
            peer: peer.clone(),
            id,
            request,
        });
    }
}

/// Blocks from `next` to `best` inclusive.
fn span(next: BlockNumber, best: BlockNumber) -> u32 {
    best.checked_sub(next)
        .map_or(0, |gap| gap.saturating_add(1))
}

/// One header at `number` on the peer's best chain.
fn header_request(number: BlockNumber) -> BlockRequest {
    BlockRequest {
        fields: BlockAttributes::HEADER,
        from: FromBlock::Number(number),
        direction: Direction::Ascending,
        max: Some(1),
    }
}

/// Whole blocks `start..start + len` on the peer's best chain.
fn range_request(start: BlockNumber, len: u32) -> BlockRequest {
    BlockRequest {
        fields: BlockAttributes::FULL,
        from: FromBlock::Number(start),
        direction: Direction::Ascending,
        max: Some(len),
    }
}

/// Whole blocks from `hash` back through its ancestors.
fn fetch_request(hash: H256, len: u32) -> BlockRequest {
    BlockRequest {
        fields: BlockAttributes::FULL,
        from: FromBlock::Hash(hash),
        direction: Direction::Descending,
        max: Some(len),
    }
}
