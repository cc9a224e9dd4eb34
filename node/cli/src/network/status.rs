//! What the driver publishes for RPC and metrics: the sync status, the
//! peers' handshakes and best blocks, and the blocks served to peers, read
//! without asking the driver.

use entroos_network_api::{Roles, Status};
use entroos_primitives::{BlockNumber, H256};
use entroos_sync::{SyncState, SyncStatus};
use parking_lot::RwLock;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// A peer as `system_peers` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerView {
    /// Its peer id (base58).
    pub peer_id: String,
    /// Its roles from the handshake.
    pub roles: Roles,
    /// Its best block hash, from the handshake and its announcements.
    pub best_hash: H256,
    /// Its best block number.
    pub best_number: BlockNumber,
}

/// The shared snapshot.
#[derive(Debug)]
pub struct SharedStatus {
    sync: RwLock<SyncStatus>,
    peers: RwLock<BTreeMap<String, PeerView>>,
    served: AtomicU64,
}

impl SharedStatus {
    /// A snapshot of a node at `best` without peers.
    pub fn new(best: BlockNumber) -> Self {
        SharedStatus {
            sync: RwLock::new(SyncStatus {
                state: SyncState::Idle,
                starting: best,
                current: best,
                highest: best,
                peers: 0,
            }),
            peers: RwLock::new(BTreeMap::new()),
            served: AtomicU64::new(0),
        }
    }

    /// Blocks sent to peers in answer to their block requests.
    pub fn blocks_served(&self) -> u64 {
        self.served.load(Ordering::Relaxed)
    }

    pub(super) fn note_served(&self, blocks: usize) {
        let blocks = u64::try_from(blocks).unwrap_or(u64::MAX);
        self.served.fetch_add(blocks, Ordering::Relaxed);
    }

    /// The latest sync status.
    pub fn sync(&self) -> SyncStatus {
        *self.sync.read()
    }

    /// The peers, sorted by id.
    pub fn peers(&self) -> Vec<PeerView> {
        self.peers.read().values().cloned().collect()
    }

    pub(super) fn set_sync(&self, status: SyncStatus) {
        *self.sync.write() = status;
    }

    pub(super) fn peer_connected(&self, peer_id: String, status: &Status) {
        let view = PeerView {
            peer_id: peer_id.clone(),
            roles: status.roles,
            best_hash: status.best_hash,
            best_number: status.best_number,
        };
        self.peers.write().insert(peer_id, view);
    }

    pub(super) fn peer_best(&self, peer_id: &str, number: BlockNumber, hash: H256) {
        if let Some(view) = self.peers.write().get_mut(peer_id) {
            if number >= view.best_number {
                view.best_number = number;
                view.best_hash = hash;
            }
        }
    }

    pub(super) fn peer_gone(&self, peer_id: &str) {
        self.peers.write().remove(peer_id);
    }
}

/// Roles as `system_peers` names them.
pub fn role_name(roles: Roles) -> &'static str {
    if roles.contains(Roles::AUTHORITY) {
        "AUTHORITY"
    } else if roles.contains(Roles::LIGHT) {
        "LIGHT"
    } else {
        "FULL"
    }
}
