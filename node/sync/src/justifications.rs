//! Justifications that finality asks for.
//!
//! A node that imported a block before it was finalized never gets that
//! block's justification from a range download: it does not download the
//! block again. When that block hands finality over to a new voter set,
//! the node cannot follow the sets after it without the justification, so
//! finality asks for it ([`Input::WantJustification`](crate::Input)) until
//! it has it. Each want sends one header-and-justification request for the
//! block by hash to one peer whose best block is at least as high, turn by
//! turn over the eligible peers in id order; a peer that does not have it
//! yet answers without one, which is not held against it (an answer with
//! another block fails validation and expels its sender, as for any
//! request). A justification that comes back goes out undecoded
//! as [`Effect::Justification`]: only finality can check it, and blames the
//! peer if it is bad. Nothing is kept between wants but the turn.

use crate::machine::ChainSync;
use crate::requests::Purpose;
use crate::validate::Downloaded;
use crate::Effect;
use entroos_network_api::{BlockAttributes, BlockRequest, Direction, FromBlock, PeerId};
use entroos_primitives::{BlockNumber, H256};

impl ChainSync {
    /// Asks the next eligible peer for the justification of `hash`, unless
    /// a request for it is already in flight.
    pub(crate) fn want_justification(
        &mut self,
        number: BlockNumber,
        hash: H256,
        out: &mut Vec<Effect>,
    ) {
        if self
            .requests
            .any(|purpose| purpose == Purpose::Justification { target: hash })
        {
            return;
        }
        let eligible: Vec<&PeerId> = self
            .peers
            .iter()
            .filter(|(peer, state)| {
                state.best.0 >= number
                    && state.backoff_until <= self.now
                    && self.requests.count(peer) < self.config.max_requests_per_peer
            })
            .map(|(peer, _)| peer)
            .collect();
        let Some(peer) = self
            .justification_turn
            .checked_rem(eligible.len())
            .and_then(|turn| eligible.get(turn))
            .map(|peer| (*peer).clone())
        else {
            return;
        };
        self.justification_turn = self.justification_turn.wrapping_add(1);
        self.send(
            &peer,
            Purpose::Justification { target: hash },
            justification_request(hash),
            out,
        );
    }

    /// A peer's answer: the justification, if it sent one.
    pub(crate) fn on_justification(
        &mut self,
        origin: PeerId,
        target: H256,
        blocks: Vec<Downloaded>,
        out: &mut Vec<Effect>,
    ) {
        // The response was validated: its first block is the one asked for.
        let Some(block) = blocks.into_iter().next() else {
            return;
        };
        if let Some(bytes) = block.justification {
            out.push(Effect::Justification {
                origin,
                hash: target,
                number: block.header.number,
                bytes,
            });
        }
    }
}

/// The header and justification of block `hash`.
fn justification_request(hash: H256) -> BlockRequest {
    BlockRequest {
        fields: BlockAttributes::HEADER | BlockAttributes::JUSTIFICATION,
        from: FromBlock::Hash(hash),
        direction: Direction::Descending,
        max: Some(1),
    }
}
