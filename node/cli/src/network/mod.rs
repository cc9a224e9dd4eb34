//! The node on the network: the libp2p worker (`entroos-network`) carrying
//! the chain's protocols, and the driver task that connects it to block
//! sync (`entroos-sync`), the import path, the pool and the reputation
//! book (`entroos-network-api`).
//!
//! | protocol | kind | what the driver does |
//! |---|---|---|
//! | `block-announces/1` | notifications, handshake `Status` | peers enter and leave sync; announcements; new best blocks announced |
//! | `sync/2` | requests | the machine's block requests; peers' requests served from the chain |
//! | `transactions/1` | notifications | transactions gossiped as the pool tells they became ready; received ones submitted |
//! | `finality/1` | notifications | votes, commits and catch-ups to and from the finality task ([`crate::finality`]) |
//!
//! [`start`] builds the configuration from the command line, starts both
//! tasks through the node's [`TaskManager`] and returns the
//! [`NodeNetwork`] that RPC and metrics read.

mod announce;
pub mod config;
mod driver;
mod finality;
pub mod gossip;
mod import;
mod inbound;
pub mod status;
mod transactions;

use crate::cli::RunArgs;
use crate::service::ServiceError;
use crate::tasks::TaskManager;
use codec::Encode;
use entroos_client::Client;
use entroos_client_api::Spawner;
use entroos_network::{
    NetworkConfig, NetworkError, NetworkHandle, NetworkStats, NetworkWorker, NodeKey,
};
use entroos_network_api::{RequestFailure, Roles, Status};
use entroos_rpc::api::{Health, NetworkApi, PeerSummary, ReservedPeerError, SyncProgress};
use entroos_sync::SyncStatus;
use entroos_txpool::TxPool;
use status::{role_name, SharedStatus};
use std::sync::Arc;

pub use driver::TICK;

/// What the network is started with.
pub struct NetworkParts<'a> {
    /// The command line.
    pub args: &'a RunArgs,
    /// The chain spec's boot nodes.
    pub spec_boot_nodes: &'a [String],
    /// The node key, as hex.
    pub node_key_hex: &'a str,
    /// The chain.
    pub client: Arc<Client>,
    /// The pool.
    pub pool: Arc<TxPool>,
    /// Whether this node authors blocks.
    pub authority: bool,
    /// Whether the chain expects peers (not a development chain).
    pub should_have_peers: bool,
    /// The finality task's inputs.
    pub finality: crate::finality::FinalityLink,
    /// What the finality task asks of the network.
    pub from_finality: tokio::sync::mpsc::Receiver<crate::finality::FromFinality>,
}

/// The running network, as RPC and metrics see it.
pub struct NodeNetwork {
    handle: NetworkHandle,
    status: Arc<SharedStatus>,
    roles: Roles,
    should_have_peers: bool,
    local_peer_id: String,
}

/// Starts the network worker and the driver.
pub fn start(
    parts: NetworkParts<'_>,
    tasks: &TaskManager,
) -> Result<Arc<NodeNetwork>, ServiceError> {
    let node_key = NodeKey::from_hex(parts.node_key_hex)
        .map_err(|e| ServiceError::Config(format!("--node-key: {e}")))?;
    let heads = parts.client.heads();
    let roles = if parts.authority {
        Roles::AUTHORITY
    } else {
        Roles::FULL
    };
    let handshake = Status {
        roles,
        best_number: heads.best.0,
        best_hash: heads.best.1,
        genesis_hash: heads.genesis,
    }
    .encode();
    let mut network_config = config::network_config(
        parts.args,
        parts.spec_boot_nodes,
        node_key.clone(),
        heads.genesis.0,
        handshake,
    );
    let started = match NetworkWorker::new(network_config.clone()) {
        Err(NetworkError::Listen { addr, reason }) if config::listens_by_default(parts.args) => {
            tracing::warn!(target: "service", "cannot listen on {addr} ({reason}); listening on a port the system picks");
            network_config.listen_addresses = NetworkConfig::default_listen_addresses(0);
            NetworkWorker::new(network_config)
        }
        other => other,
    };
    let (worker, handle, events) =
        started.map_err(|e| ServiceError::Config(format!("network: {e}")))?;
    let local_peer_id = node_key.peer_id().to_base58();
    tracing::info!(target: "service", "Local node identity is: {local_peer_id}");
    let status = Arc::new(SharedStatus::new(heads.best.0));
    tasks.spawn("network-worker", Box::pin(worker.run()));
    let driver = driver::DriverParts {
        client: parts.client,
        pool: parts.pool,
        handle: handle.clone(),
        events,
        status: status.clone(),
        roles,
        finality: parts.finality,
        from_finality: parts.from_finality,
    };
    tasks.spawn("network-driver", Box::pin(driver::run(driver)));
    Ok(Arc::new(NodeNetwork {
        handle,
        status,
        roles,
        should_have_peers: parts.should_have_peers,
        local_peer_id,
    }))
}

