//! The worker's view of connected peers and their notification sessions.

use super::NetworkWorker;
use crate::identity::PeerId;
use crate::notifications::Session;
use crate::requests::Inbound;
use crate::state::PeerInfo;
use libp2p::core::ConnectedPoint;
use libp2p::{Multiaddr, Stream};
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use tokio::sync::mpsc;

/// Inbound substreams waiting for their session (a peer opens one per protocol).
const INBOUND_QUEUE: usize = 2;

/// A connected peer.
pub(super) struct Peer {
    address: Multiaddr,
    inbound: bool,
    pub(super) agent: Option<String>,
    sessions: BTreeMap<usize, Slot>,
    ever_opened: bool,
}

/// A running notification session.
struct Slot {
    id: u64,
    inbound: mpsc::Sender<Stream>,
    open: bool,
}

impl NetworkWorker {
    /// A first connection to the peer: one session per notification protocol.
    pub(super) fn on_connected(&mut self, peer: libp2p::PeerId, endpoint: &ConnectedPoint) {
        self.peers.insert(
            peer,
            Peer {
                address: endpoint.get_remote_address().clone(),
                inbound: endpoint.is_listener(),
                agent: None,
                sessions: BTreeMap::new(),
                ever_opened: false,
            },
        );
        self.redialer.connected(&peer);
        for index in 0..self.shared.protocols.notifications.len() {
            self.spawn_session(peer, index);
        }
        self.publish_peers();
    }

    /// The last connection to the peer closed; its sessions end with it.
    pub(super) fn on_disconnected(&mut self, peer: libp2p::PeerId) {
        self.peers.remove(&peer);
        self.redialer.failed(&peer, std::time::Instant::now());
        self.publish_peers();
    }

    fn spawn_session(&mut self, peer: libp2p::PeerId, index: usize) {
        let Some(wire) = self
            .shared
            .protocols
            .notifications
            .get(index)
            .map(|p| p.wire.clone())
        else {
            return;
        };
        let id = self.next_session;
        self.next_session = self.next_session.wrapping_add(1);
        let (inbound, inbound_rx) = mpsc::channel(INBOUND_QUEUE);
        let outbound = self.swarm.behaviour_mut().substreams.open(peer, wire);
        let session = Session {
            id,
            peer: PeerId::from_libp2p(peer),
            index,
            shared: self.shared.clone(),
            events: self.events.clone(),
            reports: self.reports_tx.clone(),
        };
        tokio::spawn(session.run(outbound, inbound_rx));
        if let Some(entry) = self.peers.get_mut(&peer) {
            entry.sessions.insert(
                index,
                Slot {
                    id,
                    inbound,
                    open: false,
                },
            );
        }
    }

    /// Hands a peer's notification substream to its session; dropped
    /// (refused) if there is none or it already has one waiting.
    pub(super) fn route_notification_stream(
        &mut self,
        peer: libp2p::PeerId,
        index: usize,
        stream: Stream,
    ) {
        if let Some(slot) = self.peers.get(&peer).and_then(|p| p.sessions.get(&index)) {
            let _ = slot.inbound.try_send(stream);
        }
    }

    /// Serves a peer's request substream; refused (dropped) when the
    /// protocol's inbound requests are all taken.
    pub(super) fn serve_request(&mut self, peer: libp2p::PeerId, index: usize, stream: Stream) {
        let (Some(protocol), Some(permits)) = (
            self.shared.protocols.requests.get(index),
            self.request_permits.get(index),
        ) else {
            return;
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tracing::debug!(%peer, protocol = %protocol.name, "too many inbound requests, refused");
            return;
        };
        let inbound = Inbound {
            stream,
            peer: PeerId::from_libp2p(peer),
            protocol: protocol.name.clone(),
            max_request: protocol.config.max_request_size,
            max_response: protocol.config.max_response_size,
            timeout: protocol.config.timeout,
            events: self.events.clone(),
            reports: self.reports_tx.clone(),
            permit,
        };
        tokio::spawn(inbound.serve());
    }

    pub(super) fn session_opened(&mut self, peer: libp2p::PeerId, index: usize, id: u64) {
        let Some(entry) = self.peers.get_mut(&peer) else {
            return;
        };
        if let Some(slot) = entry.sessions.get_mut(&index).filter(|s| s.id == id) {
            slot.open = true;
            entry.ever_opened = true;
            self.publish_peers();
        }
    }

    /// A session ended on a live connection: an open protocol closing drops
    /// the peer; a peer with which no protocol opened at all is incompatible.
    pub(super) fn session_ended(
        &mut self,
        peer: libp2p::PeerId,
        index: usize,
        id: u64,
        opened: bool,
    ) {
        let Some(entry) = self.peers.get_mut(&peer) else {
            return;
        };
        if entry.sessions.get(&index).is_none_or(|s| s.id != id) {
            return;
        }
        entry.sessions.remove(&index);
        let incompatible = !opened && entry.sessions.is_empty() && !entry.ever_opened;
        if incompatible {
            tracing::debug!(%peer, "no notification protocol in common, disconnecting");
            self.shared.incompatible.fetch_add(1, Ordering::Relaxed);
        }
        if opened || incompatible {
            let _ = self.swarm.disconnect_peer_id(peer);
        }
        self.publish_peers();
    }

    /// Publishes the peer list for the handles.
    pub(super) fn publish_peers(&self) {
        let policy = &self.swarm.behaviour().policy;
        let mut list: Vec<PeerInfo> = self
            .peers
            .iter()
            .map(|(peer, entry)| PeerInfo {
                peer_id: PeerId::from_libp2p(*peer),
                address: entry.address.to_string(),
                inbound: entry.inbound,
                reserved: policy.is_reserved(peer),
                agent_version: entry.agent.clone(),
                open_protocols: self.open_protocols(entry),
            })
            .collect();
        list.sort_by_key(|p| p.peer_id);
        *self.shared.peers.write() = list;
    }

    fn open_protocols(&self, entry: &Peer) -> Vec<String> {
        let names = &self.shared.protocols.notifications;
        entry
            .sessions
            .iter()
            .filter(|(_, slot)| slot.open)
            .filter_map(|(index, _)| names.get(*index).map(|p| p.name.to_string()))
            .collect()
    }
}
