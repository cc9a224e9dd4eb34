//! Natural logarithms without floats.
//!
//! The core is [`ln_ratio`]: `ln(num / den)` for any positive 128-bit
//! `num` and `den`, at a precision of `10^-27` ([`PRECISE`]). It writes
//! `num/den = 2^k · m` with `m ∈ [1, 2)` (exactly, with a 256-bit
//! intermediate), then `ln(num/den) = k·ln 2 + ln m`, and
//! `ln m = 2·atanh(z) = 2·(z + z³/3 + z⁵/5 + …)` with `z = (m−1)/(m+1) < 1/3`,
//! summed until the terms vanish (at most 30 terms). Each step rounds down
//! at `10^-27`; the accumulated error is below `10^-24` in absolute value.
//!
//! The public functions on [`FixedU128`] round that intermediate down to
//! `10^-18`, so they return the exact value rounded down, except when the
//! exact value lies within `10^-24` of a multiple of `10^-18`, where they
//! may be one unit (`10^-18`) off.

use crate::wide::{bit_length, wide_div, wide_mul, wide_shl, wide_shr};
use crate::FixedU128;

/// The internal scale: `10^27` represents one.
pub(crate) const PRECISE: u128 = 1_000_000_000_000_000_000_000_000_000;
/// `ln 2 × 10^27`, rounded down.
pub(crate) const LN2_PRECISE: u128 = 693_147_180_559_945_309_417_232_121;
/// How many times `10^18` goes into [`PRECISE`].
pub(crate) const PRECISE_PER_FIXED: u128 = 1_000_000_000;

/// `ln(num / den) × 10^27` (signed), or `None` if either is zero.
pub(crate) fn ln_ratio(num: u128, den: u128) -> Option<i128> {
    if num == 0 || den == 0 {
        return None;
    }
    let (k, mantissa) = normalize(num, den)?;
    let ln_mantissa = i128::try_from(ln_of_mantissa(mantissa)).ok()?;
    let ln_power = i128::from(k).checked_mul(i128::try_from(LN2_PRECISE).ok()?)?;
    ln_power.checked_add(ln_mantissa)
}

/// `(k, m × 10^27)` with `num/den = 2^k · m`, `m ∈ [1, 2)`, `m` rounded down.
fn normalize(num: u128, den: u128) -> Option<(i32, u128)> {
    let bits = |x: u128| i32::try_from(bit_length(x)).ok();
    let mut k = bits(num)?.checked_sub(bits(den)?)?;
    if !at_least_power(num, den, k) {
        k = k.checked_sub(1)?;
    }
    let (hi, lo) = wide_mul(num, PRECISE);
    let (hi, lo) = if k >= 0 {
        wide_shr(hi, lo, k.unsigned_abs())
    } else {
        wide_shl(hi, lo, k.unsigned_abs())
    };
    Some((k, wide_div(hi, lo, den)?))
}

/// Whether `num / den ≥ 2^k`, exactly.
fn at_least_power(num: u128, den: u128, k: i32) -> bool {
    if k >= 0 {
        num.checked_shr(k.unsigned_abs()).unwrap_or(0) >= den
    } else {
        wide_shl(0, num, k.unsigned_abs()) >= (0, den)
    }
}

/// `ln m × 10^27` for `m × 10^27` in `[10^27, 2·10^27)`.
fn ln_of_mantissa(m: u128) -> u128 {
    let numerator = m.saturating_sub(PRECISE);
    let denominator = m.saturating_add(PRECISE);
    let z = crate::wide::mul_div(numerator, PRECISE, denominator).unwrap_or(0);
    let z_squared = crate::wide::mul_div(z, z, PRECISE).unwrap_or(0);
    let mut term = z;
    let mut sum = z;
    for odd in (3u128..).step_by(2).take(40) {
        term = crate::wide::mul_div(term, z_squared, PRECISE).unwrap_or(0);
        if term == 0 {
            break;
        }
        sum = sum.saturating_add(term.checked_div(odd).unwrap_or(0));
    }
    sum.saturating_mul(2)
}

/// A signed `10^-27` value rounded down to a non-negative [`FixedU128`].
fn to_fixed(precise: i128) -> Option<FixedU128> {
    let magnitude = u128::try_from(precise).ok()?;
    magnitude.checked_div(PRECISE_PER_FIXED).map(FixedU128)
}

/// `ln x` for `x ≥ 1`, rounded down; `None` for `x < 1`.
pub fn ln(x: FixedU128) -> Option<FixedU128> {
    if x < FixedU128::one() {
        return None;
    }
    to_fixed(ln_ratio(x.0, FixedU128::DIV)?)
}

