//! 256-bit intermediates for 128-bit arithmetic: `a × b / c` without
//! overflow, and the shifts the logarithm's normalization needs.
//!
//! A 256-bit value is a pair `(hi, lo)` meaning `hi·2^128 + lo`.

/// `a × b / c`, rounded down, with a 256-bit intermediate; `None` when
/// `c = 0` or the quotient does not fit in 128 bits.
pub fn mul_div(a: u128, b: u128, c: u128) -> Option<u128> {
    if c == 0 {
        return None;
    }
    if let Some(product) = a.checked_mul(b) {
        return product.checked_div(c);
    }
    let (hi, lo) = wide_mul(a, b);
    wide_div(hi, lo, c)
}

/// The full 256-bit product `a × b` as `(hi, lo)`.
pub fn wide_mul(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a_hi, a_lo) = (a >> 64, a & MASK);
    let (b_hi, b_lo) = (b >> 64, b & MASK);
    let lo_lo = a_lo.wrapping_mul(b_lo);
    let hi_lo = a_hi.wrapping_mul(b_lo);
    let lo_hi = a_lo.wrapping_mul(b_hi);
    let hi_hi = a_hi.wrapping_mul(b_hi);
    let cross = (lo_lo >> 64)
        .wrapping_add(hi_lo & MASK)
        .wrapping_add(lo_hi & MASK);
    let lo = (cross << 64) | (lo_lo & MASK);
    let hi = hi_hi
        .wrapping_add(hi_lo >> 64)
        .wrapping_add(lo_hi >> 64)
        .wrapping_add(cross >> 64);
    (hi, lo)
}

/// `(hi·2^128 + lo) / c`, rounded down; `None` if `c = 0` or the quotient
/// exceeds 128 bits.
pub fn wide_div(hi: u128, lo: u128, c: u128) -> Option<u128> {
    if c == 0 || hi >= c {
        return None;
    }
    let mut rem = hi;
    let mut quotient: u128 = 0;
    for i in (0..128).rev() {
        let carry = rem >> 127;
        rem = (rem << 1) | ((lo >> i) & 1);
        quotient <<= 1;
        if carry == 1 || rem >= c {
            rem = rem.wrapping_sub(c);
            quotient |= 1;
        }
    }
    Some(quotient)
}

/// `(hi, lo) >> shift`, for `shift < 256`; zero beyond.
pub fn wide_shr(hi: u128, lo: u128, shift: u32) -> (u128, u128) {
    match shift {
        0 => (hi, lo),
        1..=127 => (
            hi >> shift,
            (lo >> shift) | (hi << 128u32.wrapping_sub(shift)),
        ),
        128..=255 => (0, hi >> shift.wrapping_sub(128)),
        _ => (0, 0),
    }
}

/// `(hi, lo) << shift`, for `shift < 256`; bits shifted past 2^256 are lost.
pub fn wide_shl(hi: u128, lo: u128, shift: u32) -> (u128, u128) {
    match shift {
        0 => (hi, lo),
        1..=127 => (
            (hi << shift) | (lo >> 128u32.wrapping_sub(shift)),
            lo << shift,
        ),
        128..=255 => (lo << shift.wrapping_sub(128), 0),
        _ => (0, 0),
    }
}

/// Whether `a₁ × b₁ > a₂ × b₂`, exactly.
pub fn product_gt(a1: u128, b1: u128, a2: u128, b2: u128) -> bool {
    wide_mul(a1, b1) > wide_mul(a2, b2)
}

/// The number of significant bits of `x` (0 for 0).
pub fn bit_length(x: u128) -> u32 {
    128u32.saturating_sub(x.leading_zeros())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn extremes() {
        assert_eq!(mul_div(u128::MAX, 4, 8), Some(u128::MAX / 2));
        assert_eq!(mul_div(u128::MAX, 2, 1), None);
        assert_eq!(mul_div(u128::MAX, u128::MAX, u128::MAX), Some(u128::MAX));
        assert_eq!(mul_div(1, 1, 0), None);
        assert_eq!(wide_mul(u128::MAX, u128::MAX), (u128::MAX - 1, 1));
        assert_eq!(wide_shr(1, 0, 1), (0, 1 << 127));
        assert_eq!(wide_shr(1, 0, 128), (0, 1));
        assert_eq!(wide_shr(u128::MAX, u128::MAX, 300), (0, 0));
        assert_eq!(wide_shl(0, 1 << 127, 1), (1, 0));
        assert_eq!(wide_shl(0, 1, 128), (1, 0));
        assert_eq!(wide_shl(0, 3, 255), (1 << 127, 0));
        assert!(product_gt(u128::MAX, 2, u128::MAX, 1));
        assert!(!product_gt(3, 4, 6, 2));
        assert_eq!(bit_length(0), 0);
        assert_eq!(bit_length(1), 1);
        assert_eq!(bit_length(u128::MAX), 128);
    }

    proptest! {
        #[test]
        fn mul_div_matches_small_arithmetic(a in any::<u64>(), b in any::<u64>(), c in 1u64..) {
            let expected = u128::from(a) * u128::from(b) / u128::from(c);
            prop_assert_eq!(mul_div(u128::from(a), u128::from(b), u128::from(c)), Some(expected));
        }

        #[test]
        fn mul_div_by_its_own_factor_is_identity(a in any::<u128>(), c in 1u128..) {
            prop_assert_eq!(mul_div(a, c, c), Some(a));
        }

        #[test]
        fn shifting_the_product_matches_dividing_by_a_power_of_two(
            a in any::<u128>(), b in any::<u64>(), k in 0u32..64,
        ) {
            let (hi, lo) = wide_mul(a, u128::from(b));
            let (hi, lo) = wide_shr(hi, lo, k);
            prop_assert_eq!(wide_div(hi, lo, 1), mul_div(a, u128::from(b), 1u128 << k));
        }

        #[test]
        fn shifting_left_then_right_is_identity(a in any::<u128>(), k in 0u32..128) {
            let (hi, lo) = wide_shl(0, a, k);
            prop_assert_eq!(wide_shr(hi, lo, k), (0, a));
        }
    }
}
