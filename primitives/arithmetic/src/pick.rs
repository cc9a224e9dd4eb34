//! Picking an entry in proportion to its weight from a uniform draw.

use crate::weights::Shares;
use crate::wide::wide_mul;

/// The entry a uniform `draw` over `[0, 2^128)` lands on when each entry
/// `i` owns a part of the range proportional to `weights[i]`: the first `i`
/// whose cumulative weight exceeds `⌊draw × Σw / 2^128⌋`. Entries of zero
/// weight are never picked; `None` when every weight is zero.
///
/// Deterministic and exact: each entry's chance is `w_i / Σw` to within
/// `2^-128` (totals beyond `u128::MAX` are first scaled down by a common
/// shift of every weight).
pub fn weighted_pick(draw: u128, weights: &[u128]) -> Option<usize> {
    let shares = Shares::of(weights);
    if shares.total == 0 {
        return None;
    }
    let (point, _) = wide_mul(draw, shares.total);
    let mut cumulative = 0u128;
    for (index, w) in weights.iter().enumerate() {
        cumulative = cumulative.saturating_add(shares.weight(*w));
        if cumulative > point {
            return Some(index);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ranges_are_proportional() {
        let weights = [1u128, 0, 3];
        assert_eq!(weighted_pick(0, &weights), Some(0));
        assert_eq!(weighted_pick(u128::MAX / 4 - 1, &weights), Some(0));
        assert_eq!(weighted_pick(u128::MAX / 4 + 1, &weights), Some(2));
        assert_eq!(weighted_pick(u128::MAX, &weights), Some(2));
        assert_eq!(weighted_pick(5, &[0, 0]), None);
        assert_eq!(weighted_pick(5, &[]), None);
        assert_eq!(weighted_pick(u128::MAX, &[u128::MAX, u128::MAX]), Some(1));
        assert_eq!(weighted_pick(0, &[u128::MAX, u128::MAX]), Some(0));
    }

    proptest! {
        #[test]
        fn never_picks_a_zero_weight(draw in any::<u128>(), weights in proptest::collection::vec(0u128..5, 1..20)) {
            match weighted_pick(draw, &weights) {
                Some(i) => prop_assert!(weights[i] > 0),
                None => prop_assert!(weights.iter().all(|w| *w == 0)),
            }
        }
    }
}
