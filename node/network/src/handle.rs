//! The node's handle on the network: no libp2p type crosses it.

use crate::addr::parse_peer_addr;
use crate::error::{NetworkError, RequestFailure, SendError};
use crate::identity::PeerId;
use crate::protocols::Kind;
use crate::requests;
use crate::state::{NetworkStats, PeerInfo, Shared};
use crate::substreams::{OpenError, OpenReply};
use futures::channel::oneshot;
use libp2p::Multiaddr;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::{self, error::TrySendError};

/// What the handles ask of the worker.
#[derive(Debug)]
pub(crate) enum Command {
    /// Open a request substream, answered through `reply`.
    OpenRequest {
        peer: PeerId,
        index: usize,
        reply: OpenReply,
    },
    /// Close every connection to the peer.
    Disconnect(PeerId),
    /// Disconnect and refuse the peer for a while.
    Ban(PeerId, Duration),
    /// The peer sent more than a limit allows (a response): ban it as
    /// the worker bans any peer that does.
    Misbehaved(PeerId),
    /// Keep the peer connected, at this address.
    AddReserved(PeerId, Multiaddr),
    /// Stop keeping the peer connected.
    RemoveReserved(PeerId),
}

/// A cheap, cloneable handle on the network worker.
#[derive(Clone)]
pub struct NetworkHandle {
    shared: Arc<Shared>,
    commands: mpsc::Sender<Command>,
}

impl NetworkHandle {
    pub(crate) fn new(shared: Arc<Shared>, commands: mpsc::Sender<Command>) -> Self {
        Self { shared, commands }
    }

    /// This node's peer id.
    pub fn local_peer_id(&self) -> PeerId {
        self.shared.local_peer_id
    }

    /// Queues a notification to a peer. It fails at once, and the message
    /// is dropped, if the protocol is not open with the peer, the message
    /// is too large, or the peer's queue is full.
    pub fn send_notification(
        &self,
        peer: &PeerId,
        protocol: &str,
        bytes: Vec<u8>,
    ) -> Result<(), SendError> {
        let index = self.notification_index(protocol)?;
        let max = self
            .shared
            .protocols
            .notifications
            .get(index)
            .map_or(0, |p| p.config.max_message_size);
        if bytes.len() > max {
            return Err(SendError::TooLarge {
                size: bytes.len(),
                max,
            });
        }
        let outboxes = self.shared.outboxes.read();
        let outbox = outboxes
            .get(&(*peer, index))
            .ok_or(SendError::NotConnected)?;
        outbox.queue.try_send(bytes).map_err(|e| match e {
            TrySendError::Full(_) => SendError::QueueFull,
            TrySendError::Closed(_) => SendError::NotConnected,
        })
    }

    /// Replaces the handshake sent on substreams of a notification protocol
    /// opened from now on.
    pub fn set_notification_handshake(
        &self,
        protocol: &str,
        handshake: Vec<u8>,
    ) -> Result<(), SendError> {
        let index = self.notification_index(protocol)?;
        if let Some(slot) = self.shared.handshakes.write().get_mut(index) {
            *slot = handshake;
        }
        Ok(())
    }

    fn notification_index(&self, protocol: &str) -> Result<usize, SendError> {
        match self.shared.protocols.by_name(protocol) {
            Some(Kind::Notification(index)) => Ok(index),
            _ => Err(SendError::UnknownProtocol(protocol.to_string())),
        }
    }

