//! Who may connect: bans, reserved peers, reserved-only mode and the
//! inbound and outbound peer slots. Reserved peers take no slot. A refused
//! connection is closed right after the noise handshake, before any
//! substream is opened.

use libp2p::core::transport::PortUse;
use libp2p::core::{Endpoint, Multiaddr};
use libp2p::swarm::behaviour::ConnectionEstablished;
use libp2p::swarm::{
    dummy, ConnectionClosed, ConnectionDenied, ConnectionId, FromSwarm, NetworkBehaviour, THandler,
    THandlerInEvent, THandlerOutEvent, ToSwarm,
};
use libp2p::PeerId;
use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

/// Why a connection was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Refusal {
    /// The peer is banned.
    #[error("the peer is banned")]
    Banned,
    /// Reserved-only mode, and the peer is not reserved.
    #[error("only reserved peers are accepted")]
    NotReserved,
    /// Every slot of the connection's direction is taken.
    #[error("no free peer slot")]
    NoSlot,
}

/// The admission rules, and the connected peers they count.
pub(crate) struct Policy {
    reserved: HashSet<PeerId>,
    reserved_only: bool,
    max_in: usize,
    max_out: usize,
    banned: HashMap<PeerId, Instant>,
    connected: HashMap<PeerId, Endpoint>,
    refused: Arc<AtomicU64>,
}

impl Policy {
    pub(crate) fn new(
        reserved_only: bool,
        max_in: usize,
        max_out: usize,
        refused: Arc<AtomicU64>,
    ) -> Self {
        Self {
            reserved: HashSet::new(),
            reserved_only,
            max_in,
            max_out,
            banned: HashMap::new(),
            connected: HashMap::new(),
            refused,
        }
    }

    pub(crate) fn add_reserved(&mut self, peer: PeerId) {
        self.reserved.insert(peer);
    }

    pub(crate) fn remove_reserved(&mut self, peer: &PeerId) {
        self.reserved.remove(peer);
    }

    pub(crate) fn is_reserved(&self, peer: &PeerId) -> bool {
        self.reserved.contains(peer)
    }

    pub(crate) fn ban(&mut self, peer: PeerId, until: Instant) {
        self.banned.insert(peer, until);
    }

    /// Forgets bans that are over.
    pub(crate) fn expire_bans(&mut self, now: Instant) {
        self.banned.retain(|_, until| *until > now);
    }

    /// Whether a dial to this peer would be refused.
    pub(crate) fn may_dial(&self, peer: &PeerId) -> bool {
        self.check(peer, Endpoint::Dialer).is_ok()
    }

    /// Whether an outbound slot is free (reserved peers need none).
    pub(crate) fn has_outbound_slot(&self) -> bool {
        self.slots_taken(Endpoint::Dialer) < self.max_out
    }

    fn slots_taken(&self, direction: Endpoint) -> usize {
        self.connected
            .iter()
            .filter(|(peer, dir)| **dir == direction && !self.reserved.contains(peer))
            .count()
    }

    fn check(&self, peer: &PeerId, direction: Endpoint) -> Result<(), Refusal> {
        if self
            .banned
            .get(peer)
            .is_some_and(|until| *until > Instant::now())
        {
            return Err(Refusal::Banned);
        }
        if self.reserved.contains(peer) || self.connected.contains_key(peer) {
            return Ok(());
        }
        if self.reserved_only {
            return Err(Refusal::NotReserved);
        }
        let max = match direction {
            Endpoint::Dialer => self.max_out,
            Endpoint::Listener => self.max_in,
        };
        if self.slots_taken(direction) >= max {
            return Err(Refusal::NoSlot);
        }
        Ok(())
    }

    fn admit(
        &self,
        peer: &PeerId,
        direction: Endpoint,
    ) -> Result<dummy::ConnectionHandler, ConnectionDenied> {
        self.check(peer, direction)
            .map(|()| dummy::ConnectionHandler)
            .map_err(|refusal| {
                tracing::debug!(%peer, ?direction, %refusal, "connection refused");
                self.refused.fetch_add(1, Ordering::Relaxed);
                ConnectionDenied::new(refusal)
            })
    }
}

impl NetworkBehaviour for Policy {
    type ConnectionHandler = dummy::ConnectionHandler;
    type ToSwarm = Infallible;

    fn handle_pending_outbound_connection(
        &mut self,
        _: ConnectionId,
        peer: Option<PeerId>,
        _: &[Multiaddr],
        _: Endpoint,
    ) -> Result<Vec<Multiaddr>, ConnectionDenied> {
        match peer {
            Some(peer) => self.admit(&peer, Endpoint::Dialer).map(|_| Vec::new()),
            None => Ok(Vec::new()),
        }
    }

    fn handle_established_inbound_connection(
        &mut self,
        _: ConnectionId,
        peer: PeerId,
        _: &Multiaddr,
        _: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        self.admit(&peer, Endpoint::Listener)
    }

    fn handle_established_outbound_connection(
        &mut self,
        _: ConnectionId,
        peer: PeerId,
        _: &Multiaddr,
        _: Endpoint,
        _: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        self.admit(&peer, Endpoint::Dialer)
    }

    fn on_swarm_event(&mut self, event: FromSwarm) {
        match event {
            FromSwarm::ConnectionEstablished(ConnectionEstablished {
                peer_id, endpoint, ..
            }) => {
                let direction = if endpoint.is_dialer() {
                    Endpoint::Dialer
                } else {
                    Endpoint::Listener
                };
                self.connected.entry(peer_id).or_insert(direction);
            }
            FromSwarm::ConnectionClosed(ConnectionClosed {
                peer_id,
                remaining_established: 0,
                ..
            }) => {
                self.connected.remove(&peer_id);
            }
            _ => {}
        }
    }

    fn on_connection_handler_event(
        &mut self,
        _: PeerId,
        _: ConnectionId,
        event: THandlerOutEvent<Self>,
    ) {
        match event {}
    }

    fn poll(&mut self, _: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
        Poll::Pending
    }
}