impl NodeNetwork {
    /// The network's counters.
    pub fn stats(&self) -> NetworkStats {
        self.handle.stats()
    }

    /// The latest sync status.
    pub fn sync_status(&self) -> SyncStatus {
        self.status.sync()
    }

    /// Blocks sent to peers in answer to their block requests.
    pub fn blocks_served(&self) -> u64 {
        self.status.blocks_served()
    }

    /// Whether this node authors blocks.
    pub fn is_authority(&self) -> bool {
        self.roles.contains(Roles::AUTHORITY)
    }
}

impl NetworkApi for NodeNetwork {
    fn health(&self) -> Health {
        let sync = self.status.sync();
        Health {
            peers: sync.peers,
            is_syncing: sync.is_syncing(),
            should_have_peers: self.should_have_peers,
        }
    }

    fn local_peer_id(&self) -> String {
        self.local_peer_id.clone()
    }

    fn listen_addresses(&self) -> Vec<String> {
        self.handle
            .listen_addresses()
            .into_iter()
            .map(|addr| format!("{addr}/p2p/{}", self.local_peer_id))
            .collect()
    }

    fn peers(&self) -> Vec<PeerSummary> {
        self.status
            .peers()
            .into_iter()
            .map(|peer| PeerSummary {
                peer_id: peer.peer_id,
                roles: role_name(peer.roles).into(),
                best_hash: peer.best_hash,
                best_number: peer.best_number,
            })
            .collect()
    }

    fn sync_progress(&self) -> Option<SyncProgress> {
        let sync = self.status.sync();
        Some(SyncProgress {
            starting_block: sync.starting,
            current_block: sync.current,
            highest_block: sync.highest,
        })
    }

    fn add_reserved_peer(&self, addr: &str) -> Result<(), ReservedPeerError> {
        self.handle
            .add_reserved(addr)
            .map(|_| ())
            .map_err(|e| match e {
                NetworkError::InvalidMultiaddr { .. } | NetworkError::MissingPeerId(_) => {
                    ReservedPeerError::Malformed(e.to_string())
                }
                other => ReservedPeerError::Unavailable(other.to_string()),
            })
    }

    fn remove_reserved_peer(&self, peer_id: &str) -> Result<(), ReservedPeerError> {
        let peer = peer_id
            .parse::<entroos_network::PeerId>()
            .map_err(|e| ReservedPeerError::Malformed(format!("{peer_id}: {e}")))?;
        self.handle
            .remove_reserved(&peer)
            .map_err(|e| ReservedPeerError::Unavailable(e.to_string()))
    }
}

/// The transport's peer id as the sync machine names it.
pub(crate) fn to_api(peer: &entroos_network::PeerId) -> Option<entroos_network_api::PeerId> {
    entroos_network_api::PeerId::from_bytes(peer.to_bytes()).ok()
}

/// The sync machine's peer id as the transport names it.
pub(crate) fn to_net(peer: &entroos_network_api::PeerId) -> Option<entroos_network::PeerId> {
    entroos_network::PeerId::from_bytes(peer.as_bytes()).ok()
}

/// A transport failure as the sync machine classifies it.
pub(crate) fn request_failure(failure: &entroos_network::RequestFailure) -> RequestFailure {
    use entroos_network::RequestFailure as Net;
    match failure {
        Net::Timeout => RequestFailure::Timeout,
        Net::Refused => RequestFailure::Refused,
        Net::TooLarge { .. } | Net::ResponseTooLarge => RequestFailure::TooLarge,
        Net::UnsupportedProtocol | Net::UnknownProtocol(_) => RequestFailure::UnsupportedProtocol,
        Net::NotConnected | Net::ConnectionClosed | Net::WorkerGone => {
            RequestFailure::ConnectionClosed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_ids_cross_between_the_transport_and_sync_unchanged() {
        let peer = entroos_network::generate_node_key().peer_id();
        let api = to_api(&peer).unwrap();
        assert_eq!(api.to_base58(), peer.to_base58());
        assert_eq!(to_net(&api), Some(peer));
    }
}
