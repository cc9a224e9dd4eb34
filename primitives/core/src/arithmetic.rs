//! Fixed-point numbers for deterministic runtime arithmetic: every node
//! computes the same bits, so no floating point is ever used.

use crate::scale_paths::newtype_type_info;
use codec::{Decode, Encode, MaxEncodedLen};

/// An unsigned fixed-point number with 18 decimals: `inner / 10^18`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, MaxEncodedLen,
)]
pub struct FixedU128(pub u128);
newtype_type_info!(
    FixedU128,
    "FixedU128",
    "sp_arithmetic::fixed_point",
    u128,
    "u128"
);

/// A fraction in parts per billion, `0..=1_000_000_000`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, MaxEncodedLen,
)]
pub struct Perbill(u32);
newtype_type_info!(Perbill, "Perbill", "sp_arithmetic::per_things", u32, "u32");

impl FixedU128 {
    /// `10^18`, the representation of one.
    pub const DIV: u128 = 1_000_000_000_000_000_000;

    /// The integer `n`.
    pub const fn from_u32(n: u32) -> Self {
        FixedU128((n as u128).saturating_mul(Self::DIV))
    }

    /// One.
    pub const fn one() -> Self {
        FixedU128(Self::DIV)
    }

    /// `numerator / denominator`, or `None` if the denominator is zero or it overflows.
    pub fn checked_from_rational(numerator: u128, denominator: u128) -> Option<Self> {
        if denominator == 0 {
            return None;
        }
        mul_div(numerator, Self::DIV, denominator).map(FixedU128)
    }

    /// `self × n`, rounded down, saturating at `u128::MAX`.
    pub fn saturating_mul_int(self, n: u128) -> u128 {
        mul_div(self.0, n, Self::DIV).unwrap_or(u128::MAX)
    }

    /// `self × other`, saturating.
    pub fn saturating_mul(self, other: Self) -> Self {
        FixedU128(mul_div(self.0, other.0, Self::DIV).unwrap_or(u128::MAX))
    }

    /// `self + other`, saturating.
    pub fn saturating_add(self, other: Self) -> Self {
        FixedU128(self.0.saturating_add(other.0))
    }

    /// `self − other`, saturating at zero.
    pub fn saturating_sub(self, other: Self) -> Self {
        FixedU128(self.0.saturating_sub(other.0))
    }
}

impl Perbill {
    /// Parts per billion in one.
    pub const ACCURACY: u32 = 1_000_000_000;

    /// `parts / 10^9`, capped at one.
    pub const fn from_parts(parts: u32) -> Self {
        Perbill(if parts > Self::ACCURACY {
            Self::ACCURACY
        } else {
            parts
        })
    }

    /// `percent / 100`, capped at one.
    pub const fn from_percent(percent: u32) -> Self {
        Self::from_parts(percent.saturating_mul(10_000_000))
    }

    /// The parts per billion.
    pub const fn deconstruct(self) -> u32 {
        self.0
    }

    /// `self × n`, rounded down.
    pub fn mul_floor(self, n: u64) -> u64 {
        let product = u128::from(n).saturating_mul(u128::from(self.0));
        product
            .checked_div(u128::from(Self::ACCURACY))
            .and_then(|q| u64::try_from(q).ok())
            .unwrap_or(u64::MAX)
    }
}

/// `a × b / c` with a 256-bit intermediate; `None` on overflow or `c = 0`.
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

fn wide_mul(a: u128, b: u128) -> (u128, u128) {
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

/// `(hi·2^128 + lo) / c`, `None` if the quotient exceeds 128 bits.
fn wide_div(hi: u128, lo: u128, c: u128) -> Option<u128> {
    if hi >= c {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn basics() {
        assert_eq!(FixedU128::one().saturating_mul_int(42), 42);
        assert_eq!(
            FixedU128::checked_from_rational(1, 2)
                .unwrap()
                .saturating_mul_int(10),
            5
        );
        assert_eq!(Perbill::from_percent(25).mul_floor(1000), 250);
        assert_eq!(mul_div(u128::MAX, 4, 8), Some(u128::MAX / 2));
        assert_eq!(mul_div(u128::MAX, 2, 1), None);
        assert_eq!(FixedU128::one().encode(), FixedU128::DIV.encode());
    }

    proptest! {
        #[test]
        fn mul_div_matches_small_arithmetic(a in any::<u64>(), b in any::<u64>(), c in 1u64..) {
            let expected = u128::from(a) * u128::from(b) / u128::from(c);
            prop_assert_eq!(mul_div(u128::from(a), u128::from(b), u128::from(c)), Some(expected));
        }

        #[test]
        fn mul_div_wide_is_consistent(a in any::<u128>(), b in 1u128..1_000_000, c in 1u128..1_000_000) {
            // (a·b)/c computed wide must equal a·(b/c) + a·(b%c)/c when no overflow.
            if let Some(q) = mul_div(a, b, c) {
                prop_assert!(q >= a / c * b.min(1));
            }
            prop_assert_eq!(mul_div(a, c, c), Some(a));
        }
    }
}
