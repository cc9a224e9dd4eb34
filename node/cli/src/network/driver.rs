//! The driver: the one task that owns the sync machine. Network events
//! become sync inputs, sync effects become network calls and imports, new
//! best blocks are announced (not while in major sync, and paced below the
//! rate peers accept, see [`super::announce`]), transactions are gossiped
//! as the pool tells that they became ready, and peers' misbehaviour goes
//! to the reputation book, which bans through the network. Slow work
//! (serving requests, importing, validating received transactions) runs
//! off the task and comes back as messages.
//!
//! Blocks go to the importer through a queue of the sync machine's
//! `import_queue` blocks, which the machine never overfills (it counts
//! blocks until their verdicts return); a block that finds it full all the
//! same is answered at once as a node failure, so that the machine hears
//! of every block it handed over.

use super::announce::AnnouncePacer;
use super::config::{BLOCK_ANNOUNCES, SYNC};
use super::gossip::{Gossip, KnownSet, MAX_PER_MESSAGE};
use super::import::{self, Verdict};
use super::status::SharedStatus;
use super::transactions::TX_VALIDATIONS;
use super::{to_api, to_net};
use crate::finality::{FinalityLink, FromFinality, ToFinality};
use codec::Encode;
use entroos_client::Client;
use entroos_network::{NetworkEvents, NetworkHandle, PeerId};
use entroos_network_api::{
    BlockAnnounce, BlockResponse, PeerReputation, ReputationChange, ReputationConfig, Roles,
    Status, Verdict as Reputation,
};
use entroos_primitives::Header;
use entroos_sync::{ChainSync, Effect, Failure, ImportResult, IncomingBlock, Input, SyncConfig};
use entroos_txpool::TxPool;
use futures::StreamExt;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{broadcast, mpsc, Semaphore};

/// How often the sync machine is ticked.
pub const TICK: Duration = Duration::from_millis(250);
/// Messages from the driver's helper tasks waiting to be handled.
const INTERNAL_QUEUE: usize = 512;

/// What the driver is built from.
pub struct DriverParts {
    /// The chain.
    pub client: Arc<Client>,
    /// The pool.
    pub pool: Arc<TxPool>,
    /// The network.
    pub handle: NetworkHandle,
    /// Its events.
    pub events: NetworkEvents,
    /// Where the sync status and peers are published.
    pub status: Arc<SharedStatus>,
    /// This node's roles, sent in the handshake.
    pub roles: Roles,
    /// The finality task's inputs.
    pub finality: FinalityLink,
    /// What the finality task asks of the network.
    pub from_finality: mpsc::Receiver<FromFinality>,
}

/// What helper tasks send back.
pub(super) enum Internal {
    /// An input for the sync machine (a response or a failed request).
    Sync(Input),
    /// A peer sent something bad.
    Report(PeerId, ReputationChange),
}

pub(super) struct Driver {
    pub(super) client: Arc<Client>,
    pub(super) pool: Arc<TxPool>,
    pub(super) handle: NetworkHandle,
    pub(super) status: Arc<SharedStatus>,
    pub(super) sync: ChainSync,
    pub(super) gossip: Gossip,
    pub(super) announce_peers: HashSet<PeerId>,
    pub(super) internal: mpsc::Sender<Internal>,
    pub(super) tx_validations: Arc<Semaphore>,
    pub(super) finality: FinalityLink,
    pub(super) finality_peers: HashSet<PeerId>,
    reputation: PeerReputation,
    announced: KnownSet,
    pacer: AnnouncePacer,
    imports: mpsc::Sender<IncomingBlock>,
    verdicts: mpsc::Sender<Verdict>,
    roles: Roles,
    epoch: Instant,
}

