//! The driver's side of transaction gossip (`transactions/1`): each
//! transaction the pool says became ready goes to the peers not known to
//! have it (all ready ones when the pool's listener missed some), a peer
//! that opens the protocol gets the ready set, and received transactions
//! are submitted to the pool off the task, at most [`TX_VALIDATIONS`]
//! messages at once (more are dropped). A transaction the pool refuses as
//! malformed or invalid costs its sender [`BAD_TRANSACTION`].

use super::config::TRANSACTIONS;
use super::driver::{Driver, Internal};
use codec::{Decode, Encode};
use entroos_network::PeerId;
use entroos_network_api::{ReputationChange, Transactions};
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::{OpaqueExtrinsic, H256};
use entroos_txpool::graph::Tx;
use entroos_txpool::PoolError;
use std::sync::Arc;

/// Received transaction messages validated at once; more are dropped.
pub const TX_VALIDATIONS: usize = 4;

/// What a received transaction that the pool refuses as malformed or
/// invalid costs its sender.
pub const BAD_TRANSACTION: ReputationChange =
    ReputationChange::new(-(1 << 12), entroos_network_api::Reason::BadMessage);

impl Driver {
    /// Gossips the transactions that became ready (all ready ones if some
    /// notifications were missed).
    pub(super) fn on_ready(&mut self, hashes: &[H256], missed: bool) {
        if self.gossip.is_empty() {
            return;
        }
        let txs = match missed {
            true => self.pool.ready_unordered(),
            false => self.pool.ready_of(hashes),
        };
        let bodies = bodies_of(&txs);
        for (peer, message) in self.gossip.outgoing(&bodies) {
            self.send_transactions(&peer, message);
        }
    }

    /// A peer opened the transactions protocol: it gets the ready set.
    pub(super) fn on_transactions_opened(&mut self, peer: PeerId) {
        self.gossip.add_peer(peer);
        let bodies = bodies_of(&self.pool.ready_unordered());
        for message in self.gossip.outgoing_to(&peer, &bodies) {
            self.send_transactions(&peer, message);
        }
    }

    fn send_transactions(&self, peer: &PeerId, txs: Vec<&[u8]>) {
        let message = Transactions(txs.into_iter().map(<[u8]>::to_vec).collect());
        if let Err(e) = self
            .handle
            .send_notification(peer, TRANSACTIONS, message.encode())
        {
            tracing::debug!(target: "sync", "transactions to {peer}: {e}");
        }
    }

    /// Submits a peer's transactions to the pool.
    pub(super) fn on_transactions(&mut self, peer: PeerId, bytes: &[u8]) {
        let message = match Transactions::decode_bounded(bytes) {
            Ok(message) => message,
            Err(e) => {
                tracing::debug!(target: "sync", "{peer}: bad transactions: {e}");
                self.report(&peer, ReputationChange::BAD_MESSAGE);
                return;
            }
        };
        let txs: Vec<(H256, Vec<u8>)> = message
            .0
            .into_iter()
            .map(|body| {
                let wire = wire_of(body);
                (H256(blake2_256(&wire)), wire)
            })
            .collect();
        for (hash, _) in &txs {
            self.gossip.note_known(&peer, *hash);
        }
        let Ok(permit) = self.tx_validations.clone().try_acquire_owned() else {
            tracing::debug!(target: "sync", "{peer}: transactions dropped, validation busy");
            return;
        };
        let (pool, internal) = (self.pool.clone(), self.internal.clone());
        tokio::task::spawn_blocking(move || {
            let bad = txs
                .into_iter()
                .filter(|(_, wire)| is_bad(&pool.submit(wire.clone())))
                .count();
            drop(permit);
            if bad > 0 {
                let _ = internal.blocking_send(Internal::Report(peer, BAD_TRANSACTION));
            }
        });
    }
}

fn is_bad<T>(result: &Result<T, PoolError>) -> bool {
    matches!(
        result,
        Err(PoolError::BadFormat(_) | PoolError::Verification(_) | PoolError::Invalid(_))
    )
}

/// The hashes and bodies of pool transactions, for gossip.
fn bodies_of(txs: &[Arc<Tx>]) -> Vec<(H256, Vec<u8>)> {
    txs.iter()
        .filter_map(|tx| Some((tx.hash, body_of(&tx.data)?)))
        .collect()
}

/// An extrinsic's body: its wire form without the length prefix (the
/// transactions message prefixes each one itself).
fn body_of(wire: &[u8]) -> Option<Vec<u8>> {
    OpaqueExtrinsic::decode(&mut &wire[..]).ok().map(|xt| xt.0)
}

/// The wire form of a received extrinsic body, as the pool takes it.
fn wire_of(body: Vec<u8>) -> Vec<u8> {
    OpaqueExtrinsic(body).encode()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_and_its_wire_form_convert_both_ways() {
        let wire = OpaqueExtrinsic(vec![4, 5, 6]).encode();
        let body = body_of(&wire).unwrap();
        assert_eq!(body, [4, 5, 6]);
        assert_eq!(wire_of(body), wire);
        assert!(body_of(&[0xff]).is_none());
    }
}
