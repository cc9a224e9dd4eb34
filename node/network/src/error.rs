//! Errors, grouped by what the caller should do with them.

use thiserror::Error;

/// A node key that cannot be used (fix the configuration).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NodeKeyError {
    /// The key is not hex.
    #[error("the node key is not hex")]
    InvalidHex,
    /// The key is not 32 bytes long.
    #[error("the node key has {0} bytes, expected 32")]
    InvalidLength(usize),
}

/// A string or byte string that is not a peer id.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PeerIdError {
    /// Not a multihash of a public key.
    #[error("not a peer id")]
    Invalid,
}

/// Starting the network failed, or a command could not be given to it.
#[derive(Debug, Error)]
pub enum NetworkError {
    /// A multiaddr that does not parse (fix the configuration).
    #[error("invalid multiaddr {addr:?}: {reason}")]
    InvalidMultiaddr {
        /// The address as given.
        addr: String,
        /// Why it does not parse.
        reason: String,
    },
    /// A peer address without its `/p2p/<peer id>` suffix (fix the configuration).
    #[error("the address {0:?} has no /p2p/<peer id> suffix")]
    MissingPeerId(String),
    /// A protocol name that is empty, repeated, or not a valid protocol name.
    #[error("invalid protocol name {0:?}")]
    InvalidProtocolName(String),
    /// The transport could not be set up (noise keys, sockets).
    #[error("transport: {0}")]
    Transport(String),
    /// Listening on an address failed (port in use, unsupported address).
    #[error("cannot listen on {addr}: {reason}")]
    Listen {
        /// The address.
        addr: String,
        /// Why listening failed.
        reason: String,
    },
    /// mDNS could not start.
    #[error("mdns: {0}")]
    Mdns(#[from] std::io::Error),
    /// The command queue is full: retry later.
    #[error("the network's command queue is full")]
    CommandQueueFull,
    /// The network worker has stopped.
    #[error("the network worker has stopped")]
    WorkerGone,
}

/// A notification that was not sent. It is dropped: the caller decides
/// whether to retry.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SendError {
    /// No notification protocol has this name.
    #[error("unknown notification protocol {0:?}")]
    UnknownProtocol(String),
    /// The protocol is not open with this peer.
    #[error("the protocol is not open with the peer")]
    NotConnected,
    /// The message is larger than the protocol allows.
    #[error("message of {size} bytes, the protocol allows {max}")]
    TooLarge {
        /// The message's size.
        size: usize,
        /// The protocol's limit.
        max: usize,
    },
    /// The peer's queue for this protocol is full (the peer reads too slowly).
    #[error("the peer's send queue is full")]
    QueueFull,
}

/// A request that got no response.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RequestFailure {
    /// No request-response protocol has this name.
    #[error("unknown request protocol {0:?}")]
    UnknownProtocol(String),
    /// No connection to the peer.
    #[error("not connected to the peer")]
    NotConnected,
    /// The request is larger than the protocol allows.
    #[error("request of {size} bytes, the protocol allows {max}")]
    TooLarge {
        /// The request's size.
        size: usize,
        /// The protocol's limit.
        max: usize,
    },
    /// The peer does not speak the protocol (or is on another chain).
    #[error("the peer does not support the protocol")]
    UnsupportedProtocol,
    /// The peer closed the substream without a response.
    #[error("the peer refused the request")]
    Refused,
    /// The response was larger than the protocol allows.
    #[error("the response exceeds the protocol's limit")]
    ResponseTooLarge,
    /// No response within the protocol's timeout.
    #[error("the request timed out")]
    Timeout,
    /// The connection failed while the request was under way.
    #[error("the connection closed")]
    ConnectionClosed,
    /// The network worker has stopped.
    #[error("the network worker has stopped")]
    WorkerGone,
}

/// A response that could not be handed over.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ResponseError {
    /// The response is larger than the protocol allows; nothing is sent.
    #[error("response of {size} bytes, the protocol allows {max}")]
    TooLarge {
        /// The response's size.
        size: usize,
        /// The protocol's limit.
        max: usize,
    },
    /// The requester is gone (timeout, disconnection).
    #[error("the request is no longer waiting")]
    RequestGone,
}
