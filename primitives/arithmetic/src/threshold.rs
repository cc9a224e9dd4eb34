//! The weight a supermajority needs, shared by the finality gadget and the
//! entropy pallet's round notes.

/// The least weight strictly above two thirds of `total` — the smallest
/// `w` with `3 w > 2 total`, `⌊2 total / 3⌋ + 1` — computed without
/// overflow as `2 ⌊total / 3⌋ + ⌊2 (total mod 3) / 3⌋ + 1`.
pub fn supermajority(total: u128) -> u128 {
    let third = total / 3;
    let rest = total % 3;
    third
        .saturating_mul(2)
        .saturating_add(rest.saturating_mul(2) / 3)
        .saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::supermajority;

    #[test]
    fn the_threshold_is_the_least_weight_above_two_thirds() {
        for total in 0u128..500 {
            let t = supermajority(total);
            assert!(3 * t > 2 * total, "W = {total}");
            assert!(t == 0 || 3 * (t - 1) <= 2 * total, "W = {total}");
        }
        for total in 1u128..200 {
            let t = supermajority(total);
            assert!(3 * t > 2 * total && 3 * (t - 1) <= 2 * total, "W = {total}");
        }
        assert_eq!(supermajority(u128::MAX), (u128::MAX / 3) * 2 + 1);
    }
}
