//! [`FixedU128`]: an unsigned fixed-point number with 18 decimals.
//!
//! The value is `inner / 10^18`. Every operation rounds toward zero (down)
//! and says what it does on overflow: `checked_*` return `None`,
//! `saturating_*` stop at the bounds (0 and `u128::MAX / 10^18 ≈ 3.4·10^20`).

use crate::per_things::Perbill;
use crate::wide::mul_div;
use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::{Path, Type, TypeInfo};

/// An unsigned fixed-point number with 18 decimals: `inner / 10^18`.
/// Described in the metadata as `sp_arithmetic::fixed_point::FixedU128`
/// (a SCALE `u128`), so clients decode it unmodified.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode, MaxEncodedLen,
)]
pub struct FixedU128(pub u128);

impl TypeInfo for FixedU128 {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("FixedU128", "sp_arithmetic::fixed_point"))
            .composite(
                scale_info::build::Fields::unnamed().field(|f| f.ty::<u128>().type_name("u128")),
            )
    }
}

impl FixedU128 {
    /// `10^18`, the representation of one.
    pub const DIV: u128 = 1_000_000_000_000_000_000;

    /// Zero.
    pub const fn zero() -> Self {
        FixedU128(0)
    }

    /// One.
    pub const fn one() -> Self {
        FixedU128(Self::DIV)
    }

    /// The integer `n`.
    pub const fn from_u32(n: u32) -> Self {
        FixedU128((n as u128).saturating_mul(Self::DIV))
    }

    /// The value whose representation is `inner`.
    pub const fn from_inner(inner: u128) -> Self {
        FixedU128(inner)
    }

    /// The representation (`value × 10^18`).
    pub const fn into_inner(self) -> u128 {
        self.0
    }

    /// Whether this is zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `numerator / denominator` rounded down, or `None` if the denominator
    /// is zero or the quotient exceeds the largest value.
    pub fn checked_from_rational(numerator: u128, denominator: u128) -> Option<Self> {
        mul_div(numerator, Self::DIV, denominator).map(FixedU128)
    }

    /// `parts / 1000` (exact), saturating: how parameters are written.
    pub const fn from_perthousand(parts: u128) -> Self {
        FixedU128(parts.saturating_mul(Self::DIV / 1_000))
    }

    /// The same ratio as `ratio` (exact: 10^9 divides 10^18).
    pub const fn from_perbill(ratio: Perbill) -> Self {
        FixedU128((ratio.deconstruct() as u128).saturating_mul(1_000_000_000))
    }

    /// `self × n` rounded down, or `None` on overflow.
    pub fn checked_mul_int(self, n: u128) -> Option<u128> {
        mul_div(self.0, n, Self::DIV)
    }

    /// `self × n` rounded down, saturating at `u128::MAX`.
    pub fn saturating_mul_int(self, n: u128) -> u128 {
        self.checked_mul_int(n).unwrap_or(u128::MAX)
    }

    /// `self × other` rounded down, or `None` on overflow.
    pub fn checked_mul(self, other: Self) -> Option<Self> {
        mul_div(self.0, other.0, Self::DIV).map(FixedU128)
    }

    /// `self × other` rounded down, saturating.
    pub fn saturating_mul(self, other: Self) -> Self {
        self.checked_mul(other).unwrap_or(FixedU128(u128::MAX))
    }

    /// `self / other` rounded down, or `None` if `other` is zero or on overflow.
    pub fn checked_div(self, other: Self) -> Option<Self> {
        mul_div(self.0, Self::DIV, other.0).map(FixedU128)
    }

