//! Epoch data for slot verification and authoring: read from the runtime
//! at the parent block (`EntropyApi_current_epoch`, `EntropyApi_next_epoch`),
//! turned into `entroos-consensus-slots` epochs (bounds checked, primary
//! thresholds computed once) and cached.
//!
//! The epoch of a slot on top of a parent:
//!
//! - before the first block (the runtime reports no first slot), epoch 0
//!   starts at the slot itself: the first block fixes the chain's slots;
//! - a slot inside the parent's current epoch: that epoch;
//! - a later slot: the parent's next epoch, advanced over whole skipped
//!   epochs as the runtime carries a set over them.
//!
//! Forks may hold different data for one epoch index (the randomness of
//! epoch `e + 2` depends on the primary blocks of epoch `e` on each
//! branch), so the cache is keyed by the data itself: a blake2-256 hash of
//! the encoded epoch with its first slot resolved. It holds at most
//! [`CACHED_EPOCHS`] epochs and forgets the least recently built first.

use codec::{Decode, Encode};
use entroos_client_api::ClientError;
use entroos_consensus_primitives::EpochInfo;
use entroos_consensus_slots::{Authority, Epoch};
use entroos_primitives::hashing::blake2_256;
use parking_lot::Mutex;
use std::collections::BTreeMap;

/// How many built epochs are kept.
pub const CACHED_EPOCHS: usize = 16;

/// The runtime API methods read.
pub const CURRENT_EPOCH: &str = "EntropyApi_current_epoch";
/// The runtime API method of the next epoch.
pub const NEXT_EPOCH: &str = "EntropyApi_next_epoch";

/// Built epochs by the hash of their data, with the order they were built.
#[derive(Default)]
pub struct EpochCache {
    inner: Mutex<CacheState>,
}

#[derive(Default)]
struct CacheState {
    epochs: BTreeMap<[u8; 32], (u64, Epoch)>,
    built: u64,
}

impl EpochCache {
    /// The epoch described by `info`, starting at `start_slot`: from the
    /// cache, or built (and cached) now.
    pub fn epoch(&self, info: &EpochInfo, start_slot: u64) -> Result<Epoch, ClientError> {
        let key = blake2_256(&(info, start_slot).encode());
        if let Some((_, epoch)) = self.inner.lock().epochs.get(&key) {
            return Ok(epoch.clone());
        }
        let epoch = build(info, start_slot)?;
        let mut state = self.inner.lock();
        state.built = state.built.saturating_add(1);
        let order = state.built;
        state.epochs.insert(key, (order, epoch.clone()));
        while state.epochs.len() > CACHED_EPOCHS {
            let oldest = state
                .epochs
                .iter()
                .min_by_key(|(_, (order, _))| *order)
                .map(|(key, _)| *key);
            match oldest {
                Some(key) => state.epochs.remove(&key),
                None => break,
            };
        }
        Ok(epoch)
    }

    /// How many epochs are cached.
    pub fn len(&self) -> usize {
        self.inner.lock().epochs.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn build(info: &EpochInfo, start_slot: u64) -> Result<Epoch, ClientError> {
    let authorities = info
        .authorities
        .iter()
        .map(|a| Authority {
            vrf_key: a.vrf_key,
            weight: a.weight,
        })
        .collect();
    Epoch::new(
        info.index,
        start_slot,
        info.length,
        info.randomness,
        authorities,
        info.primary_probability,
    )
    .map_err(|e| ClientError::BadCallOutput {
        method: CURRENT_EPOCH.into(),
        reason: format!("epoch {}: {e}", info.index),
    })
}

/// Decodes a runtime answer of `method` as an epoch.
pub fn decode_epoch(method: &str, output: &[u8]) -> Result<EpochInfo, ClientError> {
    EpochInfo::decode(&mut &output[..]).map_err(|e| ClientError::BadCallOutput {
        method: method.into(),
        reason: e.to_string(),
    })
}

/// Where the current epoch starts if it holds `slot` (before the first
/// block: at `slot`); `None` when the next epoch must be asked for.
pub fn current_holds(current: &EpochInfo, slot: u64) -> Option<u64> {
    match current.start_slot {
        None => Some(slot),
        Some(start) if slot < start.saturating_add(current.length) => Some(start),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_consensus_primitives::EpochAuthority;
    use entroos_primitives::arithmetic::FixedU128;
    use entroos_primitives::crypto::sr25519::Pair;
    use entroos_primitives::AccountId32;

    fn info(index: u64, randomness: u8) -> EpochInfo {
        EpochInfo {
            index,
            start_slot: Some(100),
            length: 10,
            randomness: [randomness; 32],
            authorities: vec![EpochAuthority {
                stash: AccountId32([1; 32]),
                vrf_key: Pair::from_seed(&[1; 32]).unwrap().public(),
                weight: 5,
            }],
            primary_probability: FixedU128::from_inner(FixedU128::DIV / 4),
        }
    }

    #[test]
    fn epochs_are_cached_by_their_data_and_bounded() {
        let cache = EpochCache::default();
        let a = cache.epoch(&info(1, 1), 100).unwrap();
        assert_eq!(cache.epoch(&info(1, 1), 100).unwrap(), a);
        assert_eq!(cache.len(), 1);
        let other_fork = cache.epoch(&info(1, 2), 100).unwrap();
        assert_ne!(other_fork.randomness(), a.randomness());
        assert_eq!(cache.len(), 2);
        for n in 0..40 {
            cache.epoch(&info(n, 3), 100).unwrap();
        }
        assert_eq!(cache.len(), CACHED_EPOCHS);
    }

    #[test]
    fn bad_epoch_data_is_a_bad_runtime_answer() {
        let mut bad = info(1, 1);
        bad.length = 0;
        let error = EpochCache::default().epoch(&bad, 100).unwrap_err();
        assert!(
            matches!(error, ClientError::BadCallOutput { .. }),
            "{error}"
        );
    }

    #[test]
    fn the_first_block_starts_epoch_zero_and_later_slots_need_the_next_epoch() {
        let mut first = info(0, 1);
        first.start_slot = None;
        assert_eq!(current_holds(&first, 555), Some(555));
        let current = info(3, 1);
        assert_eq!(current_holds(&current, 109), Some(100));
        assert_eq!(current_holds(&current, 110), None);
    }
}
