//! The machine's state and its one entry point, [`ChainSync::apply`].

use crate::fetch::Fetches;
use crate::peers::PeerSync;
use crate::ranges::Ranges;
use crate::requests::Requests;
use crate::status::{median, SyncState, SyncStatus};
use crate::{Effect, Input, SyncConfig, SyncError};
use entroos_client_api::HeaderBackend;
use entroos_network_api::{PeerId, ReputationChange};
use entroos_primitives::{BlockNumber, H256};
use std::collections::BTreeMap;

/// Where a queued block came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    Main,
    Branch,
    Fetch,
}

/// A block handed to import, waiting for its verdict.
#[derive(Clone, Debug)]
pub(crate) struct Queued {
    pub number: BlockNumber,
    pub parent: H256,
    pub origin: PeerId,
    pub source: Source,
}

/// The main download: the chain assembled above the local best block.
#[derive(Debug)]
pub(crate) struct Main {
    /// The last block of the assembled chain (imported or queued).
    pub anchor: (BlockNumber, H256),
    pub ranges: Ranges,
    /// Queued blocks of the assembled chain, by number.
    pub pending: BTreeMap<BlockNumber, H256>,
    /// Set when a block of the assembled chain failed: once the queue is
    /// answered, the download starts again from the local best block.
    pub restart: bool,
}

/// How much the machine holds, for metrics and bound checks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Footprint {
    /// Peers known.
    pub peers: usize,
    /// Requests in flight.
    pub requests: usize,
    /// Blocks downloaded and waiting for the ranges below them.
    pub downloaded: usize,
    /// Blocks handed to import and not yet answered.
    pub queued: usize,
    /// Announced blocks being fetched.
    pub fetches: usize,
}

/// Block sync as a pure state machine (see the crate docs).
#[derive(Debug)]
pub struct ChainSync {
    pub(crate) config: SyncConfig,
    pub(crate) genesis: H256,
    pub(crate) starting: BlockNumber,
    pub(crate) now: u64,
    pub(crate) peers: BTreeMap<PeerId, PeerSync>,
    pub(crate) requests: Requests,
    pub(crate) main: Main,
    pub(crate) fetches: Fetches,
    pub(crate) queued: BTreeMap<H256, Queued>,
    /// Justification requests made so far: which peer is asked next.
    pub(crate) justification_turn: usize,
}

impl ChainSync {
    /// A machine starting from the local chain's best block.
    pub fn new<C: HeaderBackend + ?Sized>(config: SyncConfig, chain: &C) -> Self {
        let heads = chain.heads();
        ChainSync {
            config,
            genesis: heads.genesis,
            starting: heads.best.0,
            now: 0,
            peers: BTreeMap::new(),
            requests: Requests::default(),
            main: Main {
                anchor: heads.best,
                ranges: Ranges::default(),
                pending: BTreeMap::new(),
                restart: false,
            },
            fetches: Fetches::default(),
            queued: BTreeMap::new(),
            justification_turn: 0,
        }
    }

    /// Applies one input and returns the effects to perform, in order.
    /// `chain` is read, never written; an error means it could not be read.
    pub fn apply<C: HeaderBackend + ?Sized>(
        &mut self,
        input: Input,
        chain: &C,
    ) -> Result<Vec<Effect>, SyncError> {
        let mut out = Vec::new();
        match input {
            Input::PeerConnected { peer, status } => {
                self.on_connected(peer, status, chain, &mut out)?
            }
            Input::PeerDisconnected { peer } => self.drop_peer(&peer),
            Input::Announce { peer, announce } => {
                self.on_announce(peer, announce, chain, &mut out)?
            }
            Input::Response { peer, id, response } => {
                self.on_response(peer, id, response, chain, &mut out)?
            }
            Input::RequestFailed { peer, id, failure } => {
                self.on_failure(&peer, id, failure, &mut out)
            }
            Input::Tick { now } => self.on_tick(now, &mut out),
            Input::WantJustification { number, hash } => {
                self.want_justification(number, hash, &mut out)
            }
            Input::Imported { hash, result, .. } => {
                self.on_imported(hash, result, chain, &mut out)?
            }
        }
        self.schedule(chain, &mut out)?;
        Ok(out)
    }

