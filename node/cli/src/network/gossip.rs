//! Transaction gossip: each transaction that becomes ready is sent once to
//! each peer not known to have it, when the pool tells of it; a peer that
//! opens the protocol is sent the whole ready set. What each peer knows is
//! a bounded set (the oldest entries are forgotten first), and one message
//! carries at most [`MAX_PER_MESSAGE`] transactions.

use entroos_network::PeerId;
use entroos_primitives::H256;
use std::collections::{HashMap, HashSet, VecDeque};

/// Transaction hashes remembered per peer.
pub const KNOWN_PER_PEER: usize = 10_240;
/// Transactions sent to one peer in one message at most.
pub const MAX_PER_MESSAGE: usize = 256;

/// A bounded set that forgets its oldest entries first.
#[derive(Debug, Default)]
pub struct KnownSet {
    set: HashSet<H256>,
    order: VecDeque<H256>,
}

impl KnownSet {
    /// Adds a hash; returns whether it was new.
    pub fn insert(&mut self, hash: H256) -> bool {
        if !self.set.insert(hash) {
            return false;
        }
        self.order.push_back(hash);
        while self.order.len() > KNOWN_PER_PEER {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        true
    }

    /// Whether the hash is known.
    pub fn contains(&self, hash: &H256) -> bool {
        self.set.contains(hash)
    }

    /// How many hashes are remembered.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

/// The peers with the transactions protocol open and what they know.
#[derive(Debug, Default)]
pub struct Gossip {
    peers: HashMap<PeerId, KnownSet>,
}

impl Gossip {
    /// A peer opened the protocol.
    pub fn add_peer(&mut self, peer: PeerId) {
        self.peers.entry(peer).or_default();
    }

    /// Whether no peer has the protocol open.
    pub fn is_empty(&self) -> bool {
        self.peers.is_empty()
    }

    /// A peer closed it.
    pub fn remove_peer(&mut self, peer: &PeerId) {
        self.peers.remove(peer);
    }

    /// The peer sent or was sent this transaction.
    pub fn note_known(&mut self, peer: &PeerId, hash: H256) {
        if let Some(known) = self.peers.get_mut(peer) {
            known.insert(hash);
        }
    }

    /// For each peer, the transactions of `txs` it does not know, marked
    /// as known: one entry per message.
    pub fn outgoing<'a>(&mut self, txs: &'a [(H256, Vec<u8>)]) -> Vec<(PeerId, Vec<&'a [u8]>)> {
        let mut out = Vec::new();
        for (peer, known) in &mut self.peers {
            out.extend(
                fresh(known, txs)
                    .into_iter()
                    .map(|message| (*peer, message)),
            );
        }
        out
    }

    /// As [`Gossip::outgoing`], for one peer only.
    pub fn outgoing_to<'a>(
        &mut self,
        peer: &PeerId,
        txs: &'a [(H256, Vec<u8>)],
    ) -> Vec<Vec<&'a [u8]>> {
        match self.peers.get_mut(peer) {
            Some(known) => fresh(known, txs),
            None => Vec::new(),
        }
    }
}

/// The transactions of `txs` not in `known`, now added to it, in messages
/// of at most [`MAX_PER_MESSAGE`].
fn fresh<'a>(known: &mut KnownSet, txs: &'a [(H256, Vec<u8>)]) -> Vec<Vec<&'a [u8]>> {
    let unknown: Vec<&[u8]> = txs
        .iter()
        .filter(|(hash, _)| known.insert(*hash))
        .map(|(_, data)| data.as_slice())
        .collect();
    unknown
        .chunks(MAX_PER_MESSAGE)
        .map(<[&[u8]]>::to_vec)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer() -> PeerId {
        entroos_network::generate_node_key().peer_id()
    }

    #[test]
    fn a_transaction_goes_once_to_each_peer_that_lacks_it() {
        let (a, b) = (peer(), peer());
        let mut gossip = Gossip::default();
        gossip.add_peer(a);
        gossip.add_peer(b);
        let ready = vec![(H256([1; 32]), vec![1]), (H256([2; 32]), vec![2])];
        gossip.note_known(&a, H256([1; 32]));
        let mut first = gossip.outgoing(&ready);
        first.sort_by_key(|(p, _)| *p == a);
        let sent: HashMap<PeerId, usize> = first.iter().map(|(p, t)| (*p, t.len())).collect();
        assert_eq!(sent.get(&a), Some(&1));
        assert_eq!(sent.get(&b), Some(&2));
        assert!(gossip.outgoing(&ready).is_empty());
        gossip.remove_peer(&a);
        gossip.add_peer(a);
        assert!(gossip.outgoing_to(&b, &ready).is_empty());
        assert_eq!(
            gossip.outgoing_to(&a, &ready),
            [vec![&[1u8][..], &[2u8][..]]]
        );
        assert!(gossip.outgoing(&ready).is_empty());
    }

    #[test]
    fn many_transactions_are_split_into_bounded_messages() {
        let a = peer();
        let mut gossip = Gossip::default();
        gossip.add_peer(a);
        let txs: Vec<(H256, Vec<u8>)> = (0..(2 * MAX_PER_MESSAGE + 1) as u32)
            .map(|i| {
                let mut hash = [0u8; 32];
                hash[..4].copy_from_slice(&i.to_le_bytes());
                (H256(hash), vec![1])
            })
            .collect();
        let sizes: Vec<usize> = gossip.outgoing(&txs).iter().map(|(_, m)| m.len()).collect();
        assert_eq!(sizes, [MAX_PER_MESSAGE, MAX_PER_MESSAGE, 1]);
    }

    #[test]
    fn the_known_set_is_bounded_and_forgets_the_oldest() {
        let mut known = KnownSet::default();
        for i in 0..(KNOWN_PER_PEER as u64 + 10) {
            let mut bytes = [0u8; 32];
            bytes[..8].copy_from_slice(&i.to_le_bytes());
            assert!(known.insert(H256(bytes)));
        }
        assert_eq!(known.len(), KNOWN_PER_PEER);
        assert!(!known.contains(&H256([0; 32])));
    }
}
