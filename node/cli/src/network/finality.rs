//! The driver's side of `finality/1`: it keeps the peers with the
//! protocol open, hands their messages to the finality task undecoded (the
//! task decodes them within its bounds and blames bad ones), and sends
//! what the task asks, to every such peer but the one a relayed vote came
//! from. A justification the task wants goes to the sync machine, which
//! asks a peer for it.

use super::config::FINALITY;
use super::driver::Driver;
use crate::finality::{FromFinality, ToFinality};
use entroos_network::PeerId;
use entroos_sync::Input;

impl Driver {
    /// A peer opened the finality protocol.
    pub(super) fn on_finality_opened(&mut self, peer: PeerId) {
        self.finality_peers.insert(peer);
    }

    /// A peer closed it.
    pub(super) fn on_finality_closed(&mut self, peer: &PeerId) {
        self.finality_peers.remove(peer);
    }

    /// A peer's finality message goes to the task.
    pub(super) fn on_finality_message(&mut self, peer: PeerId, bytes: Vec<u8>) {
        if self.finality_peers.contains(&peer) {
            self.finality.send(ToFinality::Message { peer, bytes });
        }
    }

    /// Performs what the finality task asks.
    pub(super) fn on_finality_out(&mut self, out: FromFinality) {
        match out {
            FromFinality::Send { bytes, except } => {
                for peer in &self.finality_peers {
                    if Some(*peer) == except {
                        continue;
                    }
                    if let Err(e) = self.handle.send_notification(peer, FINALITY, bytes.clone()) {
                        tracing::debug!(target: "finality", "to {peer}: {e}");
                    }
                }
            }
            FromFinality::Report(peer, change) => self.report(&peer, change),
            FromFinality::WantJustification(block) => self.apply(Input::WantJustification {
                number: block.number,
                hash: block.hash,
            }),
        }
    }
}