/// Runs the driver until the network's event stream ends.
pub async fn run(parts: DriverParts) {
    let config = SyncConfig::default();
    let queue = usize::try_from(config.import_queue)
        .unwrap_or(usize::MAX)
        .max(1);
    let (internal, mut internal_rx) = mpsc::channel(INTERNAL_QUEUE);
    let (imports, imports_rx) = mpsc::channel(queue);
    let (verdicts, mut verdicts_rx) = mpsc::channel(queue);
    let importer = tokio::spawn(import::run(
        import::Importer {
            client: parts.client.clone(),
            pool: parts.pool.clone(),
            finality: parts.finality.clone(),
        },
        imports_rx,
        verdicts.clone(),
    ));
    let mut from_finality = parts.from_finality;
    let mut best = parts.client.subscribe_best();
    let mut ready = parts.pool.ready_listener().ready_chunks(MAX_PER_MESSAGE);
    let mut events = parts.events;
    let mut driver = Driver {
        pacer: AnnouncePacer::new(
            config.announce_window_millis,
            config.max_announces_per_window,
        ),
        sync: ChainSync::new(config, &*parts.client),
        client: parts.client,
        pool: parts.pool,
        handle: parts.handle,
        status: parts.status,
        gossip: Gossip::default(),
        announce_peers: HashSet::new(),
        internal,
        tx_validations: Arc::new(Semaphore::new(TX_VALIDATIONS)),
        finality: parts.finality,
        finality_peers: HashSet::new(),
        reputation: PeerReputation::new(ReputationConfig::default()),
        announced: KnownSet::default(),
        imports,
        verdicts,
        roles: parts.roles,
        epoch: Instant::now(),
    };
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            event = events.next() => match event {
                Some(event) => driver.on_event(event),
                None => break,
            },
            Some(message) = internal_rx.recv() => driver.on_internal(message),
            Some(verdict) = verdicts_rx.recv() => driver.on_verdict(verdict),
            header = best.recv() => driver.on_best(header),
            Some(hashes) = ready.next() => {
                let missed = ready.get_ref().take_missed();
                driver.on_ready(&hashes, missed);
            }
            Some(out) = from_finality.recv() => driver.on_finality_out(out),
            _ = tick.tick() => driver.on_tick(),
        }
    }
    importer.abort();
    tracing::debug!(target: "sync", "the network's events ended; the driver stops");
}

impl Driver {
    fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Applies one input and performs its effects.
    pub(super) fn apply(&mut self, input: Input) {
        match self.sync.apply(input, &*self.client) {
            Ok(effects) => effects.into_iter().for_each(|e| self.perform(e)),
            Err(e) => tracing::error!(target: "sync", "{e}"),
        }
        self.status.set_sync(self.sync.status(&*self.client));
    }

    fn perform(&mut self, effect: Effect) {
        match effect {
            Effect::SendRequest { peer, id, request } => {
                let Some(net_peer) = to_net(&peer) else {
                    return;
                };
                let reply = self.handle.request(&net_peer, SYNC, request.encode());
                let internal = self.internal.clone();
                tokio::spawn(async move {
                    let input = match reply.await {
                        Ok(bytes) => match BlockResponse::decode_bounded(&bytes) {
                            Ok(response) => Input::Response { peer, id, response },
                            Err(e) => Input::RequestFailed {
                                peer,
                                id,
                                failure: Failure::Undecodable(e),
                            },
                        },
                        Err(e) => Input::RequestFailed {
                            peer,
                            id,
                            failure: Failure::Network(super::request_failure(&e)),
                        },
                    };
                    let _ = internal.send(Internal::Sync(input)).await;
                });
            }
            Effect::ImportBlocks(blocks) => blocks.into_iter().for_each(|b| self.hand_over(b)),
            Effect::ReportPeer { peer, change } => {
                if let Some(peer) = to_net(&peer) {
                    self.report(&peer, change);
                }
            }
            Effect::Disconnect { peer } => {
                if let Some(peer) = to_net(&peer) {
                    let _ = self.handle.disconnect(&peer);
                }
            }
            Effect::Announce(announce) => self.announce(announce),
            Effect::Justification {
                origin,
                hash,
                number,
                bytes,
            } => {
                tracing::debug!(target: "sync", "justification of #{number} ({hash}) from {origin}");
                self.finality.send(ToFinality::Justification {
                    peer: to_net(&origin),
                    bytes,
                });
            }
        }
    }

