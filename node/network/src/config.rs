//! What a [`NetworkWorker`](crate::NetworkWorker) is started with.

use crate::identity::NodeKey;
use std::time::Duration;

/// The agent name sent by identify: `entroos-node/<version>`.
pub const DEFAULT_AGENT: &str = concat!("entroos-node/", env!("CARGO_PKG_VERSION"));
/// Substrate's default p2p port.
pub const DEFAULT_PORT: u16 = 30333;

/// A one-way message protocol on a long-lived substream.
#[derive(Debug, Clone)]
pub struct NotificationProtocol {
    /// The name without the genesis prefix, e.g. `block-announces/1`.
    pub name: String,
    /// The handshake this node sends when the substream opens (e.g. its status).
    pub handshake: Vec<u8>,
    /// The largest handshake accepted from a peer.
    pub max_handshake_size: usize,
    /// The largest message accepted or sent.
    pub max_message_size: usize,
    /// Messages waiting to be written to one peer; when full, sending fails.
    pub queue_size: usize,
}

impl NotificationProtocol {
    /// A protocol with the given name and limit, an empty handshake and
    /// default queue and handshake limits.
    pub fn new(name: impl Into<String>, max_message_size: usize) -> Self {
        Self {
            name: name.into(),
            handshake: Vec::new(),
            max_handshake_size: 1024,
            max_message_size,
            queue_size: 256,
        }
    }
}

/// A request-response protocol: one request, one response, per substream.
#[derive(Debug, Clone)]
pub struct RequestProtocol {
    /// The name without the genesis prefix, e.g. `sync/2`.
    pub name: String,
    /// The largest request accepted or sent.
    pub max_request_size: usize,
    /// The largest response accepted or sent.
    pub max_response_size: usize,
    /// From opening the substream to the end of the response.
    pub timeout: Duration,
    /// Inbound requests handled at once; more are refused.
    pub max_concurrent_inbound: usize,
}

impl RequestProtocol {
    /// A protocol with the given name and limits, a 20 s timeout and 32
    /// concurrent inbound requests.
    pub fn new(name: impl Into<String>, max_request_size: usize, max_response_size: usize) -> Self {
        Self {
            name: name.into(),
            max_request_size,
            max_response_size,
            timeout: Duration::from_secs(20),
            max_concurrent_inbound: 32,
        }
    }
}

/// The network's configuration. Addresses are multiaddr strings; an entry
/// may hold several separated by whitespace (zombienet-sdk passes boot
/// nodes that way).
#[derive(Debug, Clone)]
pub struct NetworkConfig {
    /// The node key (the peer id is derived from it).
    pub node_key: NodeKey,
    /// The chain's genesis hash: it prefixes every protocol name.
    pub genesis_hash: [u8; 32],
    /// Where to listen, e.g. `/ip4/127.0.0.1/tcp/30333/ws`.
    pub listen_addresses: Vec<String>,
    /// Addresses to announce besides those observed.
    pub public_addresses: Vec<String>,
    /// Peers dialed at start and re-dialed with backoff (`…/p2p/<peer id>`).
    pub boot_nodes: Vec<String>,
    /// Peers kept connected outside the slot limits (`…/p2p/<peer id>`).
    pub reserved_nodes: Vec<String>,
    /// Refuse every peer that is not reserved.
    pub reserved_only: bool,
    /// Inbound peer slots.
    pub in_peers: u32,
    /// Outbound peer slots.
    pub out_peers: u32,
    /// Discover peers on the local network.
    pub enable_mdns: bool,
    /// The agent name identify sends.
    pub agent_version: String,
    /// Notification protocols.
    pub notification_protocols: Vec<NotificationProtocol>,
    /// Request-response protocols.
    pub request_protocols: Vec<RequestProtocol>,
    /// Events waiting for the consumer; when full, substreams wait.
    pub event_queue: usize,
    /// Commands waiting for the worker.
    pub command_queue: usize,
    /// How long a peer that broke a protocol rule stays banned.
    pub misbehaviour_ban: Duration,
    /// How long a connection without substreams stays open.
    pub idle_timeout: Duration,
}

impl NetworkConfig {
    /// A configuration with Substrate's defaults: 32 inbound and 8 outbound
    /// slots, mDNS on, no listen address and no protocols.
    pub fn new(node_key: NodeKey, genesis_hash: [u8; 32]) -> Self {
        Self {
            node_key,
            genesis_hash,
            listen_addresses: Vec::new(),
            public_addresses: Vec::new(),
            boot_nodes: Vec::new(),
            reserved_nodes: Vec::new(),
            reserved_only: false,
            in_peers: 32,
            out_peers: 8,
            enable_mdns: true,
            agent_version: DEFAULT_AGENT.to_string(),
            notification_protocols: Vec::new(),
            request_protocols: Vec::new(),
            event_queue: 1024,
            command_queue: 1024,
            misbehaviour_ban: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(10),
        }
    }

    /// Substrate's listen addresses for a `--port`: every IPv4 and IPv6
    /// interface, plain TCP.
    pub fn default_listen_addresses(port: u16) -> Vec<String> {
        vec![
            format!("/ip6/::/tcp/{port}"),
            format!("/ip4/0.0.0.0/tcp/{port}"),
        ]
    }
}
