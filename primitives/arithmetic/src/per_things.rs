//! [`Perbill`]: a ratio in `[0, 1]` in parts per billion.

use crate::wide::mul_div;
use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::{Path, Type, TypeInfo};

/// A fraction in parts per billion, `0..=1_000_000_000`. Described in the
/// metadata as `sp_arithmetic::per_things::Perbill` (a SCALE `u32`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode, MaxEncodedLen,
)]
pub struct Perbill(u32);

impl TypeInfo for Perbill {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("Perbill", "sp_arithmetic::per_things"))
            .composite(
                scale_info::build::Fields::unnamed().field(|f| f.ty::<u32>().type_name("u32")),
            )
    }
}

impl Perbill {
    /// Parts per billion in one.
    pub const ACCURACY: u32 = 1_000_000_000;

    /// Zero.
    pub const fn zero() -> Self {
        Perbill(0)
    }

    /// One.
    pub const fn one() -> Self {
        Perbill(Self::ACCURACY)
    }

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

    /// `numerator / denominator` rounded down, capped at one; zero when the
    /// denominator is zero.
    pub fn from_rational(numerator: u128, denominator: u128) -> Self {
        if numerator >= denominator {
            return if denominator == 0 {
                Self::zero()
            } else {
                Self::one()
            };
        }
        let parts = mul_div(numerator, u128::from(Self::ACCURACY), denominator).unwrap_or(0);
        Self::from_parts(u32::try_from(parts).unwrap_or(Self::ACCURACY))
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

    /// `self × n` for a 128-bit `n`, rounded down (never overflows: the
    /// ratio is at most one).
    pub fn mul_floor_u128(self, n: u128) -> u128 {
        mul_div(n, u128::from(self.0), u128::from(Self::ACCURACY)).unwrap_or(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn basics() {
        assert_eq!(Perbill::from_percent(25).mul_floor(1000), 250);
        assert_eq!(Perbill::from_percent(200), Perbill::one());
        assert_eq!(Perbill::from_rational(1, 3).deconstruct(), 333_333_333);
        assert_eq!(Perbill::from_rational(5, 3), Perbill::one());
        assert_eq!(Perbill::from_rational(0, 0), Perbill::zero());
        assert_eq!(Perbill::one().mul_floor_u128(u128::MAX), u128::MAX);
        assert_eq!(
            Perbill::from_percent(50).mul_floor_u128(u128::MAX),
            u128::MAX / 2
        );
        assert_eq!(Perbill::from_parts(7).encode(), 7u32.encode());
    }

    proptest! {
        #[test]
        fn products_never_exceed_the_input(parts in 0u32..=Perbill::ACCURACY, n in any::<u128>()) {
            prop_assert!(Perbill::from_parts(parts).mul_floor_u128(n) <= n);
        }
    }
}
