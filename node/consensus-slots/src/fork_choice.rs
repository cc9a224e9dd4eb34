//! Fork choice: the best chain has the most primary blocks, then is the
//! longest, and always descends from the last finalized block. Pure
//! functions over per-block weights that the client keeps.

use codec::{Decode, Encode, MaxEncodedLen};
use entroos_primitives::H256;

/// What fork choice compares, accumulated along a chain: the number of
/// primary blocks from genesis and the block number. Ordered by primary
/// blocks, then number.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode, MaxEncodedLen,
)]
pub struct ForkChoiceWeight {
    /// Primary blocks from genesis to this block, inclusive.
    pub primary_blocks: u32,
    /// The block's number.
    pub number: u32,
}

impl ForkChoiceWeight {
    /// The genesis block's weight.
    pub const GENESIS: ForkChoiceWeight = ForkChoiceWeight {
        primary_blocks: 0,
        number: 0,
    };

    /// The weight of a child of a block of this weight (saturating: both
    /// counts are at most the block number, itself a `u32`).
    pub fn child(self, primary: bool) -> ForkChoiceWeight {
        ForkChoiceWeight {
            primary_blocks: self.primary_blocks.saturating_add(u32::from(primary)),
            number: self.number.saturating_add(1),
        }
    }
}

/// Whether a block of weight `candidate` should replace the best block of
/// weight `best`: strictly more primary blocks, or as many and strictly
/// longer. A tie keeps the current best.
pub fn prefers(candidate: ForkChoiceWeight, best: ForkChoiceWeight) -> bool {
    candidate > best
}

/// A block fork choice may pick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Its hash.
    pub hash: H256,
    /// Its weight.
    pub weight: ForkChoiceWeight,
}

/// The best block among `current` (the best block so far), `candidates`
/// (for example the leaves) and `finalized` (the last finalized block),
/// counting only blocks for which `descends_from_finalized` holds (the
/// finalized block itself included). `current` is kept unless a candidate
/// is strictly preferred; equal candidates keep the first given. When
/// `current` does not descend from the finalized block (finality moved to
/// another branch), the choice starts from the finalized block.
pub fn best_block(
    current: Candidate,
    finalized: Candidate,
    candidates: &[Candidate],
    descends_from_finalized: impl Fn(&H256) -> bool,
) -> H256 {
    let start = if descends_from_finalized(&current.hash) {
        current
    } else {
        finalized
    };
    candidates
        .iter()
        .filter(|c| descends_from_finalized(&c.hash))
        .fold(start, |best, c| {
            if prefers(c.weight, best.weight) {
                *c
            } else {
                best
            }
        })
        .hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weight(primary_blocks: u32, number: u32) -> ForkChoiceWeight {
        ForkChoiceWeight {
            primary_blocks,
            number,
        }
    }

    fn candidate(n: u8, primary_blocks: u32, number: u32) -> Candidate {
        Candidate {
            hash: H256([n; 32]),
            weight: weight(primary_blocks, number),
        }
    }

    #[test]
    fn weights_accumulate_primaries_and_length() {
        let w = ForkChoiceWeight::GENESIS
            .child(true)
            .child(false)
            .child(true);
        assert_eq!(w, weight(2, 3));
        let top = weight(u32::MAX, u32::MAX).child(true);
        assert_eq!(top, weight(u32::MAX, u32::MAX));
        assert_eq!(w.encode().len(), 8);
        assert_eq!(ForkChoiceWeight::decode(&mut &w.encode()[..]).unwrap(), w);
    }

    #[test]
    fn more_primaries_beat_length_and_ties_keep_the_current() {
        assert!(prefers(weight(3, 5), weight(2, 9)));
        assert!(!prefers(weight(2, 9), weight(3, 5)));
        assert!(prefers(weight(3, 6), weight(3, 5)));
        assert!(!prefers(weight(3, 5), weight(3, 5)));
    }

    #[test]
    fn the_best_block_descends_from_the_finalized_one() {
        let finalized = candidate(0, 1, 2);
        let current = candidate(1, 2, 4);
        let longer = candidate(2, 2, 7);
        let more_primary = candidate(3, 3, 5);
        let off_branch = candidate(4, 9, 9);
        let on_branch = |h: &H256| h.0[0] != 4;
        let all = [longer, more_primary, off_branch];
        assert_eq!(
            best_block(current, finalized, &all, on_branch),
            more_primary.hash
        );
        assert_eq!(
            best_block(current, finalized, &[longer], on_branch),
            longer.hash
        );
        assert_eq!(
            best_block(current, finalized, &[off_branch], on_branch),
            current.hash
        );
        let tie = candidate(5, 2, 4);
        assert_eq!(
            best_block(current, finalized, &[tie], on_branch),
            current.hash
        );
        let stale = |h: &H256| h.0[0] != 1 && h.0[0] != 4;
        assert_eq!(best_block(current, finalized, &[], stale), finalized.hash);
        assert_eq!(
            best_block(current, finalized, &[tie, longer], stale),
            longer.hash
        );
        let twin = candidate(6, 2, 4);
        assert_eq!(
            best_block(current, finalized, &[tie, twin], stale),
            tie.hash
        );
    }
}
