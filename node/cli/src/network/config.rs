//! The network's configuration from the command line, Substrate's way:
//! `--listen-addr` (or every interface on `--port`, 30333 by default),
//! `--public-addr`, `--bootnodes` and the chain spec's boot nodes,
//! `--reserved-nodes`, `--reserved-only`, `--in-peers`, `--out-peers`,
//! `--no-mdns`.

use crate::cli::RunArgs;
use entroos_network::{
    NetworkConfig, NodeKey, NotificationProtocol, RequestProtocol, DEFAULT_PORT,
};
use entroos_network_api::{
    MAX_ANNOUNCE_BYTES, MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES, MAX_STATUS_BYTES,
    MAX_TRANSACTIONS_BYTES,
};

/// The block announcement protocol (handshake: the node's `Status`).
pub const BLOCK_ANNOUNCES: &str = "block-announces/1";
/// The block request protocol.
pub const SYNC: &str = "sync/2";
/// The transaction gossip protocol.
pub const TRANSACTIONS: &str = "transactions/1";
/// The finality protocol: votes, commits and catch-ups.
pub const FINALITY: &str = "finality/1";

/// Whether the listen addresses are the defaults (no `--listen-addr`, no
/// `--port`): only then may another port be taken when 30333 is in use.
pub fn listens_by_default(args: &RunArgs) -> bool {
    args.listen_addr.is_empty() && args.port.is_none()
}

/// The addresses to listen on.
pub fn listen_addresses(args: &RunArgs) -> Vec<String> {
    if args.listen_addr.is_empty() {
        NetworkConfig::default_listen_addresses(args.port.unwrap_or(DEFAULT_PORT))
    } else {
        args.listen_addr.clone()
    }
}

/// The network configuration: flags, the chain spec's boot nodes, the
/// node key, the genesis hash and this node's status handshake.
pub fn network_config(
    args: &RunArgs,
    spec_boot_nodes: &[String],
    node_key: NodeKey,
    genesis: [u8; 32],
    handshake: Vec<u8>,
) -> NetworkConfig {
    let mut config = NetworkConfig::new(node_key, genesis);
    config.listen_addresses = listen_addresses(args);
    config.public_addresses = args.public_addr.clone();
    config.boot_nodes = args.bootnodes.clone();
    config.boot_nodes.extend(spec_boot_nodes.iter().cloned());
    config.reserved_nodes = args.reserved_nodes.clone();
    config.reserved_only = args.reserved_only;
    config.in_peers = args.in_peers;
    config.out_peers = args.out_peers;
    config.enable_mdns = !args.no_mdns;
    config.notification_protocols = notification_protocols(handshake);
    config.request_protocols = vec![RequestProtocol::new(
        SYNC,
        MAX_REQUEST_BYTES,
        MAX_RESPONSE_BYTES,
    )];
    config
}

fn notification_protocols(handshake: Vec<u8>) -> Vec<NotificationProtocol> {
    let mut announces = NotificationProtocol::new(BLOCK_ANNOUNCES, MAX_ANNOUNCE_BYTES);
    announces.handshake = handshake;
    announces.max_handshake_size = MAX_STATUS_BYTES;
    let mut transactions = NotificationProtocol::new(TRANSACTIONS, MAX_TRANSACTIONS_BYTES);
    transactions.queue_size = 64;
    let mut finality = NotificationProtocol::new(FINALITY, entroos_finality::MAX_MESSAGE_BYTES);
    finality.queue_size = 256;
    vec![announces, transactions, finality]
}
