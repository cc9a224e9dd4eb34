//! The main download: ranges of block numbers above the anchor, each asked
//! of one aligned peer, kept until every range below it is in, then handed
//! to import in order. Ranges never overlap and all start above the anchor.

use crate::validate::Downloaded;
use entroos_network_api::{PeerId, RequestId};
use entroos_primitives::BlockNumber;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
enum Range {
    /// Asked as request `id`; ends before `end`.
    Pending { end: u64, id: RequestId },
    /// Downloaded from `peer`, consecutive and chained.
    Done {
        peer: PeerId,
        blocks: Vec<Downloaded>,
    },
}

impl Range {
    fn end(&self, start: BlockNumber) -> u64 {
        match self {
            Range::Pending { end, .. } => *end,
            Range::Done { blocks, .. } => {
                let len = u64::try_from(blocks.len()).unwrap_or(u64::MAX);
                u64::from(start).saturating_add(len)
            }
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Ranges {
    map: BTreeMap<BlockNumber, Range>,
}

impl Ranges {
    /// The first gap within `first..=last`, at most `max_len` long.
    pub(crate) fn needed(
        &self,
        first: BlockNumber,
        last: BlockNumber,
        max_len: u32,
    ) -> Option<(BlockNumber, u32)> {
        let mut cursor = u64::from(first);
        let last = u64::from(last);
        for (start, range) in &self.map {
            let start_at = u64::from(*start);
            if start_at > cursor {
                break;
            }
            cursor = cursor.max(range.end(*start));
        }
        if cursor > last || max_len == 0 {
            return None;
        }
        let next_start = self
            .map
            .range(BlockNumber::try_from(cursor).ok()?..)
            .next()
            .map_or(u64::MAX, |(start, _)| u64::from(*start));
        let end = last
            .saturating_add(1)
            .min(next_start)
            .min(cursor.saturating_add(u64::from(max_len)));
        let len = u32::try_from(end.saturating_sub(cursor)).ok()?;
        if len == 0 {
            return None;
        }
        Some((BlockNumber::try_from(cursor).ok()?, len))
    }

    pub(crate) fn begin(&mut self, start: BlockNumber, len: u32, id: RequestId) {
        let end = u64::from(start).saturating_add(u64::from(len));
        self.map.insert(start, Range::Pending { end, id });
    }

    /// Whether `start` waits for request `id`.
    pub(crate) fn is_pending(&self, start: BlockNumber, id: RequestId) -> bool {
        matches!(self.map.get(&start), Some(Range::Pending { id: pending, .. }) if *pending == id)
    }

    /// Stores the blocks of request `id`; a shorter answer leaves a gap.
    pub(crate) fn complete(&mut self, start: BlockNumber, peer: PeerId, blocks: Vec<Downloaded>) {
        self.map.insert(start, Range::Done { peer, blocks });
    }

    /// Forgets a pending range of request `id` (failed or stale).
    pub(crate) fn cancel(&mut self, start: BlockNumber, id: RequestId) {
        if self.is_pending(start, id) {
            self.map.remove(&start);
        }
    }

    /// At most `max` blocks of the downloaded range starting exactly at
    /// `next`, removed; the rest of the range stays, starting after them.
    pub(crate) fn pop_ready(
        &mut self,
        next: BlockNumber,
        max: usize,
    ) -> Option<(PeerId, Vec<Downloaded>)> {
        if max == 0 || !matches!(self.map.get(&next), Some(Range::Done { .. })) {
            return None;
        }
        let Range::Done { peer, mut blocks } = self.map.remove(&next)? else {
            return None;
        };
        if blocks.len() > max {
            let rest = blocks.split_off(max);
            if let Some(rest_start) = rest.first().map(Downloaded::number) {
                let peer = peer.clone();
                self.map
                    .insert(rest_start, Range::Done { peer, blocks: rest });
            }
        }
        Some((peer, blocks))
    }

    /// Forgets the downloaded ranges of `peer` (pending ones end with their requests).
    pub(crate) fn forget_done_of(&mut self, peer: &PeerId) {
        self.map
            .retain(|_, range| !matches!(range, Range::Done { peer: p, .. } if p == peer));
    }

    pub(crate) fn clear(&mut self) {
        self.map.clear();
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Blocks downloaded and waiting for the ranges below them.
    pub(crate) fn downloaded(&self) -> usize {
        self.map
            .values()
            .map(|range| match range {
                Range::Done { blocks, .. } => blocks.len(),
                Range::Pending { .. } => 0,
            })
            .fold(0usize, usize::saturating_add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer() -> PeerId {
        PeerId::from_bytes(vec![1]).unwrap()
    }

    #[test]
    fn gaps_are_found_in_order_and_capped() {
        let mut ranges = Ranges::default();
        assert_eq!(ranges.needed(1, 1_000, 64), Some((1, 64)));
        ranges.begin(1, 64, RequestId(0));
        assert_eq!(ranges.needed(1, 1_000, 64), Some((65, 64)));
        ranges.begin(100, 10, RequestId(1));
        assert_eq!(ranges.needed(1, 1_000, 64), Some((65, 35)));
        ranges.begin(65, 35, RequestId(2));
        assert_eq!(ranges.needed(1, 1_000, 64), Some((110, 64)));
        assert_eq!(ranges.needed(1, 105, 64), None);
        assert_eq!(ranges.needed(1, 112, 64), Some((110, 3)));
        ranges.cancel(65, RequestId(9));
        assert!(ranges.is_pending(65, RequestId(2)));
        ranges.cancel(65, RequestId(2));
        assert_eq!(ranges.needed(1, 1_000, 64), Some((65, 35)));
        assert_eq!(ranges.needed(5, 4, 64), None);
        assert_eq!(ranges.needed(u32::MAX, u32::MAX, 64), Some((u32::MAX, 1)));
    }

    fn downloaded(number: BlockNumber) -> Downloaded {
        let header = entroos_primitives::Header {
            number,
            ..Default::default()
        };
        Downloaded {
            hash: header.hash(),
            header,
            body: Some(Vec::new()),
            justification: None,
        }
    }

    #[test]
    fn a_short_answer_leaves_a_gap() {
        let mut ranges = Ranges::default();
        ranges.begin(1, 64, RequestId(0));
        ranges.begin(65, 64, RequestId(1));
        ranges.complete(1, peer(), (1..=10).map(downloaded).collect());
        assert_eq!(ranges.needed(1, 200, 64), Some((11, 54)));
        assert_eq!(ranges.downloaded(), 10);
        assert!(ranges.pop_ready(2, 64).is_none());
        assert!(
            ranges.pop_ready(65, 64).is_none(),
            "a pending range is not ready"
        );
        assert_eq!(ranges.pop_ready(1, 64).map(|(_, b)| b.len()), Some(10));
        ranges.complete(65, peer(), (65..=70).map(downloaded).collect());
        ranges.forget_done_of(&peer());
        assert!(ranges.is_empty());
    }

    #[test]
    fn a_range_is_handed_over_in_parts_that_fit() {
        let mut ranges = Ranges::default();
        ranges.begin(1, 10, RequestId(0));
        ranges.complete(1, peer(), (1..=10).map(downloaded).collect());
        assert!(ranges.pop_ready(1, 0).is_none(), "no room, nothing taken");
        let numbers = |blocks: Vec<Downloaded>| -> Vec<BlockNumber> {
            blocks.iter().map(Downloaded::number).collect()
        };
        let (_, first) = ranges.pop_ready(1, 4).unwrap();
        assert_eq!(numbers(first), [1, 2, 3, 4]);
        assert_eq!(ranges.downloaded(), 6);
        assert_eq!(ranges.needed(5, 10, 64), None, "the rest is still held");
        let (_, rest) = ranges.pop_ready(5, 64).unwrap();
        assert_eq!(numbers(rest), [5, 6, 7, 8, 9, 10]);
        assert!(ranges.is_empty());
    }
}