    /// Where sync stands.
    pub fn status<C: HeaderBackend + ?Sized>(&self, chain: &C) -> SyncStatus {
        let current = chain.heads().best.0;
        let highest = self.median_best().unwrap_or(0).max(current);
        let state = if self.peers.is_empty() {
            SyncState::Idle
        } else if highest.saturating_sub(current) > self.config.major_sync_threshold {
            SyncState::MajorSync
        } else {
            SyncState::Following
        };
        SyncStatus {
            state,
            starting: self.starting,
            current,
            highest,
            peers: self.peers.len(),
        }
    }

    /// How much the machine holds.
    pub fn footprint(&self) -> Footprint {
        Footprint {
            peers: self.peers.len(),
            requests: self.requests.len(),
            downloaded: self.main.ranges.downloaded(),
            queued: self.queued.len(),
            fetches: self.fetches.len(),
        }
    }

    /// Requests in flight to `peer`.
    pub fn requests_to(&self, peer: &PeerId) -> u32 {
        self.requests.count(peer)
    }

    /// The connected peers, sorted.
    pub fn peers(&self) -> Vec<PeerId> {
        self.peers.keys().cloned().collect()
    }

    /// Blocks that may still be handed to import: the import queue's
    /// capacity less the blocks handed over and not yet answered, the
    /// blocks fetches hold and those branch and fetch requests in flight
    /// may bring.
    pub(crate) fn import_room(&self) -> usize {
        usize::try_from(self.config.import_queue)
            .unwrap_or(usize::MAX)
            .saturating_sub(self.queued.len())
            .saturating_sub(self.fetches.held())
            .saturating_sub(self.requests.reserved_blocks())
    }

    fn median_best(&self) -> Option<BlockNumber> {
        median(self.peers.values().map(|peer| peer.best.0).collect())
    }

    /// Whether a block is in the chain or queued for import.
    pub(crate) fn known<C: HeaderBackend + ?Sized>(
        &self,
        chain: &C,
        hash: &H256,
    ) -> Result<bool, SyncError> {
        Ok(self.queued.contains_key(hash) || chain.header(hash)?.is_some())
    }

    /// The hash at `number` on the chain being assembled: queued blocks of
    /// the main download, else the local best chain.
    pub(crate) fn view_hash<C: HeaderBackend + ?Sized>(
        &self,
        chain: &C,
        number: BlockNumber,
    ) -> Result<Option<H256>, SyncError> {
        if let Some(hash) = self.main.pending.get(&number) {
            return Ok(Some(*hash));
        }
        Ok(chain.hash_of(number)?)
    }

    /// Reports `peer` and gives it no new request for a while.
    pub(crate) fn penalize(
        &mut self,
        peer: &PeerId,
        change: ReputationChange,
        out: &mut Vec<Effect>,
    ) {
        if let Some(state) = self.peers.get_mut(peer) {
            state.backoff_until = self.now.saturating_add(self.config.failure_backoff_millis);
        }
        out.push(Effect::ReportPeer {
            peer: peer.clone(),
            change,
        });
    }

    /// Reports `peer`, disconnects it and forgets it.
    pub(crate) fn expel(&mut self, peer: &PeerId, change: ReputationChange, out: &mut Vec<Effect>) {
        out.push(Effect::ReportPeer {
            peer: peer.clone(),
            change,
        });
        if self.peers.contains_key(peer) {
            self.drop_peer(peer);
            out.push(Effect::Disconnect { peer: peer.clone() });
        }
    }

    pub(crate) fn is_major_syncing<C: HeaderBackend + ?Sized>(&self, chain: &C) -> bool {
        self.status(chain).state == SyncState::MajorSync
    }
}
