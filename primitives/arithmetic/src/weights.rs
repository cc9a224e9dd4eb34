//! Sums of weights that cannot overflow: when `Σ w` exceeds `u128::MAX`,
//! every weight is shifted right by the same number of bits first, which
//! keeps every share exact to within `2^-128` relative to the total.

use crate::wide::bit_length;

/// The weights as used for shares: each shifted right by `shift`, and
/// their total (which then fits in a `u128`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shares {
    /// The right shift applied to every weight.
    pub shift: u32,
    /// `Σ (w >> shift)`.
    pub total: u128,
}

impl Shares {
    /// The shift and total for `weights`.
    pub fn of(weights: &[u128]) -> Self {
        let (mut hi, mut lo) = (0u128, 0u128);
        for w in weights {
            let (sum, carry) = lo.overflowing_add(*w);
            lo = sum;
            hi = hi.saturating_add(u128::from(carry));
        }
        if hi == 0 {
            return Shares {
                shift: 0,
                total: lo,
            };
        }
        let shift = bit_length(hi);
        let total = weights.iter().fold(0u128, |acc, w| {
            acc.saturating_add(w.checked_shr(shift).unwrap_or(0))
        });
        Shares { shift, total }
    }

    /// One weight as counted in [`total`](Self::total).
    pub fn weight(&self, w: u128) -> u128 {
        w.checked_shr(self.shift).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_sums_are_unshifted_and_large_ones_fit() {
        assert_eq!(Shares::of(&[1, 2, 3]), Shares { shift: 0, total: 6 });
        assert_eq!(Shares::of(&[]), Shares { shift: 0, total: 0 });
        let max = Shares::of(&[u128::MAX, u128::MAX, u128::MAX]);
        assert_eq!(max.shift, 2);
        assert_eq!(max.total, 3 * (u128::MAX >> 2));
        assert_eq!(max.weight(u128::MAX), u128::MAX >> 2);
    }
}
