//! The secondary assignee of a slot: one authority per slot, picked by
//! weight from the epoch randomness and the slot.

use codec::Encode;
use entroos_arithmetic::weighted_pick;
use entroos_primitives::hashing::blake2_256;

/// The uniform draw that picks `slot`'s secondary assignee: the first 16
/// bytes, little-endian, of `blake2_256(randomness ++ SCALE(slot))`.
pub fn secondary_draw(randomness: &[u8; 32], slot: u64) -> u128 {
    let mut input = randomness.to_vec();
    input.extend(slot.encode());
    let hash = blake2_256(&input);
    hash.first_chunk::<16>()
        .map_or(0, |low| u128::from_le_bytes(*low))
}

/// The index (in `weights`, the epoch's authorities in set order) of
/// `slot`'s secondary assignee; `None` if no authority has weight.
pub fn secondary_author(randomness: &[u8; 32], slot: u64, weights: &[u128]) -> Option<u32> {
    let index = weighted_pick(secondary_draw(randomness, slot), weights)?;
    u32::try_from(index).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_depend_on_randomness_and_slot() {
        let a = secondary_draw(&[1; 32], 5);
        assert_eq!(a, secondary_draw(&[1; 32], 5));
        assert_ne!(a, secondary_draw(&[1; 32], 6));
        assert_ne!(a, secondary_draw(&[2; 32], 5));
    }

    #[test]
    fn the_draw_is_pinned() {
        let mut input = [3u8; 32].to_vec();
        input.extend(9u64.to_le_bytes());
        let hash = blake2_256(&input);
        let mut low = [0u8; 16];
        low.copy_from_slice(&hash[..16]);
        assert_eq!(secondary_draw(&[3; 32], 9), u128::from_le_bytes(low));
    }

    #[test]
    fn assignees_follow_weight_and_skip_zero_weights() {
        assert_eq!(secondary_author(&[0; 32], 1, &[]), None);
        assert_eq!(secondary_author(&[0; 32], 1, &[0, 0]), None);
        assert_eq!(secondary_author(&[0; 32], 1, &[0, 5, 0]), Some(1));
        let weights = [1u128, 3];
        let heavy = (0..4_000u64)
            .filter(|slot| secondary_author(&[4; 32], *slot, &weights) == Some(1))
            .count();
        // Expected 3 000 (σ ≈ 27).
        assert!((2_850..=3_150).contains(&heavy), "{heavy}");
    }
}
