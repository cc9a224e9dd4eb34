//! Exponentials and powers of ratios without floats.
//!
//! `e^{−y}` for `y ≥ 0` writes `y = k·ln 2 + r` with `r ∈ [0, ln 2)`, sums
//! the Taylor series of `e^r` (all terms positive, at most 30 of them),
//! inverts it and shifts right by `k`; every step rounds down at `10^-27`.
//! `base^(num/den)` for `base ∈ [0, 1]` is `e^{−(num/den)·(−ln base)}`.
//! Results on [`FixedU128`] are rounded down to `10^-18` from that
//! intermediate (error below `10^-24`), like the logarithms.

use crate::log::{ln_ratio, LN2_PRECISE, PRECISE, PRECISE_PER_FIXED};
use crate::wide::mul_div;
use crate::FixedU128;

/// `e^{−y} × 10^27` for `y × 10^27`, rounded down.
pub(crate) fn exp_neg_precise(y: u128) -> u128 {
    let Some(k) = y.checked_div(LN2_PRECISE) else {
        return 0;
    };
    if k >= 128 {
        return 0;
    }
    let r = y.saturating_sub(k.saturating_mul(LN2_PRECISE));
    let e_r = exp_small(r);
    let inverse = mul_div(PRECISE, PRECISE, e_r).unwrap_or(0);
    inverse
        .checked_shr(u32::try_from(k).unwrap_or(u32::MAX))
        .unwrap_or(0)
}

/// `e^r × 10^27` for `r × 10^27` in `[0, ln 2)`: at least `10^27`.
fn exp_small(r: u128) -> u128 {
    let mut term = PRECISE;
    let mut sum = PRECISE;
    for n in 1u128..=40 {
        term = mul_div(term, r, PRECISE)
            .and_then(|t| t.checked_div(n))
            .unwrap_or(0);
        if term == 0 {
            break;
        }
        sum = sum.saturating_add(term);
    }
    sum
}

/// `base^(num/den) × 10^27` for `base ∈ [0, 1]`, or `None` when `den = 0`
/// or `base > 1`. `0^0 = 1`; `0^x = 0` for `x > 0`.
pub(crate) fn pow_precise(base: FixedU128, num: u128, den: u128) -> Option<u128> {
    if den == 0 || base > FixedU128::one() {
        return None;
    }
    if num == 0 {
        return Some(PRECISE);
    }
    if base.is_zero() {
        return Some(0);
    }
    let neg_ln = u128::try_from(ln_ratio(FixedU128::DIV, base.0)?).ok()?;
    match mul_div(neg_ln, num, den) {
        Some(y) => Some(exp_neg_precise(y)),
        // The exponent is beyond 2^128 / 10^27: the power is far below 10^-27.
        None => Some(0),
    }
}

/// `e^{−y}` for `y ≥ 0`, in `(0, 1]` until it rounds to zero (`y ≳ 41.4`).
pub fn exp_neg(y: FixedU128) -> FixedU128 {
    let precise = y.0.checked_mul(PRECISE_PER_FIXED);
    let value = precise.map_or(0, exp_neg_precise);
    FixedU128(value / PRECISE_PER_FIXED)
}

