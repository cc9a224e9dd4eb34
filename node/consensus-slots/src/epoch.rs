//! An epoch as slot authorship sees it: its slots, its authorities and
//! their weights, its randomness and the primary probability `c`.

use crate::SlotsError;
use entroos_arithmetic::{praos_threshold, FixedU128};
use entroos_consensus_primitives::secondary_author;
use schnorrkel::PublicKey;

/// The most authorities an epoch may have (at least the runtime's
/// `MAX_VALIDATORS`).
pub const MAX_AUTHORITIES: usize = 1_024;

/// One member of an epoch's set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Authority {
    /// The sr25519 key that evaluates slot VRFs and seals blocks.
    pub vrf_key: [u8; 32],
    /// Its weight (`VoteWeight`), fixed for the epoch.
    pub weight: u128,
}

/// An epoch: slots `[start_slot, start_slot + length)`, its authorities in
/// set order, its randomness and `c`. Built only through [`Epoch::new`], so
/// every epoch is bounded and well formed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Epoch {
    index: u64,
    start_slot: u64,
    length: u64,
    randomness: [u8; 32],
    authorities: Vec<Authority>,
    c: FixedU128,
    total_weight: u128,
    thresholds: Vec<u128>,
}

impl Epoch {
    /// Checks and builds an epoch: `length > 0`, the last slot fits in a
    /// `u64`, at most [`MAX_AUTHORITIES`] authorities with valid keys, and
    /// `c ≤ 1`. The total weight is the saturating sum, as the runtime's.
    pub fn new(
        index: u64,
        start_slot: u64,
        length: u64,
        randomness: [u8; 32],
        authorities: Vec<Authority>,
        c: FixedU128,
    ) -> Result<Self, SlotsError> {
        check_span(start_slot, length)?;
        if authorities.len() > MAX_AUTHORITIES {
            return Err(SlotsError::TooManyAuthorities {
                count: authorities.len(),
                max: MAX_AUTHORITIES,
            });
        }
        if c > FixedU128::one() {
            return Err(SlotsError::PrimaryProbabilityAboveOne(c.into_inner()));
        }
        for (index, authority) in (0u32..).zip(&authorities) {
            if PublicKey::from_bytes(&authority.vrf_key).is_err() {
                return Err(SlotsError::InvalidAuthorityKey { index });
            }
        }
        let total_weight = authorities
            .iter()
            .fold(0u128, |sum, a| sum.saturating_add(a.weight));
        let thresholds = authorities
            .iter()
            .map(|a| praos_threshold(c, a.weight, total_weight))
            .collect();
        Ok(Epoch {
            index,
            start_slot,
            length,
            randomness,
            authorities,
            c,
            total_weight,
            thresholds,
        })
    }

    /// The epoch's index (the VRF transcript's epoch).
    pub fn index(&self) -> u64 {
        self.index
    }

    /// Its first slot.
    pub fn start_slot(&self) -> u64 {
        self.start_slot
    }

    /// Its length in slots.
    pub fn length(&self) -> u64 {
        self.length
    }

    /// The slot after its last (never overflows: checked at construction).
    pub fn end_slot(&self) -> u64 {
        self.start_slot.saturating_add(self.length)
    }

    /// Its randomness.
    pub fn randomness(&self) -> &[u8; 32] {
        &self.randomness
    }

    /// Its authorities, in set order.
    pub fn authorities(&self) -> &[Authority] {
        &self.authorities
    }

    /// The chance that a slot has at least one primary author.
    pub fn c(&self) -> FixedU128 {
        self.c
    }

    /// `Σ weight` (saturating).
    pub fn total_weight(&self) -> u128 {
        self.total_weight
    }

    /// How many authorities it has.
    pub fn len(&self) -> u32 {
        // At most MAX_AUTHORITIES, so this always fits.
        u32::try_from(self.authorities.len()).unwrap_or(u32::MAX)
    }

    /// Whether it has no authority.
    pub fn is_empty(&self) -> bool {
        self.authorities.is_empty()
    }

    /// Whether `slot` is one of its slots.
    pub fn contains(&self, slot: u64) -> bool {
        (self.start_slot..self.end_slot()).contains(&slot)
    }

    /// The authority at `index`.
    pub fn authority(&self, index: u32) -> Option<&Authority> {
        self.authorities.get(usize::try_from(index).ok()?)
    }

