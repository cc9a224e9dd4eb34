//! The machine's requests in flight, by id and counted per peer.

use entroos_network_api::{BlockRequest, PeerId, RequestId};
use entroos_primitives::{BlockNumber, H256};
use std::collections::BTreeMap;

/// What a request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// A range of the main download starting here.
    Range { start: BlockNumber },
    /// One header of an ancestor search.
    Search { probe: BlockNumber },
    /// The next blocks of a peer's own branch.
    Branch { next: BlockNumber },
    /// Blocks walked back from an announced block.
    Fetch { target: H256 },
    /// The justification of one block, for finality.
    Justification { target: H256 },
}

/// A request waiting for its answer.
#[derive(Clone, Debug)]
pub(crate) struct InFlight {
    pub peer: PeerId,
    pub purpose: Purpose,
    pub request: BlockRequest,
    pub deadline: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Requests {
    next: u64,
    by_id: BTreeMap<RequestId, InFlight>,
    per_peer: BTreeMap<PeerId, u32>,
}

impl Requests {
    pub(crate) fn insert(&mut self, flight: InFlight) -> RequestId {
        let id = RequestId(self.next);
        self.next = self.next.wrapping_add(1);
        let count = self.per_peer.entry(flight.peer.clone()).or_insert(0);
        *count = count.saturating_add(1);
        self.by_id.insert(id, flight);
        id
    }

    /// The request `id` if it was sent to `peer`.
    pub(crate) fn take(&mut self, id: RequestId, peer: &PeerId) -> Option<InFlight> {
        if self
            .by_id
            .get(&id)
            .is_none_or(|flight| flight.peer != *peer)
        {
            return None;
        }
        let flight = self.by_id.remove(&id)?;
        if let Some(count) = self.per_peer.get_mut(peer) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                self.per_peer.remove(peer);
            }
        }
        Some(flight)
    }

    pub(crate) fn count(&self, peer: &PeerId) -> u32 {
        self.per_peer.get(peer).copied().unwrap_or(0)
    }

    /// Requests due at `now`, oldest id first.
    pub(crate) fn expired(&self, now: u64) -> Vec<(RequestId, PeerId)> {
        self.by_id
            .iter()
            .filter(|(_, flight)| flight.deadline <= now)
            .map(|(id, flight)| (*id, flight.peer.clone()))
            .collect()
    }

    /// The ids of the requests sent to `peer`.
    pub(crate) fn of_peer(&self, peer: &PeerId) -> Vec<RequestId> {
        self.by_id
            .iter()
            .filter(|(_, flight)| flight.peer == *peer)
            .map(|(id, _)| *id)
            .collect()
    }

    /// Whether a request in flight is for `matches`.
    pub(crate) fn any(&self, matches: impl Fn(Purpose) -> bool) -> bool {
        self.by_id.values().any(|flight| matches(flight.purpose))
    }

    pub(crate) fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Blocks that branch and fetch requests in flight may bring: their
    /// answers go to import as they come, so room is kept for them.
    pub(crate) fn reserved_blocks(&self) -> usize {
        self.by_id
            .values()
            .filter(|flight| {
                matches!(
                    flight.purpose,
                    Purpose::Branch { .. } | Purpose::Fetch { .. }
                )
            })
            .map(|flight| flight.request.max.map_or(0, |max| max as usize))
            .fold(0usize, usize::saturating_add)
    }
}
