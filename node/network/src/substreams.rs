//! A behaviour that negotiates substreams for named protocols and hands
//! them over whole: inbound ones as events, outbound ones through the
//! `oneshot` given when asking for them. What runs on a substream
//! (handshakes, frames, limits) is not its business.

mod handler;

use futures::channel::oneshot;
use handler::Handler;
use libp2p::core::transport::PortUse;
use libp2p::core::{Endpoint, InboundUpgrade, Multiaddr, OutboundUpgrade, UpgradeInfo};
use libp2p::swarm::{
    ConnectionDenied, ConnectionId, FromSwarm, NetworkBehaviour, NotifyHandler, THandler,
    THandlerInEvent, THandlerOutEvent, ToSwarm,
};
use libp2p::{PeerId, Stream, StreamProtocol};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::future::{ready, Ready};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// The longest protocol negotiation of one substream.
const NEGOTIATION_TIMEOUT: Duration = Duration::from_secs(10);
/// Outbound substreams one connection negotiates or queues at once.
const MAX_PENDING_OPENS: usize = 64;

/// Why an outbound substream did not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum OpenError {
    /// The peer does not speak the protocol.
    #[error("unsupported protocol")]
    Unsupported,
    /// The negotiation timed out.
    #[error("timeout")]
    Timeout,
    /// The connection failed or closed first.
    #[error("connection closed")]
    ConnectionClosed,
    /// The peer is not connected.
    #[error("not connected")]
    NotConnected,
    /// Too many substreams are being opened on the connection.
    #[error("too many pending substreams")]
    TooManyPending,
}

/// The answer to one request for an outbound substream.
pub(crate) type OpenReply = oneshot::Sender<Result<Stream, OpenError>>;

/// A request to a connection for an outbound substream.
pub(crate) struct OpenRequest {
    protocol: StreamProtocol,
    reply: OpenReply,
}

impl fmt::Debug for OpenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OpenRequest({})", self.protocol)
    }
}

/// A substream a peer opened.
#[derive(Debug)]
pub(crate) struct InboundSubstream {
    pub(crate) peer: PeerId,
    pub(crate) protocol: StreamProtocol,
    pub(crate) stream: Stream,
}

/// Negotiates substreams for a fixed set of protocols.
pub(crate) struct Substreams {
    protocols: Arc<[StreamProtocol]>,
    pending: VecDeque<ToSwarm<InboundSubstream, OpenRequest>>,
}

impl Substreams {
    /// Accepts inbound substreams for these protocols.
    pub(crate) fn new(protocols: Vec<StreamProtocol>) -> Self {
        Self {
            protocols: protocols.into(),
            pending: VecDeque::new(),
        }
    }

    /// Opens a substream to a connected peer. The receiver is cancelled if
    /// the peer is not connected or the connection closes first.
    pub(crate) fn open(
        &mut self,
        peer: PeerId,
        protocol: StreamProtocol,
    ) -> oneshot::Receiver<Result<Stream, OpenError>> {
        let (reply, receiver) = oneshot::channel();
        self.open_with(peer, protocol, reply);
        receiver
    }

    /// Like [`Substreams::open`], answering through `reply`.
    pub(crate) fn open_with(&mut self, peer: PeerId, protocol: StreamProtocol, reply: OpenReply) {
        self.pending.push_back(ToSwarm::NotifyHandler {
            peer_id: peer,
            handler: NotifyHandler::Any,
            event: OpenRequest { protocol, reply },
        });
    }

    fn handler(&self) -> Handler {
        Handler::new(self.protocols.clone())
    }
}

impl NetworkBehaviour for Substreams {
    type ConnectionHandler = Handler;
    type ToSwarm = InboundSubstream;

    fn handle_established_inbound_connection(
        &mut self,
        _: ConnectionId,
        _: PeerId,
        _: &Multiaddr,
        _: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(self.handler())
    }

    fn handle_established_outbound_connection(
        &mut self,
        _: ConnectionId,
        _: PeerId,
        _: &Multiaddr,
        _: Endpoint,
        _: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(self.handler())
    }

    fn on_swarm_event(&mut self, _: FromSwarm) {}

    fn on_connection_handler_event(
        &mut self,
        peer: PeerId,
        _: ConnectionId,
        (stream, protocol): THandlerOutEvent<Self>,
    ) {
        self.pending
            .push_back(ToSwarm::GenerateEvent(InboundSubstream {
                peer,
                protocol,
                stream,
            }));
    }

    fn poll(&mut self, _: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
        match self.pending.pop_front() {
            Some(event) => Poll::Ready(event),
            None => Poll::Pending,
        }
    }
}

/// Negotiates one of a list of protocols and yields the bare substream.
#[derive(Debug, Clone)]
pub(crate) struct Upgrade(Arc<[StreamProtocol]>);

impl UpgradeInfo for Upgrade {
    type Info = StreamProtocol;
    type InfoIter = std::vec::IntoIter<StreamProtocol>;

    fn protocol_info(&self) -> Self::InfoIter {
        Vec::from(&*self.0).into_iter()
    }
}

impl InboundUpgrade<Stream> for Upgrade {
    type Output = (Stream, StreamProtocol);
    type Error = Infallible;
    type Future = Ready<Result<Self::Output, Infallible>>;

    fn upgrade_inbound(self, stream: Stream, protocol: StreamProtocol) -> Self::Future {
        ready(Ok((stream, protocol)))
    }
}

impl OutboundUpgrade<Stream> for Upgrade {
    type Output = (Stream, StreamProtocol);
    type Error = Infallible;
    type Future = Ready<Result<Self::Output, Infallible>>;

    fn upgrade_outbound(self, stream: Stream, protocol: StreamProtocol) -> Self::Future {
        ready(Ok((stream, protocol)))
    }
}