    /// Puts a block in the import queue; if it is full (which the sync
    /// machine's own bound rules out), the block is answered as a node
    /// failure instead.
    fn hand_over(&mut self, block: IncomingBlock) {
        let block = match self.imports.try_send(block) {
            Ok(()) => return,
            Err(TrySendError::Full(block)) => block,
            Err(TrySendError::Closed(_)) => {
                tracing::error!(target: "sync", "the importer has stopped");
                return;
            }
        };
        let (hash, number) = (block.block.header.hash(), block.block.header.number);
        tracing::error!(target: "sync", "the import queue is full; block #{number} ({hash}) is not imported");
        let verdict = Verdict {
            hash,
            number,
            result: ImportResult::NodeFailure,
        };
        if self.verdicts.try_send(verdict).is_err() {
            tracing::error!(target: "sync", "the verdict queue is full");
        }
    }

    /// Records a reputation change; a ban disconnects and refuses the peer.
    pub(super) fn report(&mut self, peer: &PeerId, change: ReputationChange) {
        let Some(api_peer) = to_api(peer) else { return };
        let now = self.now();
        tracing::debug!(target: "sync", "{peer}: {:?} ({})", change.reason, change.value);
        if let Reputation::Ban { until } = self.reputation.report(&api_peer, change, now) {
            tracing::info!(target: "sync", "banning {peer}: {:?}", change.reason);
            let duration = Duration::from_millis(until.saturating_sub(now));
            if let Err(e) = self.handle.ban(peer, duration) {
                tracing::warn!(target: "sync", "banning {peer}: {e}");
            }
        }
    }

    fn announce(&mut self, announce: BlockAnnounce) {
        if !self.announced.insert(announce.header.hash()) {
            return;
        }
        if let Some(announce) = self.pacer.admit(self.now(), announce) {
            self.send_announce(&announce);
        }
    }

    fn send_announce(&self, announce: &BlockAnnounce) {
        let bytes = announce.encode();
        for peer in &self.announce_peers {
            if let Err(e) = self
                .handle
                .send_notification(peer, BLOCK_ANNOUNCES, bytes.clone())
            {
                tracing::debug!(target: "sync", "announce to {peer}: {e}");
            }
        }
    }

    fn on_internal(&mut self, message: Internal) {
        match message {
            Internal::Sync(input) => self.apply(input),
            Internal::Report(peer, change) => self.report(&peer, change),
        }
    }

    fn on_verdict(&mut self, verdict: Verdict) {
        self.apply(Input::Imported {
            hash: verdict.hash,
            number: verdict.number,
            result: verdict.result,
        });
    }

    fn on_best(&mut self, header: Result<Header, broadcast::error::RecvError>) {
        let header = match header {
            Ok(header) => header,
            Err(broadcast::error::RecvError::Lagged(_)) => {
                match self.client.header(&self.client.heads().best.1) {
                    Ok(Some(header)) => header,
                    _ => return,
                }
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let status = Status {
            roles: self.roles,
            best_number: header.number,
            best_hash: header.hash(),
            genesis_hash: self.client.heads().genesis,
        };
        let _ = self
            .handle
            .set_notification_handshake(BLOCK_ANNOUNCES, status.encode());
        let sync = self.sync.status(&*self.client);
        if !sync.is_syncing() {
            self.announce(BlockAnnounce {
                header,
                is_best: true,
            });
        }
        self.status.set_sync(sync);
    }

    fn on_tick(&mut self) {
        let now = self.now();
        self.reputation.tick(now);
        self.apply(Input::Tick { now });
        if let Some(announce) = self.pacer.due(now) {
            self.send_announce(&announce);
        }
    }
}