    /// Sends a request to a connected peer and waits for its response, at
    /// most the protocol's timeout. Dropping the future abandons the request.
    /// A response above the protocol's limit is refused before it is read,
    /// and its sender banned like any peer that breaks a limit. The future
    /// must run on a tokio runtime.
    pub fn request(
        &self,
        peer: &PeerId,
        protocol: &str,
        bytes: Vec<u8>,
    ) -> impl Future<Output = Result<Vec<u8>, RequestFailure>> + Send + 'static {
        let checked = self.check_request(protocol, bytes.len());
        let commands = self.commands.clone();
        let peer = *peer;
        async move {
            let (index, max_response, timeout) = checked?;
            let (reply, opened) = oneshot::channel();
            commands
                .send(Command::OpenRequest { peer, index, reply })
                .await
                .map_err(|_| RequestFailure::WorkerGone)?;
            let exchange = async {
                let stream = opened
                    .await
                    .map_err(|_| RequestFailure::ConnectionClosed)?
                    .map_err(open_failure)?;
                requests::exchange(stream, &bytes, max_response).await
            };
            let outcome = tokio::time::timeout(timeout, exchange)
                .await
                .unwrap_or(Err(RequestFailure::Timeout));
            if outcome == Err(RequestFailure::ResponseTooLarge) {
                let _ = commands.try_send(Command::Misbehaved(peer));
            }
            outcome
        }
    }

    fn check_request(
        &self,
        protocol: &str,
        size: usize,
    ) -> Result<(usize, usize, Duration), RequestFailure> {
        let Some(Kind::Request(index)) = self.shared.protocols.by_name(protocol) else {
            return Err(RequestFailure::UnknownProtocol(protocol.to_string()));
        };
        let config = self
            .shared
            .protocols
            .requests
            .get(index)
            .map(|p| &p.config)
            .ok_or_else(|| RequestFailure::UnknownProtocol(protocol.to_string()))?;
        if size > config.max_request_size {
            return Err(RequestFailure::TooLarge {
                size,
                max: config.max_request_size,
            });
        }
        Ok((index, config.max_response_size, config.timeout))
    }

    /// Closes every connection to the peer (it may come back).
    pub fn disconnect(&self, peer: &PeerId) -> Result<(), NetworkError> {
        self.command(Command::Disconnect(*peer))
    }

    /// Disconnects the peer and refuses it for `duration`.
    pub fn ban(&self, peer: &PeerId, duration: Duration) -> Result<(), NetworkError> {
        self.command(Command::Ban(*peer, duration))
    }

    /// Adds a reserved peer from its address (`…/p2p/<peer id>`) and dials it.
    pub fn add_reserved(&self, addr: &str) -> Result<PeerId, NetworkError> {
        let (peer, addr) = parse_peer_addr(addr)?;
        let peer = PeerId::from_libp2p(peer);
        self.command(Command::AddReserved(peer, addr))?;
        Ok(peer)
    }

    /// Removes a reserved peer (in reserved-only mode, it is disconnected).
    pub fn remove_reserved(&self, peer: &PeerId) -> Result<(), NetworkError> {
        self.command(Command::RemoveReserved(*peer))
    }

    fn command(&self, command: Command) -> Result<(), NetworkError> {
        self.commands.try_send(command).map_err(|e| match e {
            TrySendError::Full(_) => NetworkError::CommandQueueFull,
            TrySendError::Closed(_) => NetworkError::WorkerGone,
        })
    }

    /// The connected peers.
    pub fn peers(&self) -> Vec<PeerInfo> {
        self.shared.peers.read().clone()
    }

    /// Peers with a notification protocol open (`substrate_sub_libp2p_peers_count`).
    pub fn peers_count(&self) -> usize {
        self.shared.stats().open_peers
    }

    /// Counters for metrics.
    pub fn stats(&self) -> NetworkStats {
        self.shared.stats()
    }

    /// The addresses listened on (port 0 resolved).
    pub fn listen_addresses(&self) -> Vec<String> {
        self.shared.listen_addresses.read().clone()
    }

    /// The addresses announced to peers: configured, and confirmed.
    pub fn external_addresses(&self) -> Vec<String> {
        self.shared.external_addresses.read().clone()
    }
}

fn open_failure(error: OpenError) -> RequestFailure {
    match error {
        OpenError::Unsupported => RequestFailure::UnsupportedProtocol,
        OpenError::Timeout => RequestFailure::Timeout,
        OpenError::NotConnected => RequestFailure::NotConnected,
        OpenError::ConnectionClosed | OpenError::TooManyPending => RequestFailure::ConnectionClosed,
    }
}
