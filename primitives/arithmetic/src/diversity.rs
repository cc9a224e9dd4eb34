//! How spread out a weight distribution is.
//!
//! - [`shannon_entropy`]: `H = −Σ p_j ln p_j / ln N` over the `N` entries
//!   with a positive weight, `p_j = w_j / Σw`; in `[0, 1]`, one when all
//!   positive weights are equal, zero when one entry holds everything (or
//!   there is at most one entry).
//! - [`nakamoto_coefficient`]: the fewest entries whose weights together
//!   reach a given share of the total (for BFT finality, a third: that many
//!   can halt it).
//!
//! Both are reports, not inputs to any weight.

use crate::log::ln_ratio;
use crate::weights::Shares;
use crate::wide::{mul_div, wide_mul};
use crate::FixedU128;

/// The normalized Shannon entropy of `weights`, rounded down (its terms
/// are computed at `10^-27`; the result is within `10^-17` of the exact
/// value). Zero weights are ignored; sums beyond `u128::MAX` are handled
/// by shifting every weight right by the same number of bits.
pub fn shannon_entropy(weights: &[u128]) -> FixedU128 {
    let shares = Shares::of(weights);
    let positive: Vec<u128> = weights
        .iter()
        .map(|w| shares.weight(*w))
        .filter(|w| *w > 0)
        .collect();
    let count = u128::try_from(positive.len()).unwrap_or(u128::MAX);
    if count <= 1 {
        return FixedU128::zero();
    }
    let entropy: u128 = positive
        .iter()
        .map(|w| share_times_neg_ln_share(*w, shares.total))
        .fold(0u128, u128::saturating_add);
    let max_entropy = ln_ratio(count, 1)
        .and_then(|v| u128::try_from(v).ok())
        .unwrap_or(0);
    let normalized = mul_div(entropy, FixedU128::DIV, max_entropy).unwrap_or(0);
    FixedU128(normalized.min(FixedU128::DIV))
}

/// `p × (−ln p) × 10^27` for `p = w / total`, `0 < w ≤ total`.
fn share_times_neg_ln_share(w: u128, total: u128) -> u128 {
    let neg_ln = ln_ratio(total, w)
        .and_then(|v| u128::try_from(v).ok())
        .unwrap_or(0);
    mul_div(w, neg_ln, total).unwrap_or(0)
}

/// The fewest entries of `weights`, largest first, whose sum reaches at
/// least `num/den` of the total (compared exactly). Zero for a zero total
/// or a zero share; the number of positive entries when `num ≥ den`.
pub fn nakamoto_coefficient(weights: &[u128], num: u128, den: u128) -> u32 {
    let shares = Shares::of(weights);
    if shares.total == 0 || num == 0 || den == 0 {
        return 0;
    }
    let mut sorted: Vec<u128> = weights.iter().map(|w| shares.weight(*w)).collect();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    let target = wide_mul(shares.total, num.min(den));
    let mut sum = 0u128;
    let mut count = 0u32;
    for w in sorted.into_iter().take_while(|w| *w > 0) {
        sum = sum.saturating_add(w);
        count = count.saturating_add(1);
        if wide_mul(sum, den) >= target {
            break;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TOLERANCE: u128 = 10;

    #[test]
    fn entropy_of_simple_distributions() {
        assert_eq!(shannon_entropy(&[]), FixedU128::zero());
        assert_eq!(shannon_entropy(&[5]), FixedU128::zero());
        assert_eq!(shannon_entropy(&[5, 0, 0]), FixedU128::zero());
        let equal = shannon_entropy(&[7, 7, 7, 7]);
        assert!(FixedU128::DIV - equal.0 <= TOLERANCE, "{equal}");
        let max = shannon_entropy(&[u128::MAX, u128::MAX, u128::MAX]);
        assert!(FixedU128::DIV - max.0 <= TOLERANCE, "{max}");
        // (−¼ ln ¼ − ¾ ln ¾) / ln 2, computed offline with mpmath.
        let skewed = shannon_entropy(&[1, 3]);
        assert!(
            skewed.0.abs_diff(811_278_124_459_132_863) <= TOLERANCE,
            "{skewed}"
        );
        // One of a thousand equal-sized entries dominating: 0.9 vs 0.1/999 each.
        let mut dominated = vec![1u128; 999];
        dominated.push(8_991);
        let h = shannon_entropy(&dominated);
        assert!(h.0.abs_diff(147_046_096_775_735_281) <= TOLERANCE, "{h}");
    }

    #[test]
    fn nakamoto_of_simple_distributions() {
        assert_eq!(nakamoto_coefficient(&[], 1, 3), 0);
        assert_eq!(nakamoto_coefficient(&[0, 0], 1, 3), 0);
        assert_eq!(nakamoto_coefficient(&[1, 1, 1], 1, 3), 1);
        assert_eq!(nakamoto_coefficient(&[1, 1, 1, 1], 1, 3), 2);
        assert_eq!(
            nakamoto_coefficient(&[10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 1, 3),
            1
        );
        assert_eq!(nakamoto_coefficient(&[1; 100], 1, 3), 34);
        assert_eq!(nakamoto_coefficient(&[1; 100], 1, 2), 50);
        assert_eq!(nakamoto_coefficient(&[1, 2, 0], 1, 1), 2);
        assert_eq!(nakamoto_coefficient(&[1, 2, 0], 5, 1), 2);
        assert_eq!(nakamoto_coefficient(&[u128::MAX; 9], 1, 3), 3);
    }

    proptest! {
        #[test]
        fn entropy_is_bounded(weights in proptest::collection::vec(any::<u128>(), 0..40)) {
            prop_assert!(shannon_entropy(&weights) <= FixedU128::one());
        }

        #[test]
        fn equal_weights_have_full_entropy(w in 1u128.., n in 2usize..50) {
            let h = shannon_entropy(&vec![w; n]);
            prop_assert!(FixedU128::DIV - h.0 <= TOLERANCE, "{}", h);
        }

        #[test]
        fn entropy_ignores_scale_and_order(
            weights in proptest::collection::vec(1u128..1_000_000, 2..20), factor in 1u128..1_000,
        ) {
            let scaled: Vec<u128> = weights.iter().map(|w| w * factor).collect();
            let mut reversed = weights.clone();
            reversed.reverse();
            let h = shannon_entropy(&weights);
            prop_assert!(h.0.abs_diff(shannon_entropy(&scaled).0) <= TOLERANCE);
            prop_assert!(h.0.abs_diff(shannon_entropy(&reversed).0) <= TOLERANCE);
        }

        #[test]
        fn nakamoto_is_at_most_the_count(weights in proptest::collection::vec(any::<u128>(), 0..40)) {
            let positive = weights.iter().filter(|w| **w > 0).count() as u32;
            prop_assert!(nakamoto_coefficient(&weights, 1, 3) <= positive);
            prop_assert!(nakamoto_coefficient(&weights, 1, 3) <= nakamoto_coefficient(&weights, 2, 3));
        }
    }
}
