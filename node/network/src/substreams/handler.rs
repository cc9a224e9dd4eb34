//! The per-connection half of [`Substreams`](super::Substreams).

use super::{OpenError, OpenReply, OpenRequest, Upgrade, MAX_PENDING_OPENS, NEGOTIATION_TIMEOUT};
use libp2p::swarm::handler::{
    ConnectionEvent, DialUpgradeError, FullyNegotiatedInbound, FullyNegotiatedOutbound,
};
use libp2p::swarm::{
    ConnectionHandler, ConnectionHandlerEvent, StreamUpgradeError, SubstreamProtocol,
};
use libp2p::{Stream, StreamProtocol};
use std::collections::VecDeque;
use std::sync::Arc;
use std::task::{Context, Poll};

/// Opens requested substreams and reports the peer's.
pub(crate) struct Handler {
    protocols: Arc<[StreamProtocol]>,
    queued: VecDeque<OpenRequest>,
    negotiating: usize,
    inbound: VecDeque<(Stream, StreamProtocol)>,
}

impl Handler {
    pub(super) fn new(protocols: Arc<[StreamProtocol]>) -> Self {
        Self {
            protocols,
            queued: VecDeque::new(),
            negotiating: 0,
            inbound: VecDeque::new(),
        }
    }

    fn on_dial_error(
        &mut self,
        reply: OpenReply,
        error: StreamUpgradeError<std::convert::Infallible>,
    ) {
        self.negotiating = self.negotiating.saturating_sub(1);
        let error = match error {
            StreamUpgradeError::Timeout => OpenError::Timeout,
            StreamUpgradeError::NegotiationFailed => OpenError::Unsupported,
            StreamUpgradeError::Io(_) => OpenError::ConnectionClosed,
            StreamUpgradeError::Apply(never) => match never {},
        };
        let _ = reply.send(Err(error));
    }
}

impl ConnectionHandler for Handler {
    type FromBehaviour = OpenRequest;
    type ToBehaviour = (Stream, StreamProtocol);
    type InboundProtocol = Upgrade;
    type OutboundProtocol = Upgrade;
    type InboundOpenInfo = ();
    type OutboundOpenInfo = OpenReply;

    fn listen_protocol(&self) -> SubstreamProtocol<Upgrade, ()> {
        SubstreamProtocol::new(Upgrade(self.protocols.clone()), ())
            .with_timeout(NEGOTIATION_TIMEOUT)
    }

    fn connection_keep_alive(&self) -> bool {
        self.negotiating > 0 || !self.queued.is_empty()
    }

    fn poll(
        &mut self,
        _: &mut Context<'_>,
    ) -> Poll<ConnectionHandlerEvent<Upgrade, OpenReply, Self::ToBehaviour>> {
        if let Some(inbound) = self.inbound.pop_front() {
            return Poll::Ready(ConnectionHandlerEvent::NotifyBehaviour(inbound));
        }
        if let Some(OpenRequest { protocol, reply }) = self.queued.pop_front() {
            self.negotiating += 1;
            let upgrade = Upgrade(Arc::from([protocol]));
            return Poll::Ready(ConnectionHandlerEvent::OutboundSubstreamRequest {
                protocol: SubstreamProtocol::new(upgrade, reply).with_timeout(NEGOTIATION_TIMEOUT),
            });
        }
        Poll::Pending
    }

    fn on_behaviour_event(&mut self, request: OpenRequest) {
        if self.queued.len() + self.negotiating >= MAX_PENDING_OPENS {
            let _ = request.reply.send(Err(OpenError::TooManyPending));
            return;
        }
        self.queued.push_back(request);
    }

    fn on_connection_event(&mut self, event: ConnectionEvent<Upgrade, Upgrade, (), OpenReply>) {
        match event {
            ConnectionEvent::FullyNegotiatedInbound(FullyNegotiatedInbound {
                protocol, ..
            }) => {
                self.inbound.push_back(protocol);
            }
            ConnectionEvent::FullyNegotiatedOutbound(FullyNegotiatedOutbound {
                protocol: (stream, _),
                info: reply,
            }) => {
                self.negotiating = self.negotiating.saturating_sub(1);
                let _ = reply.send(Ok(stream));
            }
            ConnectionEvent::DialUpgradeError(DialUpgradeError { info, error }) => {
                self.on_dial_error(info, error);
            }
            _ => {}
        }
    }
}
