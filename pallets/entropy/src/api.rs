//! What the runtime's `EntropyApi` reports: the current and next epochs as
//! slot authorship sees them, the finality voters, and the set that
//! authors a given slot.

use crate::{Config, CurrentEpoch, EpochSetOf, EpochSets, GenesisSlot, Pallet};
use entroos_consensus_primitives::{EpochAuthority, EpochInfo, FinalityVoter, FinalityVoters};
use entroos_support::state::Externalities;

impl<T: Config> Pallet<T> {
    /// The current epoch: its index, first slot (once the first block has
    /// fixed epoch 0's), length, randomness, authorities and `c`.
    pub fn current_epoch(ext: &dyn Externalities) -> EpochInfo {
        let index = CurrentEpoch::get(ext);
        Self::epoch_info(ext, index, &Self::current_set(ext))
    }

    /// The next epoch, whose set was fixed one epoch ahead.
    pub fn next_epoch(ext: &dyn Externalities) -> EpochInfo {
        let index = CurrentEpoch::get(ext).saturating_add(1);
        let set = EpochSets::<T>::get(ext, &index).unwrap_or_else(|| Self::current_set(ext));
        Self::epoch_info(ext, index, &set)
    }

    /// The finality voters of the current epoch: each member's ed25519 key
    /// and weight, with the epoch index as the set id.
    pub fn finality_voters(ext: &dyn Externalities) -> FinalityVoters {
        let voters = Self::current_set(ext)
            .authorities
            .as_slice()
            .iter()
            .map(|a| FinalityVoter {
                stash: a.stash,
                key: a.keys.finality,
                weight: a.weight,
            })
            .collect();
        FinalityVoters {
            set_id: CurrentEpoch::get(ext),
            voters,
        }
    }

    /// The epoch index and set a block at `slot` on top of this state is
    /// checked against (as `on_initialize` will rotate): the current set
    /// for a slot of the current epoch (or any slot before the first
    /// block), the next set for a later one. `None` for a slot before the
    /// current epoch.
    pub fn authorship_set(ext: &dyn Externalities, slot: u64) -> Option<(u64, EpochSetOf<T>)> {
        let current = CurrentEpoch::get(ext);
        let Some(genesis_slot) = GenesisSlot::get(ext) else {
            return Some((current, Self::current_set(ext)));
        };
        let target = Self::params(ext).epoch_of(genesis_slot, slot)?;
        match target.cmp(&current) {
            std::cmp::Ordering::Less => None,
            std::cmp::Ordering::Equal => Some((current, Self::current_set(ext))),
            std::cmp::Ordering::Greater => Some((target, Self::next_set(ext))),
        }
    }

    fn epoch_info(ext: &dyn Externalities, index: u64, set: &EpochSetOf<T>) -> EpochInfo {
        let params = Self::params(ext);
        let start_slot = GenesisSlot::get(ext).map(|g| params.epoch_start(g, index));
        let authorities = set
            .authorities
            .as_slice()
            .iter()
            .map(|a| EpochAuthority {
                stash: a.stash,
                vrf_key: a.keys.vrf,
                weight: a.weight,
            })
            .collect();
        EpochInfo {
            index,
            start_slot,
            length: params.epoch_length,
            randomness: set.randomness,
            authorities,
            primary_probability: params.primary_probability,
        }
    }
}
