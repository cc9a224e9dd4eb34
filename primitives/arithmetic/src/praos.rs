//! The Praos/BABE primary-slot threshold.
//!
//! A key with weight `w` out of a total `Σw` may author a primary block in
//! a slot when its VRF output, read as a little-endian `u128`, is below
//! `2^128 × (1 − (1 − c)^(w/Σw))`, where `c ∈ [0, 1]` is the chance that a
//! slot has at least one primary author. Because
//! `1 − Π_i (1 − c)^(w_i/Σw) = 1 − (1 − c)^(Σ w_i/Σw)`, splitting a weight
//! over several keys leaves the chance that at least one of them may author
//! unchanged: splitting gains nothing.

use crate::exp::pow_precise;
use crate::log::PRECISE;
use crate::wide::mul_div;
use crate::FixedU128;

/// `⌊(1 − (1 − c)^(weight/total)) × (2^128 − 1)⌋`, the bound below which a
/// VRF output (a little-endian `u128`) wins a primary slot.
///
/// - `weight = 0`, `total = 0` or `c = 0`: zero (never wins).
/// - `c ≥ 1` (and `weight > 0`): `u128::MAX`.
/// - `weight > total` is treated as `weight = total`.
/// - The power is computed at `10^-27` (error below `10^-24`, see
///   [`pow_ratio`](crate::pow_ratio)), so the threshold is within
///   `2^128 / 10^24 ≈ 3.4·10^14` of the exact value; it never overflows.
pub fn praos_threshold(c: FixedU128, weight: u128, total: u128) -> u128 {
    if weight == 0 || total == 0 || c.is_zero() {
        return 0;
    }
    if c >= FixedU128::one() {
        return u128::MAX;
    }
    let weight = weight.min(total);
    let miss = FixedU128::one().saturating_sub(c);
    let Some(no_win) = pow_precise(miss, weight, total) else {
        return 0;
    };
    let win = PRECISE.saturating_sub(no_win);
    mul_div(win, u128::MAX, PRECISE).unwrap_or(u128::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `⌊(1 − (1 − c)^(w/t)) × (2^128 − 1)⌋` computed offline with mpmath
    /// (80 digits): `(c, w, t, threshold)`.
    const REFERENCE: &[(&str, u128, u128, u128)] = &[
        (
            "0.5",
            1,
            1,
            170_141_183_460_469_231_731_687_303_715_884_105_727,
        ),
        (
            "0.5",
            1,
            2,
            99_666_397_752_933_951_918_340_834_954_143_154_528,
        ),
        (
            "0.25",
            1,
            4,
            23_613_942_797_549_567_334_967_771_302_384_163_429,
        ),
        (
            "0.5",
            1,
            1_000_000,
            235_865_681_480_687_796_012_055_738_702_438,
        ),
        (
            "0.1",
            3,
            7,
            15_023_539_586_327_881_018_301_179_410_309_303_917,
        ),
    ];

    /// Within `2^128 / 10^24` of the exact threshold.
    const TOLERANCE: u128 = u128::MAX / 1_000_000_000_000_000_000_000_000;

    #[test]
    fn matches_reference_values() {
        for (c, w, t, expected) in REFERENCE {
            let actual = praos_threshold(c.parse().unwrap(), *w, *t);
            assert!(
                actual.abs_diff(*expected) <= TOLERANCE,
                "c={c} w={w} t={t}: {actual} vs {expected}"
            );
        }
    }

    #[test]
    fn extreme_inputs() {
        let half = FixedU128(FixedU128::DIV / 2);
        assert_eq!(praos_threshold(half, 0, 10), 0);
        assert_eq!(praos_threshold(half, 10, 0), 0);
        assert_eq!(praos_threshold(FixedU128::zero(), 10, 10), 0);
        assert_eq!(praos_threshold(FixedU128::one(), 1, u128::MAX), u128::MAX);
        assert_eq!(praos_threshold(FixedU128::from_u32(7), 1, 2), u128::MAX);
        assert_eq!(
            praos_threshold(half, u128::MAX, u128::MAX),
            praos_threshold(half, 1, 1)
        );
        assert_eq!(praos_threshold(half, 20, 10), praos_threshold(half, 10, 10));
        let full = praos_threshold(half, u128::MAX, u128::MAX);
        assert!(full.abs_diff(u128::MAX / 2) <= TOLERANCE);
        // The smallest share of the largest total still gets a (tiny) chance.
        assert!(praos_threshold(half, 1, u128::MAX) < 1u128 << 10);
        let c_one_ulp_below_one = FixedU128(FixedU128::DIV - 1);
        assert!(praos_threshold(c_one_ulp_below_one, 1, 1) > u128::MAX - (u128::MAX >> 50));
    }

    /// The chance that at least one of the keys may author,
    /// `1 − Π(1 − t_i/2^128)`, at the 2^128 scale (each product rounded down).
    fn any_of(thresholds: &[u128]) -> u128 {
        let none = thresholds.iter().fold(u128::MAX, |acc, t| {
            mul_div(acc, u128::MAX - t, u128::MAX).unwrap()
        });
        u128::MAX - none
    }

    #[test]
    fn splitting_a_weight_over_keys_leaves_the_chance_unchanged() {
        let c = FixedU128(FixedU128::DIV / 2);
        let total = 1_000_000_000_000u128;
        let single = any_of(&[praos_threshold(c, 300_000_000_000, total)]);
        for k in [2u128, 3, 5, 10, 100] {
            let parts = vec![praos_threshold(c, 300_000_000_000 / k, total); k as usize];
            let split = any_of(&parts);
            // Each threshold is within TOLERANCE, each product loses one unit.
            let bound = (k + 1) * (TOLERANCE + 1);
            assert!(
                split.abs_diff(single) <= bound,
                "k={k}: {split} vs {single}"
            );
        }
    }

    proptest! {
        #[test]
        fn monotonic_in_weight_and_c(
            w1 in 0u128..1_000_000, w2 in 0u128..1_000_000, c1 in 0u128..=FixedU128::DIV, c2 in 0u128..=FixedU128::DIV,
        ) {
            let total = 1_000_000;
            let c = FixedU128(c1);
            prop_assert!(praos_threshold(c, w1.min(w2), total) <= praos_threshold(c, w1.max(w2), total));
            let (low, high) = (FixedU128(c1.min(c2)), FixedU128(c1.max(c2)));
            prop_assert!(praos_threshold(low, w1, total) <= praos_threshold(high, w1, total));
        }

        #[test]
        fn never_above_c(w in 0u128.., total in 1u128.., c in 0u128..=FixedU128::DIV) {
            let threshold = praos_threshold(FixedU128(c), w, total);
            let bound = FixedU128(c).saturating_mul_int(u128::MAX);
            prop_assert!(threshold <= bound.saturating_add(TOLERANCE));
        }
    }
}
