//! The targeted fee adjustment, in fixed point.

use entroos_primitives::arithmetic::FixedU128;

/// The share of a block's normal weight the adjustment steers towards: 25 %.
pub const TARGET_PERCENT: u128 = 25;
/// `v`, the adjustment speed: 0.00004 per block at full deviation.
pub const ADJUSTMENT_VARIABLE: FixedU128 = FixedU128(40_000_000_000_000);
/// The multiplier never falls below one.
pub const MINIMUM: FixedU128 = FixedU128::one();
/// Nor rises above a million.
pub const MAXIMUM: FixedU128 = FixedU128(1_000_000 * FixedU128::DIV);

/// `m · (1 + v·s + (v·s)²/2)` with `s = (used − target) / max`, clamped.
pub fn next_multiplier(current: FixedU128, used: u64, max: u64) -> FixedU128 {
    if max == 0 {
        return current.max(MINIMUM);
    }
    let max = u128::from(max);
    let target = max
        .saturating_mul(TARGET_PERCENT)
        .checked_div(100)
        .unwrap_or(0);
    let used = u128::from(used);
    let (diff, rising) = if used >= target {
        (used.saturating_sub(target), true)
    } else {
        (target.saturating_sub(used), false)
    };
    let s = FixedU128::checked_from_rational(diff, max).unwrap_or_default();
    let vs = ADJUSTMENT_VARIABLE.saturating_mul(s);
    let half_square = FixedU128(vs.saturating_mul(vs).0 >> 1);
    let factor = if rising {
        FixedU128::one()
            .saturating_add(vs)
            .saturating_add(half_square)
    } else {
        FixedU128::one()
            .saturating_sub(vs)
            .saturating_add(half_square)
    };
    current.saturating_mul(factor).clamp(MINIMUM, MAXIMUM)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rises_above_target_and_rests_at_one() {
        let one = FixedU128::one();
        assert_eq!(next_multiplier(one, 0, 1000), one);
        assert_eq!(next_multiplier(one, 250, 1000), one);
        let up = next_multiplier(one, 1000, 1000);
        assert!(up > one);
        assert!(next_multiplier(up, 0, 1000) < up);
        assert_eq!(next_multiplier(one, 5, 0), one);
    }
}
