//! What peers send: handshakes, announcements, block requests,
//! transactions (handled in [`super::transactions`]) and finality messages
//! (passed on in [`super::finality`]). Every message is
//! decoded with its bounds; bytes that do not decode cost the sender
//! [`ReputationChange::BAD_MESSAGE`], a peer of another chain is banned at
//! once.

use super::config::{BLOCK_ANNOUNCES, FINALITY, SYNC, TRANSACTIONS};
use super::driver::Driver;
use super::to_api;
use codec::Encode;
use entroos_network::{NetworkEvent, PeerId, Responder};
use entroos_network_api::{BlockAnnounce, BlockRequest, ReputationChange, Status};
use entroos_sync::{serve, Input, ServeLimits};

impl Driver {
    /// Handles one network event.
    pub(super) fn on_event(&mut self, event: NetworkEvent) {
        match event {
            NetworkEvent::Connected {
                peer,
                protocol,
                handshake,
            } => match &*protocol {
                BLOCK_ANNOUNCES => self.on_status(peer, &handshake),
                TRANSACTIONS => self.on_transactions_opened(peer),
                FINALITY => self.on_finality_opened(peer),
                _ => {}
            },
            NetworkEvent::Disconnected { peer, protocol } => match &*protocol {
                BLOCK_ANNOUNCES => self.on_gone(peer),
                TRANSACTIONS => self.gossip.remove_peer(&peer),
                FINALITY => self.on_finality_closed(&peer),
                _ => {}
            },
            NetworkEvent::Notification {
                peer,
                protocol,
                bytes,
            } => match &*protocol {
                BLOCK_ANNOUNCES => self.on_announce(peer, &bytes),
                TRANSACTIONS => self.on_transactions(peer, &bytes),
                FINALITY => self.on_finality_message(peer, bytes),
                _ => {}
            },
            NetworkEvent::Request {
                peer,
                protocol,
                bytes,
                respond,
            } => {
                if &*protocol == SYNC {
                    self.on_block_request(peer, &bytes, respond);
                }
            }
        }
    }

    fn on_status(&mut self, peer: PeerId, handshake: &[u8]) {
        let status = match Status::decode_bounded(handshake) {
            Ok(status) => status,
            Err(e) => {
                tracing::debug!(target: "sync", "{peer}: bad handshake: {e}");
                self.report(&peer, ReputationChange::BAD_MESSAGE);
                let _ = self.handle.disconnect(&peer);
                return;
            }
        };
        if let Err(e) = status.check_genesis(&self.client.heads().genesis) {
            tracing::info!(target: "sync", "{peer}: {e}");
            self.report(&peer, ReputationChange::GENESIS_MISMATCH);
            let _ = self.handle.disconnect(&peer);
            return;
        }
        let Some(api_peer) = to_api(&peer) else {
            return;
        };
        tracing::debug!(target: "sync", "{peer} connected at #{} ({})", status.best_number, status.best_hash);
        self.announce_peers.insert(peer);
        self.status.peer_connected(peer.to_base58(), &status);
        self.apply(Input::PeerConnected {
            peer: api_peer,
            status,
        });
    }

    fn on_gone(&mut self, peer: PeerId) {
        if !self.announce_peers.remove(&peer) {
            return;
        }
        self.status.peer_gone(&peer.to_base58());
        if let Some(peer) = to_api(&peer) {
            self.apply(Input::PeerDisconnected { peer });
        }
    }

    fn on_announce(&mut self, peer: PeerId, bytes: &[u8]) {
        if !self.announce_peers.contains(&peer) {
            return;
        }
        let announce = match BlockAnnounce::decode_bounded(bytes) {
            Ok(announce) => announce,
            Err(e) => {
                tracing::debug!(target: "sync", "{peer}: bad announcement: {e}");
                self.report(&peer, ReputationChange::BAD_MESSAGE);
                return;
            }
        };
        if announce.is_best {
            let (number, hash) = (announce.header.number, announce.header.hash());
            self.status.peer_best(&peer.to_base58(), number, hash);
        }
        if let Some(peer) = to_api(&peer) {
            self.apply(Input::Announce { peer, announce });
        }
    }

    fn on_block_request(&mut self, peer: PeerId, bytes: &[u8], respond: Responder) {
        let request = match BlockRequest::decode_bounded(bytes) {
            Ok(request) => request,
            Err(e) => {
                tracing::debug!(target: "sync", "{peer}: bad block request: {e}");
                self.report(&peer, ReputationChange::BAD_MESSAGE);
                return;
            }
        };
        let (client, status) = (self.client.clone(), self.status.clone());
        tokio::task::spawn_blocking(move || {
            match serve(&request, &*client, ServeLimits::default()) {
                Ok(response) => {
                    status.note_served(response.blocks.len());
                    if let Err(e) = respond.send(response.encode()) {
                        tracing::debug!(target: "sync", "answering {peer}: {e}");
                    }
                }
                Err(e) => tracing::warn!(target: "sync", "answering {peer}: {e}"),
            }
        });
    }
}
