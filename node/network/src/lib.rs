//! # EntroOS networking
//!
//! libp2p networking the way Substrate nodes speak it, so that zombienet and
//! Substrate operators' flags work unchanged: `--node-key` (an ed25519 seed;
//! the peer id is the libp2p ed25519 peer id, see `identity`),
//! `--listen-addr /ip4/…/tcp/<p>/ws`, `--bootnodes …/ws/p2p/<peer id>`.
//! The crate carries opaque bytes on named protocols; what the bytes mean
//! (block announces, sync requests) belongs to the crates above it.
//!
//! ## Stack
//!
//! TCP, and WebSocket over TCP for `/ws` addresses; noise (the dialed
//! `/p2p/<peer id>` is checked in the handshake); yamux. On top: identify
//! (protocol `/substrate/1.0`, agent `entroos-node/<version>`), ping,
//! Kademlia on `/<genesis hex>/kad` in server mode (random walks every
//! 1 s, doubling up to 60 s; peers found are dialed while outbound slots
//! are free), mDNS when enabled, connection limits (one connection per
//! peer, 64 pending per direction) and the admission `policy`: bans,
//! reserved peers (kept connected, outside the slots), reserved-only mode,
//! inbound and outbound slots. Boot nodes and reserved peers are dialed at
//! start and re-dialed with exponential backoff (1 s to 60 s) whenever
//! they are not connected.
//!
//! ## Protocols
//!
//! Every protocol's wire name is `/<genesis hash hex>/<name>`, so nodes of
//! different chains never agree on one: their substreams fail protocol
//! negotiation, and a peer with which no notification protocol opens is
//! disconnected (counted in [`NetworkStats::incompatible_peers`]).
//!
//! Both kinds run on a small custom `ConnectionHandler` (`substreams`)
//! that only negotiates substreams and hands them over; the framing runs in
//! tasks. Every message is a frame: an unsigned LEB128 length, then the
//! bytes (`framing`, Substrate's framing).
//!
//! - **Notifications** (`notifications`): each side opens a long-lived
//!   substream, writes its handshake and reads the other's back; then the
//!   opener writes messages and the receiver reads. The consumer gets
//!   [`NetworkEvent::Connected`] (with the peer's handshake) before any
//!   [`NetworkEvent::Notification`] of that protocol and peer, and
//!   [`NetworkEvent::Disconnected`] when the protocol closes. A protocol
//!   closing on a live connection drops the peer.
//! - **Requests** (`requests`): one substream per request; the request
//!   frame, then the response frame, the whole within the protocol's
//!   timeout. A responder that drops the [`Responder`] refuses.
//!
//! libp2p's request-response behaviour was not used: one behaviour offers
//! all of its protocols on every outbound request, so distinct named
//! protocols would need one behaviour each, which the derive cannot build
//! from a list known at run time.
//!
//! ## Limits and backpressure
//!
//! - A frame larger than the protocol's limit (handshakes and responses
//!   included) is refused before its bytes are read; the peer is reported
//!   as misbehaving, banned for [`NetworkConfig::misbehaviour_ban`] and
//!   disconnected. Sending an oversized message or request fails locally.
//! - Outgoing notifications wait in a per-peer, per-protocol queue of
//!   [`NotificationProtocol::queue_size`]; when it is full
//!   [`NetworkHandle::send_notification`] fails with
//!   [`SendError::QueueFull`] and the message is **dropped**. A write
//!   stalled for 20 s closes the protocol.
//! - Events go through a queue of [`NetworkConfig::event_queue`]; when it
//!   is full, the tasks producing them **wait**: they stop reading their
//!   substreams, and yamux flow control pushes back on the peer. The worker
//!   itself never waits on the consumer.
//! - Inbound requests are served at most
//!   [`RequestProtocol::max_concurrent_inbound`] at a time per protocol;
//!   beyond that substreams are refused.
//! - Commands: [`NetworkHandle::request`] waits for room in the command
//!   queue; the other commands fail with [`NetworkError::CommandQueueFull`].
//!
//! ## Metrics
//!
//! [`NetworkHandle::stats`] gives the peer counts and the bytes read and
//! written on every connection (counted on the TCP stream, under WebSocket,
//! noise and yamux). `substrate_sub_libp2p_peers_count` is
//! [`NetworkStats::open_peers`].

mod addr;
mod behaviour;
mod config;
mod counting;
mod discovery;
mod error;
mod events;
mod framing;
mod handle;
mod identity;
mod notifications;
mod policy;
mod protocols;
mod requests;
mod state;
mod substreams;
mod transport;
mod worker;

pub use config::{
    NetworkConfig, NotificationProtocol, RequestProtocol, DEFAULT_AGENT, DEFAULT_PORT,
};
pub use error::{
    NetworkError, NodeKeyError, PeerIdError, RequestFailure, ResponseError, SendError,
};
pub use events::{NetworkEvent, NetworkEvents, Responder};
pub use handle::NetworkHandle;
pub use identity::{generate_node_key, peer_id_from_secret, NodeKey, PeerId};
pub use state::{NetworkStats, PeerInfo};
pub use worker::NetworkWorker;
