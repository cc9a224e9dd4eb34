//! What the swarm reports, and dialing.

use super::NetworkWorker;
use crate::behaviour::BehaviourEvent;
use crate::protocols::Kind;
use crate::substreams::InboundSubstream;
use libp2p::kad::{self, QueryResult};
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::swarm::{DialError, SwarmEvent};
use libp2p::{identify, mdns, Multiaddr, PeerId};

impl NetworkWorker {
    pub(super) fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::Behaviour(event) => self.on_behaviour_event(event),
            SwarmEvent::ConnectionEstablished {
                peer_id,
                endpoint,
                num_established,
                ..
            } if num_established.get() == 1 => {
                self.on_connected(peer_id, &endpoint);
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                num_established: 0,
                ..
            } => self.on_disconnected(peer_id),
            SwarmEvent::OutgoingConnectionError {
                peer_id: Some(peer),
                error,
                ..
            } => {
                let pending = matches!(error, DialError::DialPeerConditionFalse(_));
                if !pending && !self.swarm.is_connected(&peer) {
                    tracing::debug!(%peer, %error, "dial failed");
                    self.redialer.failed(&peer, std::time::Instant::now());
                }
            }
            SwarmEvent::NewListenAddr { address, .. } => {
                tracing::info!(%address, "listening");
                self.shared
                    .listen_addresses
                    .write()
                    .push(address.to_string());
            }
            SwarmEvent::ExpiredListenAddr { address, .. } => {
                let address = address.to_string();
                self.shared
                    .listen_addresses
                    .write()
                    .retain(|a| *a != address);
            }
            SwarmEvent::ExternalAddrConfirmed { .. } | SwarmEvent::ExternalAddrExpired { .. } => {
                self.publish_external();
            }
            _ => {}
        }
    }

    fn on_behaviour_event(&mut self, event: BehaviourEvent) {
        match event {
            BehaviourEvent::Substreams(InboundSubstream {
                peer,
                protocol,
                stream,
            }) => match self.shared.protocols.by_wire(&protocol) {
                Some(Kind::Notification(index)) => {
                    self.route_notification_stream(peer, index, stream)
                }
                Some(Kind::Request(index)) => self.serve_request(peer, index, stream),
                None => {}
            },
            BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. }) => {
                self.on_identify(peer_id, info);
            }
            BehaviourEvent::Kad(event) => self.on_kad(event),
            BehaviourEvent::Mdns(mdns::Event::Discovered(found)) => {
                for (peer, addr) in found {
                    self.swarm
                        .behaviour_mut()
                        .kad
                        .add_address(&peer, addr.clone());
                    self.dial(peer, vec![addr]);
                }
            }
            _ => {}
        }
    }

    /// Records the peer's agent; a peer on our Kademlia protocol (our
    /// chain) is added to the routing table at its listen addresses.
    fn on_identify(&mut self, peer: PeerId, info: identify::Info) {
        if let Some(entry) = self.peers.get_mut(&peer) {
            entry.agent = Some(info.agent_version.clone());
        }
        if info.protocols.contains(&self.shared.protocols.kad) {
            for addr in info.listen_addrs {
                self.swarm.behaviour_mut().kad.add_address(&peer, addr);
            }
        }
        self.publish_peers();
    }

    fn on_kad(&mut self, event: kad::Event) {
        match event {
            kad::Event::RoutingUpdated {
                peer, addresses, ..
            } => {
                self.dial(peer, addresses.into_vec());
            }
            kad::Event::OutboundQueryProgressed {
                result: QueryResult::GetClosestPeers(Ok(found)),
                ..
            } => {
                for info in found.peers {
                    self.dial(info.peer_id, info.addrs);
                }
            }
            _ => {}
        }
    }

    /// Dials a peer unless it is us, connected, refused by the policy, or
    /// (when not reserved) no outbound slot is free. Whether a dial is
    /// under way afterwards.
    pub(super) fn dial(&mut self, peer: PeerId, addrs: Vec<Multiaddr>) -> bool {
        if peer == *self.swarm.local_peer_id() || self.swarm.is_connected(&peer) {
            return false;
        }
        let policy = &self.swarm.behaviour().policy;
        if !policy.may_dial(&peer) || (!policy.is_reserved(&peer) && !policy.has_outbound_slot()) {
            return false;
        }
        let opts = DialOpts::peer_id(peer)
            .addresses(addrs)
            .condition(PeerCondition::DisconnectedAndNotDialing)
            .build();
        match self.swarm.dial(opts) {
            Ok(()) | Err(DialError::DialPeerConditionFalse(_)) => true,
            Err(error) => {
                tracing::debug!(%peer, %error, "cannot dial");
                false
            }
        }
    }

    /// Publishes the configured and the confirmed external addresses.
    pub(super) fn publish_external(&self) {
        let mut addrs: Vec<String> = self
            .public_addresses
            .iter()
            .map(ToString::to_string)
            .collect();
        for addr in self.swarm.external_addresses().map(ToString::to_string) {
            if !addrs.contains(&addr) {
                addrs.push(addr);
            }
        }
        *self.shared.external_addresses.write() = addrs;
    }
}
