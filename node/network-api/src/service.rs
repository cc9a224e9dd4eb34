//! What the node's parts ask of the network, and what it tells them.
//!
//! Requests are matched to answers by a [`RequestId`] the caller picks:
//! the answer comes back as [`NetworkEvent::ResponseReceived`] or
//! [`NetworkEvent::RequestFailed`] with the same id, exactly once.

use crate::{
    BlockAnnounce, BlockRequest, PeerId, ProtocolName, ProtocolNames, ReputationChange, Status,
};
use codec::Encode;

/// The caller's id of an outgoing request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub u64);

/// The network's id of an incoming request, to answer it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReplyId(pub u64);

/// Why an outgoing request got no response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RequestFailure {
    /// No answer in time.
    #[error("the request timed out")]
    Timeout,
    /// The peer refused to answer.
    #[error("the peer refused the request")]
    Refused,
    /// The connection closed first.
    #[error("the connection closed")]
    ConnectionClosed,
    /// The answer was larger than the protocol allows.
    #[error("the response exceeds the protocol's size limit")]
    TooLarge,
    /// The peer does not speak the protocol.
    #[error("the peer does not support the protocol")]
    UnsupportedProtocol,
}

/// A connected peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerInfo {
    /// Its id.
    pub peer: PeerId,
    /// Its latest status (handshake, then announcements).
    pub status: Status,
}

/// What happened on the network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetworkEvent {
    /// A peer of our chain opened the block-announces substream.
    PeerConnected {
        /// The peer.
        peer: PeerId,
        /// Its handshake.
        status: Status,
    },
    /// A peer left.
    PeerDisconnected {
        /// The peer.
        peer: PeerId,
    },
    /// A notification arrived.
    NotificationReceived {
        /// The sender.
        peer: PeerId,
        /// Its protocol.
        protocol: ProtocolName,
        /// The undecoded bytes.
        message: Vec<u8>,
    },
    /// A peer asks something; answer with [`NetworkService::send_response`].
    RequestReceived {
        /// The asker.
        peer: PeerId,
        /// The protocol.
        protocol: ProtocolName,
        /// The undecoded request.
        request: Vec<u8>,
        /// Where the answer goes.
        reply: ReplyId,
    },
    /// The answer to one of our requests.
    ResponseReceived {
        /// The peer asked.
        peer: PeerId,
        /// Our id of the request.
        id: RequestId,
        /// The undecoded response.
        response: Vec<u8>,
    },
    /// One of our requests got no answer.
    RequestFailed {
        /// The peer asked.
        peer: PeerId,
        /// Our id of the request.
        id: RequestId,
        /// Why.
        failure: RequestFailure,
    },
}

/// The network as the node's parts use it. Implementations queue and
/// return at once; outcomes arrive as [`NetworkEvent`]s.
pub trait NetworkService: Send + Sync {
    /// This chain's protocol names.
    fn protocols(&self) -> &ProtocolNames;
    /// Sends a notification to a connected peer.
    fn send_notification(&self, peer: &PeerId, protocol: &ProtocolName, message: Vec<u8>);
    /// Sends a request; its outcome comes back with `id`.
    fn send_request(&self, peer: &PeerId, protocol: &ProtocolName, id: RequestId, request: Vec<u8>);
    /// Answers an incoming request.
    fn send_response(&self, reply: ReplyId, response: Vec<u8>);
    /// Changes a peer's reputation (which may ban it).
    fn report_peer(&self, peer: &PeerId, change: ReputationChange);
    /// Closes the connection to a peer.
    fn disconnect_peer(&self, peer: &PeerId);
    /// The connected peers, sorted by id.
    fn peers(&self) -> Vec<PeerInfo>;

    /// Sends a block request on the sync protocol.
    fn request_blocks(&self, peer: &PeerId, id: RequestId, request: &BlockRequest) {
        let protocol = self.protocols().sync.clone();
        self.send_request(peer, &protocol, id, request.encode());
    }

    /// Sends a block announcement to a peer.
    fn announce_block(&self, peer: &PeerId, announce: &BlockAnnounce) {
        let protocol = self.protocols().block_announces.clone();
        self.send_notification(peer, &protocol, announce.encode());
    }
}

/// A network with no peers: sends go nowhere (tests, `--no-network`).
#[derive(Clone, Debug)]
pub struct NoNetwork {
    protocols: ProtocolNames,
}

impl NoNetwork {
    /// A network without peers for the chain of this genesis.
    pub fn new(genesis: &entroos_primitives::H256) -> Self {
        NoNetwork {
            protocols: ProtocolNames::new(genesis, None),
        }
    }
}

impl NetworkService for NoNetwork {
    fn protocols(&self) -> &ProtocolNames {
        &self.protocols
    }
    fn send_notification(&self, _: &PeerId, _: &ProtocolName, _: Vec<u8>) {}
    fn send_request(&self, _: &PeerId, _: &ProtocolName, _: RequestId, _: Vec<u8>) {}
    fn send_response(&self, _: ReplyId, _: Vec<u8>) {}
    fn report_peer(&self, _: &PeerId, _: ReputationChange) {}
    fn disconnect_peer(&self, _: &PeerId) {}
    fn peers(&self) -> Vec<PeerInfo> {
        Vec::new()
    }
}
