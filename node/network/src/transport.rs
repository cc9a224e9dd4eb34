//! The transport: TCP, and WebSocket over TCP (`/ws`), both counted, with
//! `/dns*` names resolved; then noise (authenticated against the dialed
//! `/p2p/<peer id>`) and yamux.

use crate::counting::{ByteCounters, Counted};
use crate::error::NetworkError;
use libp2p::core::muxing::StreamMuxerBox;
use libp2p::core::transport::{Boxed, Transport};
use libp2p::core::upgrade::Version;
use libp2p::identity::Keypair;
use libp2p::{dns, noise, tcp, websocket, yamux, PeerId};
use std::sync::Arc;
use std::time::Duration;

/// The largest WebSocket message accepted. Writers above it are noise
/// frames of at most 64 KiB, so this only bounds a misbehaving peer.
const MAX_WS_MESSAGE: usize = 1024 * 1024;
/// From TCP connect to an authenticated, multiplexed connection.
const UPGRADE_TIMEOUT: Duration = Duration::from_secs(20);

/// An authenticated, multiplexed connection to a peer.
pub(crate) type NodeTransport = Boxed<(PeerId, StreamMuxerBox)>;

/// Builds the transport for the node's key.
pub(crate) fn build(
    keypair: &Keypair,
    counters: Arc<ByteCounters>,
) -> Result<NodeTransport, NetworkError> {
    let counted_tcp = || {
        let counters = counters.clone();
        tcp::tokio::Transport::new(tcp::Config::default().nodelay(true))
            .map(move |stream, _| Counted::new(stream, counters.clone()))
    };
    let base = || {
        let mut ws = websocket::Config::new(counted_tcp());
        ws.set_max_data_size(MAX_WS_MESSAGE);
        ws.or_transport(counted_tcp())
    };
    let resolving = dns::tokio::Transport::system(base()).unwrap_or_else(|error| {
        tracing::warn!(%error, "no system DNS configuration, /dns addresses will not resolve");
        dns::tokio::Transport::custom(
            base(),
            dns::ResolverConfig::default(),
            dns::ResolverOpts::default(),
        )
    });
    let noise = noise::Config::new(keypair).map_err(|e| NetworkError::Transport(e.to_string()))?;
    Ok(resolving
        .upgrade(Version::V1Lazy)
        .authenticate(noise)
        .multiplex(yamux::Config::default())
        .timeout(UPGRADE_TIMEOUT)
        .boxed())
}
