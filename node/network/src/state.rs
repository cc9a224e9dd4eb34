//! State the worker publishes and the handles read without a round trip.

use crate::counting::ByteCounters;
use crate::identity::PeerId;
use crate::protocols::Protocols;
use parking_lot::RwLock;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;

/// A connected peer, as [`NetworkHandle::peers`](crate::NetworkHandle::peers) shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerInfo {
    /// The peer.
    pub peer_id: PeerId,
    /// The connection's remote address.
    pub address: String,
    /// Whether the peer dialed us.
    pub inbound: bool,
    /// Whether the peer is reserved.
    pub reserved: bool,
    /// The agent the peer announced through identify, once known.
    pub agent_version: Option<String>,
    /// The notification protocols open with the peer.
    pub open_protocols: Vec<String>,
}

/// Counters for metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NetworkStats {
    /// Peers with an established connection.
    pub connected_peers: usize,
    /// Peers with at least one notification protocol open: the value of
    /// `substrate_sub_libp2p_peers_count`.
    pub open_peers: usize,
    /// Bytes received on every connection since start.
    pub bytes_inbound: u64,
    /// Bytes sent on every connection since start.
    pub bytes_outbound: u64,
    /// Connections refused by the admission rules (bans, reserved-only, slots).
    pub refused_connections: u64,
    /// Peers dropped because no notification protocol opened with them
    /// (another chain, or another program).
    pub incompatible_peers: u64,
    /// Peers dropped for breaking a protocol rule (oversized messages).
    pub misbehaving_peers: u64,
}

/// The sending end of one open notification substream.
#[derive(Debug)]
pub(crate) struct Outbox {
    pub(crate) session: u64,
    pub(crate) queue: mpsc::Sender<Vec<u8>>,
}

/// Shared between the worker, its tasks and the handles.
pub(crate) struct Shared {
    pub(crate) local_peer_id: PeerId,
    pub(crate) protocols: Protocols,
    pub(crate) handshakes: RwLock<Vec<Vec<u8>>>,
    pub(crate) outboxes: RwLock<HashMap<(PeerId, usize), Outbox>>,
    pub(crate) peers: RwLock<Vec<PeerInfo>>,
    pub(crate) listen_addresses: RwLock<Vec<String>>,
    pub(crate) external_addresses: RwLock<Vec<String>>,
    pub(crate) bytes: Arc<ByteCounters>,
    pub(crate) refused: Arc<AtomicU64>,
    pub(crate) incompatible: AtomicU64,
    pub(crate) misbehaving: AtomicU64,
}

impl Shared {
    pub(crate) fn new(local_peer_id: PeerId, protocols: Protocols) -> Self {
        let handshakes = protocols
            .notifications
            .iter()
            .map(|p| p.config.handshake.clone())
            .collect();
        Self {
            local_peer_id,
            protocols,
            handshakes: RwLock::new(handshakes),
            outboxes: RwLock::default(),
            peers: RwLock::default(),
            listen_addresses: RwLock::default(),
            external_addresses: RwLock::default(),
            bytes: Arc::default(),
            refused: Arc::default(),
            incompatible: AtomicU64::new(0),
            misbehaving: AtomicU64::new(0),
        }
    }

    /// The handshake currently sent for a notification protocol.
    pub(crate) fn handshake(&self, index: usize) -> Vec<u8> {
        self.handshakes
            .read()
            .get(index)
            .cloned()
            .unwrap_or_default()
    }

    /// Makes an open substream reachable by `send_notification`.
    pub(crate) fn register_outbox(&self, peer: PeerId, index: usize, outbox: Outbox) {
        self.outboxes.write().insert((peer, index), outbox);
    }

    /// Removes a closed substream's outbox, unless a newer one replaced it.
    pub(crate) fn unregister_outbox(&self, peer: PeerId, index: usize, session: u64) {
        let mut outboxes = self.outboxes.write();
        if outboxes
            .get(&(peer, index))
            .is_some_and(|o| o.session == session)
        {
            outboxes.remove(&(peer, index));
        }
    }

    pub(crate) fn stats(&self) -> NetworkStats {
        let peers = self.peers.read();
        NetworkStats {
            connected_peers: peers.len(),
            open_peers: peers
                .iter()
                .filter(|p| !p.open_protocols.is_empty())
                .count(),
            bytes_inbound: self.bytes.inbound(),
            bytes_outbound: self.bytes.outbound(),
            refused_connections: self.refused.load(Ordering::Relaxed),
            incompatible_peers: self.incompatible.load(Ordering::Relaxed),
            misbehaving_peers: self.misbehaving.load(Ordering::Relaxed),
        }
    }
}