/// `−ln x` for `0 < x ≤ 1`, rounded down; `None` for `x = 0` or `x > 1`.
pub fn neg_ln(x: FixedU128) -> Option<FixedU128> {
    if x.is_zero() || x > FixedU128::one() {
        return None;
    }
    to_fixed(ln_ratio(FixedU128::DIV, x.0)?)
}

/// `ln n` for a positive integer, rounded down; `None` for zero.
pub fn ln_int(n: u128) -> Option<FixedU128> {
    to_fixed(ln_ratio(n, 1)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Reference values computed offline with mpmath at 60 significant digits
    // (`floor(ln(x) · 10^18)`).
    const LN_REFERENCE: &[(&str, u128)] = &[
        ("1", 0),
        ("1.000000000000000001", 0),
        ("1.5", 405_465_108_108_164_381),
        ("2", 693_147_180_559_945_309),
        ("2.718281828459045235", 999_999_999_999_999_999),
        ("10", 2_302_585_092_994_045_684),
        ("1000000", 13_815_510_557_964_274_104),
        (
            "340282366920938463463.374607431768211455",
            47_276_307_437_780_177_293,
        ),
    ];

    // `floor(−ln(x) · 10^18)`.
    const NEG_LN_REFERENCE: &[(&str, u128)] = &[
        ("1", 0),
        ("0.5", 693_147_180_559_945_309),
        ("0.1", 2_302_585_092_994_045_684),
        ("0.9", 105_360_515_657_826_301),
        ("0.999999999", 1_000_000_000),
        ("0.000000000000000001", 41_446_531_673_892_822_312),
    ];

    /// The tolerance of the comparisons: two units of `10^-18`.
    const TOLERANCE: u128 = 2;

    fn close(actual: FixedU128, expected: u128) -> bool {
        actual.0.abs_diff(expected) <= TOLERANCE
    }

    #[test]
    fn ln_matches_reference_values() {
        for (x, expected) in LN_REFERENCE {
            let actual = ln(x.parse().unwrap()).unwrap();
            assert!(
                close(actual, *expected),
                "ln({x}) = {actual}, expected {expected}"
            );
        }
    }

    #[test]
    fn neg_ln_matches_reference_values() {
        for (x, expected) in NEG_LN_REFERENCE {
            let actual = neg_ln(x.parse().unwrap()).unwrap();
            assert!(
                close(actual, *expected),
                "−ln({x}) = {actual}, expected {expected}"
            );
        }
    }

    #[test]
    fn domains_are_enforced() {
        assert_eq!(ln(FixedU128(FixedU128::DIV - 1)), None);
        assert_eq!(neg_ln(FixedU128::zero()), None);
        assert_eq!(neg_ln(FixedU128(FixedU128::DIV + 1)), None);
        assert_eq!(ln_int(0), None);
        assert_eq!(ln_int(1), Some(FixedU128::zero()));
        assert!(close(
            ln_int(1_000_000).unwrap(),
            13_815_510_557_964_274_104
        ));
        assert_eq!(ln_ratio(u128::MAX, 1).map(|v| v > 0), Some(true));
        assert_eq!(ln_ratio(1, u128::MAX).map(|v| v < 0), Some(true));
        assert_eq!(ln_ratio(u128::MAX, u128::MAX), Some(0));
    }

    #[test]
    fn ln_of_powers_of_two_is_a_multiple_of_ln2() {
        for k in 0..=127u32 {
            let value = ln_ratio(1u128 << k, 1).unwrap();
            assert_eq!(value, i128::from(k) * LN2_PRECISE as i128, "2^{k}");
            assert_eq!(ln_ratio(1, 1u128 << k).unwrap(), -value);
        }
    }

    proptest! {
        #[test]
        fn ln_is_monotonic(a in 1u128.., b in 1u128..) {
            let (low, high) = (a.min(b), a.max(b));
            prop_assert!(ln_ratio(low, 1).unwrap() <= ln_ratio(high, 1).unwrap());
            prop_assert!(ln_ratio(1, low).unwrap() >= ln_ratio(1, high).unwrap());
        }

        #[test]
        fn ln_of_a_product_is_the_sum(a in 1u128..u64::MAX as u128, b in 1u128..u64::MAX as u128) {
            let sum = ln_ratio(a, 1).unwrap() + ln_ratio(b, 1).unwrap();
            let product = ln_ratio(a * b, 1).unwrap();
            prop_assert!((sum - product).abs() < 1_000, "{} vs {}", sum, product);
        }

        #[test]
        fn ln_of_an_inverse_is_the_negation(a in 1u128.., b in 1u128..) {
            let forward = ln_ratio(a, b).unwrap();
            let backward = ln_ratio(b, a).unwrap();
            prop_assert!((forward + backward).abs() < 1_000);
        }
    }
}
