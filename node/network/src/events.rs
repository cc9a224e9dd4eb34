//! What the network tells the node: a bounded stream of [`NetworkEvent`]s.

use crate::error::ResponseError;
use crate::identity::PeerId;
use futures::channel::oneshot;
use futures::Stream;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::mpsc;

/// Something that happened on the network.
#[derive(Debug)]
pub enum NetworkEvent {
    /// A notification protocol opened with a peer; sending to it works from now.
    Connected {
        /// The peer.
        peer: PeerId,
        /// The protocol's name.
        protocol: Arc<str>,
        /// The handshake the peer sent.
        handshake: Vec<u8>,
    },
    /// A notification protocol closed with a peer.
    Disconnected {
        /// The peer.
        peer: PeerId,
        /// The protocol's name.
        protocol: Arc<str>,
    },
    /// A notification from a peer, after its protocol's `Connected`.
    Notification {
        /// The peer.
        peer: PeerId,
        /// The protocol's name.
        protocol: Arc<str>,
        /// The message.
        bytes: Vec<u8>,
    },
    /// A request from a peer, to answer through `respond`.
    Request {
        /// The peer.
        peer: PeerId,
        /// The protocol's name.
        protocol: Arc<str>,
        /// The request.
        bytes: Vec<u8>,
        /// Where the response goes; dropping it refuses the request.
        respond: Responder,
    },
}

/// Answers one inbound request.
pub struct Responder {
    reply: oneshot::Sender<Vec<u8>>,
    max_size: usize,
}

impl Responder {
    pub(crate) fn new(reply: oneshot::Sender<Vec<u8>>, max_size: usize) -> Self {
        Self { reply, max_size }
    }

    /// Sends the response. One larger than the protocol allows is not sent
    /// (the request is then refused).
    pub fn send(self, response: Vec<u8>) -> Result<(), ResponseError> {
        if response.len() > self.max_size {
            return Err(ResponseError::TooLarge {
                size: response.len(),
                max: self.max_size,
            });
        }
        self.reply
            .send(response)
            .map_err(|_| ResponseError::RequestGone)
    }
}

impl fmt::Debug for Responder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Responder(max {} bytes)", self.max_size)
    }
}

/// The network's events. The queue is bounded: while it is full, the
/// substreams that produce events stop reading, and their peers' writes
/// wait in turn (nothing is dropped, memory stays bounded).
pub struct NetworkEvents(mpsc::Receiver<NetworkEvent>);

impl NetworkEvents {
    pub(crate) fn new(receiver: mpsc::Receiver<NetworkEvent>) -> Self {
        Self(receiver)
    }
}

impl Stream for NetworkEvents {
    type Item = NetworkEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<NetworkEvent>> {
        self.0.poll_recv(cx)
    }
}
