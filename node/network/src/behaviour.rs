//! The libp2p behaviours the swarm runs, in the order they are asked
//! whether a connection is admitted: the policy first.

use crate::policy::Policy;
use crate::protocols::Protocols;
use crate::substreams::Substreams;
use libp2p::identity::Keypair;
use libp2p::kad::store::MemoryStore;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::swarm::NetworkBehaviour;
use libp2p::{connection_limits, identify, kad, mdns, ping};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// Substrate's identify protocol version.
const IDENTIFY_PROTOCOL: &str = "/substrate/1.0";
/// Connections being set up at once, per direction.
const MAX_PENDING: u32 = 64;

/// Everything the swarm runs.
#[derive(NetworkBehaviour)]
pub(crate) struct Behaviour {
    pub(crate) policy: Policy,
    pub(crate) limits: connection_limits::Behaviour,
    pub(crate) substreams: Substreams,
    pub(crate) identify: identify::Behaviour,
    pub(crate) ping: ping::Behaviour,
    pub(crate) kad: kad::Behaviour<MemoryStore>,
    pub(crate) mdns: Toggle<mdns::tokio::Behaviour>,
}

/// What the behaviours are built from.
pub(crate) struct Settings<'a> {
    pub(crate) keypair: &'a Keypair,
    pub(crate) protocols: &'a Protocols,
    pub(crate) agent_version: String,
    pub(crate) reserved_only: bool,
    pub(crate) in_peers: u32,
    pub(crate) out_peers: u32,
    pub(crate) enable_mdns: bool,
    pub(crate) refused: Arc<AtomicU64>,
}

impl Behaviour {
    pub(crate) fn new(settings: Settings<'_>) -> std::io::Result<Self> {
        let peer_id = settings.keypair.public().to_peer_id();
        let limits = connection_limits::ConnectionLimits::default()
            .with_max_pending_incoming(Some(MAX_PENDING))
            .with_max_pending_outgoing(Some(MAX_PENDING))
            .with_max_established_per_peer(Some(1));
        let identify =
            identify::Config::new(IDENTIFY_PROTOCOL.to_string(), settings.keypair.public())
                .with_agent_version(settings.agent_version);
        let mut kad = kad::Behaviour::with_config(
            peer_id,
            MemoryStore::new(peer_id),
            kad::Config::new(settings.protocols.kad.clone()),
        );
        kad.set_mode(Some(kad::Mode::Server));
        let mdns = match settings.enable_mdns {
            true => Some(mdns::tokio::Behaviour::new(
                mdns::Config::default(),
                peer_id,
            )?),
            false => None,
        };
        Ok(Self {
            policy: Policy::new(
                settings.reserved_only,
                settings.in_peers as usize,
                settings.out_peers as usize,
                settings.refused,
            ),
            limits: connection_limits::Behaviour::new(limits),
            substreams: Substreams::new(settings.protocols.inbound()),
            identify: identify::Behaviour::new(identify),
            ping: ping::Behaviour::default(),
            kad,
            mdns: mdns.into(),
        })
    }
}
