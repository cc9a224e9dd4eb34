//! Announced blocks whose parents are unknown: fetched by hash, walking
//! back through parents (descending requests) from one peer until a known
//! block is reached or [`crate::SyncConfig::max_fetch_blocks`] are held.
//! A hash names one chain, so these blocks cannot be mixed up with others.
//! A failed request is asked again (after the peer's back-off), up to
//! [`MAX_FETCH_FAILURES`] times.

use crate::machine::{ChainSync, Source};
use crate::peers::PeerState;
use crate::validate::Downloaded;
use crate::{Effect, SyncError};
use entroos_client_api::HeaderBackend;
use entroos_network_api::{PeerId, ReputationChange};
use entroos_primitives::{BlockNumber, H256};
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub(crate) struct Fetch {
    pub peer: PeerId,
    /// The announced block's number.
    pub number: BlockNumber,
    /// The hash asked for next: the target, then the parent of the lowest block held.
    pub next: H256,
    /// The blocks held, from the target down.
    pub blocks: Vec<Downloaded>,
    pub busy: bool,
    /// Requests of this fetch that failed.
    pub failures: u32,
}

/// Failed requests after which a fetch is given up.
pub(crate) const MAX_FETCH_FAILURES: u32 = 3;

/// An idle fetch that a request may continue.
pub(crate) struct Claim {
    pub target: H256,
    pub number: BlockNumber,
    pub next: H256,
    pub held: u32,
}

#[derive(Debug, Default)]
pub(crate) struct Fetches {
    map: BTreeMap<H256, Fetch>,
}

impl Fetches {
    /// Starts fetching block `number` with hash `target` from `peer`
    /// unless it is fetched already or `max` fetches run.
    pub(crate) fn start(&mut self, target: H256, number: BlockNumber, peer: &PeerId, max: usize) {
        if self.map.contains_key(&target) || self.map.len() >= max {
            return;
        }
        self.map.insert(
            target,
            Fetch {
                peer: peer.clone(),
                number,
                next: target,
                blocks: Vec::new(),
                busy: false,
                failures: 0,
            },
        );
    }

    /// A request of `target` failed: it is asked again, unless it failed
    /// [`MAX_FETCH_FAILURES`] times.
    pub(crate) fn failed(&mut self, target: &H256) {
        let Some(fetch) = self.map.get_mut(target) else {
            return;
        };
        fetch.busy = false;
        fetch.failures = fetch.failures.saturating_add(1);
        if fetch.failures >= MAX_FETCH_FAILURES {
            self.map.remove(target);
        }
    }

    /// The first idle fetch of `peer`.
    pub(crate) fn idle_of(&self, peer: &PeerId) -> Option<Claim> {
        let (target, fetch) = self
            .map
            .iter()
            .find(|(_, fetch)| fetch.peer == *peer && !fetch.busy)?;
        Some(Claim {
            target: *target,
            number: fetch.number,
            next: fetch.next,
            held: u32::try_from(fetch.blocks.len()).unwrap_or(u32::MAX),
        })
    }

    /// Marks the fetch of `target` as waiting for an answer.
    pub(crate) fn set_busy(&mut self, target: &H256) {
        if let Some(fetch) = self.map.get_mut(target) {
            fetch.busy = true;
        }
    }

    /// Blocks held by every fetch, all bound for import.
    pub(crate) fn held(&self) -> usize {
        self.map
            .values()
            .map(|fetch| fetch.blocks.len())
            .fold(0usize, usize::saturating_add)
    }

    /// Whether `target` is being fetched.
    pub(crate) fn contains(&self, target: &H256) -> bool {
        self.map.contains_key(target)
    }

    pub(crate) fn remove(&mut self, target: &H256) -> Option<Fetch> {
        self.map.remove(target)
    }

    /// Puts back a fetch taken out with [`Fetches::remove`], idle.
    pub(crate) fn put_back(&mut self, target: H256, mut fetch: Fetch) {
        fetch.busy = false;
        self.map.insert(target, fetch);
    }

    pub(crate) fn forget_peer(&mut self, peer: &PeerId) {
        self.map.retain(|_, fetch| fetch.peer != *peer);
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

impl ChainSync {
    pub(crate) fn on_fetch<C: HeaderBackend + ?Sized>(
        &mut self,
        peer: &PeerId,
        target: H256,
        blocks: Vec<Downloaded>,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), SyncError> {
        let Some(mut fetch) = self.fetches.remove(&target) else {
            return Ok(());
        };
        if blocks.is_empty() {
            self.penalize(peer, ReputationChange::USELESS_RESPONSE, out);
            return Ok(());
        }
        let finalized = chain.heads().finalized.0;
        for block in blocks {
            if self.known(chain, &block.hash)? {
                return self.finish_fetch(peer, fetch, chain, out);
            }
            if block.number() <= finalized {
                return Ok(());
            }
            fetch.blocks.push(block);
        }
        let Some(parent) = fetch.blocks.last().map(Downloaded::parent) else {
            return Ok(());
        };
        if self.known(chain, &parent)? {
            return self.finish_fetch(peer, fetch, chain, out);
        }
        let held = u32::try_from(fetch.blocks.len()).unwrap_or(u32::MAX);
        if held >= self.config.max_fetch_blocks {
            return self.fetch_gave_up(peer, chain);
        }
        fetch.next = parent;
        self.fetches.put_back(target, fetch);
        Ok(())
    }

    fn finish_fetch<C: HeaderBackend + ?Sized>(
        &mut self,
        peer: &PeerId,
        mut fetch: Fetch,
        chain: &C,
        out: &mut Vec<Effect>,
    ) -> Result<(), SyncError> {
        fetch.blocks.reverse();
        self.queue(peer, Source::Fetch, fetch.blocks, chain, out)
    }

    /// The announced block is further from our chain than a fetch walks:
    /// find where the peer's chain leaves ours instead.
    fn fetch_gave_up<C: HeaderBackend + ?Sized>(
        &mut self,
        peer: &PeerId,
        chain: &C,
    ) -> Result<(), SyncError> {
        match self.peers.get(peer).map(|p| &p.state) {
            Some(PeerState::Aligned | PeerState::Forked) => self.start_search(peer, chain),
            _ => Ok(()),
        }
    }
}