/// `base^(num/den)` for `base ∈ [0, 1]` and any exponent ratio, rounded
/// down; `None` when `den = 0` or `base > 1`. The result is in `[0, 1]`,
/// never above `base^⌊num/den⌋`… and exactly one for a zero exponent.
pub fn pow_ratio(base: FixedU128, num: u128, den: u128) -> Option<FixedU128> {
    pow_precise(base, num, den).map(|p| FixedU128(p / PRECISE_PER_FIXED))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // `floor(e^{−y} · 10^18)`, computed offline with mpmath (60 digits).
    const EXP_NEG_REFERENCE: &[(&str, u128)] = &[
        ("0", 1_000_000_000_000_000_000),
        ("0.000000000000000001", 999_999_999_999_999_999),
        ("0.5", 606_530_659_712_633_423),
        ("0.693147180559945309", 500_000_000_000_000_000),
        ("1", 367_879_441_171_442_321),
        ("10", 45_399_929_762_484),
        ("41", 1),
        ("42", 0),
    ];

    // `floor(base^(num/den) · 10^18)`.
    const POW_REFERENCE: &[(&str, u128, u128, u128)] = &[
        ("0.5", 1, 2, 707_106_781_186_547_524),
        ("0.5", 1, 10, 933_032_991_536_807_415),
        ("0.9", 3, 1, 729_000_000_000_000_000),
        ("0.25", 1, 3, 629_960_524_947_436_582),
        ("0.999", 1_000, 1, 367_695_424_770_964_044),
        ("0.000000000000000001", 1, 2, 1_000_000_000),
    ];

    const TOLERANCE: u128 = 2;

    #[test]
    fn exp_neg_matches_reference_values() {
        for (y, expected) in EXP_NEG_REFERENCE {
            let actual = exp_neg(y.parse().unwrap());
            assert!(
                actual.0.abs_diff(*expected) <= TOLERANCE,
                "e^-{y} = {actual}, expected {expected}"
            );
        }
    }

    #[test]
    fn pow_matches_reference_values() {
        for (base, num, den, expected) in POW_REFERENCE {
            let actual = pow_ratio(base.parse().unwrap(), *num, *den).unwrap();
            assert!(
                actual.0.abs_diff(*expected) <= TOLERANCE,
                "{base}^({num}/{den}) = {actual}, expected {expected}"
            );
        }
    }

    #[test]
    fn extreme_inputs() {
        assert_eq!(exp_neg(FixedU128(u128::MAX)), FixedU128::zero());
        assert_eq!(pow_ratio(FixedU128::zero(), 0, 1), Some(FixedU128::one()));
        assert_eq!(pow_ratio(FixedU128::zero(), 1, 1), Some(FixedU128::zero()));
        assert_eq!(
            pow_ratio(FixedU128::one(), u128::MAX, 1),
            Some(FixedU128::one())
        );
        assert_eq!(
            pow_ratio(FixedU128(1), u128::MAX, 1),
            Some(FixedU128::zero())
        );
        assert_eq!(pow_ratio(FixedU128::one(), 1, 0), None);
        assert_eq!(pow_ratio(FixedU128(FixedU128::DIV + 1), 1, 1), None);
        let half = FixedU128(FixedU128::DIV / 2);
        assert_eq!(pow_ratio(half, u128::MAX, u128::MAX), Some(half));
        // 0.5^(2^-128) = 1 − 2·10^-39: within 10^-24 of one, so the result
        // may be one rather than the exact value rounded down.
        let nearly_one = pow_ratio(half, 1, u128::MAX).unwrap();
        assert!(nearly_one.0 >= FixedU128::DIV - 1 && nearly_one <= FixedU128::one());
    }

    proptest! {
        #[test]
        fn exp_neg_is_decreasing_and_bounded(a in any::<u64>(), b in any::<u64>()) {
            let (low, high) = (a.min(b), a.max(b));
            let at_low = exp_neg(FixedU128(u128::from(low)));
            let at_high = exp_neg(FixedU128(u128::from(high)));
            prop_assert!(at_high <= at_low);
            prop_assert!(at_low <= FixedU128::one());
        }

        #[test]
        fn pow_is_monotonic_in_the_exponent(
            base in 0u128..=FixedU128::DIV, n1 in 0u128..1_000, n2 in 0u128..1_000, den in 1u128..1_000,
        ) {
            let (low, high) = (n1.min(n2), n1.max(n2));
            let base = FixedU128(base);
            let at_low = pow_ratio(base, low, den).unwrap();
            let at_high = pow_ratio(base, high, den).unwrap();
            prop_assert!(at_high <= at_low);
            prop_assert!(at_low <= FixedU128::one());
        }

        #[test]
        fn pow_is_monotonic_in_the_base(
            b1 in 0u128..=FixedU128::DIV, b2 in 0u128..=FixedU128::DIV, num in 0u128..1_000, den in 1u128..1_000,
        ) {
            let (low, high) = (b1.min(b2), b1.max(b2));
            let at_low = pow_ratio(FixedU128(low), num, den).unwrap();
            let at_high = pow_ratio(FixedU128(high), num, den).unwrap();
            prop_assert!(at_low <= at_high);
        }

        #[test]
        fn whole_powers_match_repeated_multiplication(base in 0u128..=FixedU128::DIV, n in 0u32..6) {
            let base = FixedU128(base);
            let exact = (0..n).fold(FixedU128::one(), |acc, _| acc.saturating_mul(base));
            let computed = pow_ratio(base, u128::from(n), 1).unwrap();
            // Repeated rounding down loses at most one unit per product.
            prop_assert!(computed.0.abs_diff(exact.0) <= u128::from(n) + TOLERANCE);
        }
    }
}