    /// `self / n` rounded down, or `None` if `n` is zero.
    pub fn checked_div_int(self, n: u128) -> Option<Self> {
        self.0.checked_div(n).map(FixedU128)
    }

    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0.checked_add(other.0).map(FixedU128)
    }

    /// `self + other`, saturating.
    pub fn saturating_add(self, other: Self) -> Self {
        FixedU128(self.0.saturating_add(other.0))
    }

    /// `self − other`, or `None` below zero.
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.0.checked_sub(other.0).map(FixedU128)
    }

    /// `self − other`, saturating at zero.
    pub fn saturating_sub(self, other: Self) -> Self {
        FixedU128(self.0.saturating_sub(other.0))
    }

    /// The convex combination `λ·self + (1 − λ)·target` for `λ ∈ [0, 1]`
    /// (a larger `λ` is treated as one). Each product is rounded down, so
    /// the result is at most the exact value and at most `max(self, target)`.
    pub fn decay_toward(self, target: Self, lambda: Self) -> Self {
        let lambda = lambda.min(Self::one());
        let kept = self.saturating_mul(lambda);
        let moved = target.saturating_mul(Self::one().saturating_sub(lambda));
        kept.saturating_add(moved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn basics() {
        assert_eq!(FixedU128::one().saturating_mul_int(42), 42);
        let half = FixedU128::checked_from_rational(1, 2).unwrap();
        assert_eq!(half.saturating_mul_int(10), 5);
        assert_eq!(half.saturating_mul(half), FixedU128(FixedU128::DIV / 4));
        assert_eq!(
            FixedU128::one().checked_div(half),
            Some(FixedU128::from_u32(2))
        );
        assert_eq!(half.checked_div(FixedU128::zero()), None);
        assert_eq!(FixedU128::checked_from_rational(1, 0), None);
        assert_eq!(FixedU128::checked_from_rational(u128::MAX, 1), None);
        assert_eq!(FixedU128::one().encode(), FixedU128::DIV.encode());
        assert_eq!(
            FixedU128::from_perbill(Perbill::from_percent(25)),
            FixedU128::checked_from_rational(1, 4).unwrap()
        );
        assert_eq!(
            FixedU128(u128::MAX).saturating_mul(FixedU128::from_u32(2)),
            FixedU128(u128::MAX)
        );
        assert_eq!(
            FixedU128(u128::MAX).saturating_mul_int(u128::MAX),
            u128::MAX
        );
        assert_eq!(FixedU128::one().saturating_mul_int(u128::MAX), u128::MAX);
    }

    #[test]
    fn one_third_rounds_down() {
        let third = FixedU128::checked_from_rational(1, 3).unwrap();
        assert_eq!(third.0, 333_333_333_333_333_333);
        assert_eq!(
            third.saturating_mul_int(3),
            0,
            "0.999… × 3 rounds down to 0"
        );
    }

    #[test]
    fn decay_toward_moves_by_one_minus_lambda() {
        let lambda = FixedU128::checked_from_rational(9, 10).unwrap();
        let r = FixedU128::zero().decay_toward(FixedU128::one(), lambda);
        assert_eq!(r, FixedU128::checked_from_rational(1, 10).unwrap());
        let r = FixedU128::one().decay_toward(FixedU128::zero(), lambda);
        assert_eq!(r, lambda);
        let same = FixedU128::one().decay_toward(FixedU128::one(), FixedU128::from_u32(5));
        assert_eq!(same, FixedU128::one(), "λ above one is one");
    }

    proptest! {
        #[test]
        fn decay_stays_between_its_inputs(
            a in 0u128..=FixedU128::DIV, b in 0u128..=FixedU128::DIV, l in 0u128..=FixedU128::DIV,
        ) {
            let out = FixedU128(a).decay_toward(FixedU128(b), FixedU128(l));
            prop_assert!(out.0 <= a.max(b));
            // Two roundings down lose at most two units.
            prop_assert!(out.0.saturating_add(2) >= a.min(b));
        }

        #[test]
        fn multiplication_rounds_down(a in any::<u64>(), b in any::<u64>()) {
            let (a, b) = (u128::from(a), u128::from(b));
            let product = FixedU128(a).saturating_mul(FixedU128(b)).0;
            prop_assert_eq!(product, a * b / FixedU128::DIV);
        }
    }
}
