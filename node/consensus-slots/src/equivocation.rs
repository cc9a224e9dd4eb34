//! Detecting block equivocations: the first header seen for each
//! (slot, author) over a bounded window of recent slots; a second header
//! with a different unsealed hash is an equivocation, reported once with
//! both sealed headers (the proof the runtime's report checks).

use crate::VerifiedHeader;
use entroos_primitives::{Header, H256};
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

/// Two different headers sealed by one author for one slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockEquivocation {
    /// The slot both claim.
    pub slot: u64,
    /// The author's sr25519 key.
    pub offender: [u8; 32],
    /// The header seen first.
    pub first: Header,
    /// The conflicting header.
    pub second: Header,
}

#[derive(Clone, Debug)]
struct Seen {
    pre_hash: H256,
    header: Header,
    reported: bool,
}

/// The first header of each (slot, author) over the last `window` slots,
/// at most `max_entries` of them (the oldest slots go first).
#[derive(Clone, Debug)]
pub(crate) struct RecentClaims {
    window: u64,
    max_entries: usize,
    newest: u64,
    seen: BTreeMap<(u64, [u8; 32]), Seen>,
}

impl RecentClaims {
    pub fn new(window: u64, max_entries: usize) -> Self {
        RecentClaims {
            window,
            max_entries,
            newest: 0,
            seen: BTreeMap::new(),
        }
    }

    /// Notes a verified header; returns the equivocation it completes, if
    /// it is the first conflicting header for its (slot, author).
    pub fn note(
        &mut self,
        header: &Header,
        verified: &VerifiedHeader,
    ) -> Option<BlockEquivocation> {
        if verified.slot < self.oldest() {
            return None;
        }
        self.newest = self.newest.max(verified.slot);
        let found = match self.seen.entry((verified.slot, verified.author)) {
            Entry::Vacant(entry) => {
                entry.insert(Seen {
                    pre_hash: verified.pre_hash,
                    header: header.clone(),
                    reported: false,
                });
                None
            }
            Entry::Occupied(mut entry) => conflict(entry.get_mut(), header, verified),
        };
        self.prune();
        found
    }

    /// How many (slot, author) entries are held.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    fn oldest(&self) -> u64 {
        self.newest.saturating_sub(self.window)
    }

    fn prune(&mut self) {
        let oldest = self.oldest();
        while self
            .seen
            .first_key_value()
            .is_some_and(|((slot, _), _)| *slot < oldest || self.seen.len() > self.max_entries)
        {
            self.seen.pop_first();
        }
    }
}

fn conflict(
    seen: &mut Seen,
    header: &Header,
    verified: &VerifiedHeader,
) -> Option<BlockEquivocation> {
    if seen.pre_hash == verified.pre_hash || seen.reported {
        return None;
    }
    seen.reported = true;
    Some(BlockEquivocation {
        slot: verified.slot,
        offender: verified.author,
        first: seen.header.clone(),
        second: header.clone(),
    })
}