    /// The primary threshold of the authority at `index`:
    /// `praos_threshold(c, weight, Σw)` (computed once, at construction),
    /// zero for an unknown index.
    pub fn threshold(&self, index: u32) -> u128 {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.thresholds.get(i))
            .copied()
            .unwrap_or(0)
    }

    /// The index of `slot`'s secondary assignee (the same function the
    /// runtime charges missed slots with); `None` if nobody has weight.
    pub fn secondary_author(&self, slot: u64) -> Option<u32> {
        let weights: Vec<u128> = self.authorities.iter().map(|a| a.weight).collect();
        secondary_author(&self.randomness, slot, &weights)
    }

    /// The epoch that holds `slot` when the chain has skipped from this
    /// epoch to a later one without a block: the same authorities,
    /// randomness and `c`, with the index and first slot advanced by whole
    /// epochs — as the runtime carries a set over skipped epochs. This
    /// epoch itself if it holds `slot`; `None` for a slot before it.
    pub fn skipped_to(&self, slot: u64) -> Option<Epoch> {
        let skipped = slot
            .checked_sub(self.start_slot)?
            .checked_div(self.length)?;
        let index = self.index.checked_add(skipped)?;
        let start_slot = self
            .start_slot
            .checked_add(skipped.checked_mul(self.length)?)?;
        check_span(start_slot, self.length).ok()?;
        Some(Epoch {
            index,
            start_slot,
            ..self.clone()
        })
    }
}

fn check_span(start: u64, length: u64) -> Result<(), SlotsError> {
    if length == 0 {
        return Err(SlotsError::ZeroEpochLength);
    }
    start
        .checked_add(length)
        .map(drop)
        .ok_or(SlotsError::EpochOverflow { start, length })
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_primitives::crypto::sr25519::Pair;

    fn key(n: u8) -> [u8; 32] {
        Pair::from_seed(&[n; 32]).unwrap().public()
    }

    fn epoch(authorities: Vec<Authority>) -> Result<Epoch, SlotsError> {
        Epoch::new(
            2,
            100,
            10,
            [1; 32],
            authorities,
            FixedU128::from_inner(FixedU128::DIV / 4),
        )
    }

    fn authority(n: u8, weight: u128) -> Authority {
        Authority {
            vrf_key: key(n),
            weight,
        }
    }

    #[test]
    fn bounds_are_checked() {
        let quarter = FixedU128::from_inner(FixedU128::DIV / 4);
        assert_eq!(
            Epoch::new(0, 0, 0, [0; 32], vec![], quarter),
            Err(SlotsError::ZeroEpochLength)
        );
        assert_eq!(
            Epoch::new(0, u64::MAX, 1, [0; 32], vec![], quarter),
            Err(SlotsError::EpochOverflow {
                start: u64::MAX,
                length: 1
            })
        );
        let too_many = vec![authority(1, 1); MAX_AUTHORITIES + 1];
        assert!(matches!(
            epoch(too_many),
            Err(SlotsError::TooManyAuthorities { .. })
        ));
        let above_one = FixedU128::from_inner(FixedU128::DIV + 1);
        assert!(matches!(
            Epoch::new(0, 0, 1, [0; 32], vec![], above_one),
            Err(SlotsError::PrimaryProbabilityAboveOne(_))
        ));
        let bad_key = Authority {
            vrf_key: [0xff; 32],
            weight: 1,
        };
        assert_eq!(
            epoch(vec![authority(1, 1), bad_key]),
            Err(SlotsError::InvalidAuthorityKey { index: 1 })
        );
    }

    #[test]
    fn slots_thresholds_and_assignees() {
        let e = epoch(vec![authority(1, 1), authority(2, 3)]).unwrap();
        assert_eq!((e.len(), e.total_weight(), e.end_slot()), (2, 4, 110));
        assert!(!e.contains(99) && e.contains(100) && e.contains(109) && !e.contains(110));
        assert!(e.threshold(0) < e.threshold(1));
        assert_eq!(e.threshold(2), 0);
        assert_eq!(e.threshold(0), praos_threshold(e.c(), 1, 4));
        let assignee = e.secondary_author(105);
        assert_eq!(assignee, secondary_author(&[1; 32], 105, &[1, 3]));
        let empty = epoch(vec![authority(1, 0)]).unwrap();
        assert_eq!(empty.secondary_author(105), None);
    }

    #[test]
    fn skipping_advances_whole_epochs_and_keeps_the_set() {
        let e = epoch(vec![authority(1, 1)]).unwrap();
        assert_eq!(e.skipped_to(99), None);
        assert_eq!(e.skipped_to(105), Some(e.clone()));
        let later = e.skipped_to(135).unwrap();
        assert_eq!((later.index(), later.start_slot()), (5, 130));
        assert_eq!(later.authorities(), e.authorities());
        assert_eq!(later.randomness(), e.randomness());
        assert!(later.contains(135));
        let last = Epoch::new(0, u64::MAX - 10, 10, [0; 32], vec![], FixedU128::one()).unwrap();
        assert_eq!(last.skipped_to(u64::MAX), None);
    }
}
