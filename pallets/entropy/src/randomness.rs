//! Epoch randomness and secondary-slot assignment.
//!
//! - Each primary block's VRF output is folded into the epoch's
//!   accumulator: `acc ← blake2_256(acc ++ output)` (it starts at zero).
//! - When epoch `e` ends, the randomness of epoch `e+2` (the set selected
//!   then) is `blake2_256(SCALE((randomness(e), e+2, acc)))`.
//! - The secondary assignee of `slot` is
//!   `entroos_consensus_primitives::secondary_author(randomness, slot,
//!   weights)`: `weighted_pick(draw, weights)` with `draw` the first 16
//!   bytes, little-endian, of `blake2_256(randomness ++ SCALE(slot))`. The
//!   node's slot authoring calls the same function on the same set.

use crate::{Config, EpochSetOf, Pallet, RandomnessAccumulator};
use codec::Encode;
use entroos_consensus_primitives::secondary_author;
use entroos_primitives::hashing::blake2_256;
use entroos_support::state::Externalities;

/// The index of `slot`'s secondary assignee in `set`, if any member has weight.
pub fn secondary_index<S: entroos_support::storage::TypedGet<Value = u32>>(
    set: &crate::EpochSet<S>,
    slot: u64,
) -> Option<u32> {
    secondary_author(&set.randomness, slot, &set.weights())
}

/// The randomness of epoch `target` from the randomness of the ending epoch
/// and its accumulator.
pub fn derive(ending: &[u8; 32], target: u64, accumulator: &[u8; 32]) -> [u8; 32] {
    blake2_256(&(ending, target, accumulator).encode())
}

impl<T: Config> Pallet<T> {
    /// Folds a primary VRF output into this epoch's accumulator.
    pub(crate) fn accumulate(ext: &mut dyn Externalities, vrf_output: &[u8; 32]) {
        RandomnessAccumulator::mutate(ext, |acc| {
            let mut input = acc.to_vec();
            input.extend_from_slice(vrf_output);
            *acc = blake2_256(&input);
        });
    }

    /// The secondary assignee of `slot` in the current epoch's set.
    pub fn secondary_author(ext: &dyn Externalities, slot: u64) -> Option<u32> {
        secondary_index(&Self::current_set(ext), slot)
    }

    /// The current epoch's set (empty before genesis set one).
    pub fn current_set(ext: &dyn Externalities) -> EpochSetOf<T> {
        crate::EpochSets::<T>::get(ext, &crate::CurrentEpoch::get(ext)).unwrap_or_default()
    }

    /// The next epoch's set, fixed one epoch ahead.
    pub fn next_set(ext: &dyn Externalities) -> EpochSetOf<T> {
        let next = crate::CurrentEpoch::get(ext).saturating_add(1);
        crate::EpochSets::<T>::get(ext, &next).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn randomness_depends_on_the_target_and_the_accumulator() {
        assert_ne!(derive(&[0; 32], 2, &[0; 32]), derive(&[0; 32], 3, &[0; 32]));
        assert_ne!(derive(&[0; 32], 2, &[0; 32]), derive(&[0; 32], 2, &[1; 32]));
    }
}
