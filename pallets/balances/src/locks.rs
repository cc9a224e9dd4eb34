//! Locks: named restrictions on spending part of the free balance. While an
//! account has locks it holds a consumer reference, so it cannot be reaped.

use crate::{BalanceLock, Config, Error, Locks, Pallet, Reasons};
use entroos_primitives::dispatch::DispatchError;
use entroos_primitives::{AccountId32, Balance};
use entroos_support::state::Externalities;

impl<T: Config> Pallet<T> {
    /// Sets (or replaces) the lock `id` on `who`.
    pub fn set_lock(
        ext: &mut dyn Externalities,
        id: [u8; 8],
        who: &AccountId32,
        amount: Balance,
        reasons: Reasons,
    ) -> Result<(), DispatchError> {
        let mut locks = Locks::get(ext, who);
        locks.retain(|lock| lock.id != id);
        if amount > 0 {
            locks.push(BalanceLock {
                id,
                amount,
                reasons,
            });
        }
        if locks.len() > T::MAX_LOCKS as usize {
            return Err(Self::error(Error::TooManyFreezes));
        }
        Self::update_locks(ext, who, locks)
    }

    /// Removes the lock `id` from `who`.
    pub fn remove_lock(
        ext: &mut dyn Externalities,
        id: [u8; 8],
        who: &AccountId32,
    ) -> Result<(), DispatchError> {
        let mut locks = Locks::get(ext, who);
        locks.retain(|lock| lock.id != id);
        Self::update_locks(ext, who, locks)
    }

    fn update_locks(
        ext: &mut dyn Externalities,
        who: &AccountId32,
        locks: Vec<BalanceLock>,
    ) -> Result<(), DispatchError> {
        let had_locks = Locks::contains_key(ext, who);
        let frozen = locks.iter().map(|lock| lock.amount).max().unwrap_or(0);
        match (had_locks, locks.is_empty()) {
            (false, false) => pallet_system::Pallet::<T>::inc_consumers(ext, who)?,
            (true, true) => pallet_system::Pallet::<T>::dec_consumers(ext, who),
            _ => {}
        }
        Self::mutate_account(ext, who, |data, _| {
            data.frozen = frozen;
            Ok(())
        })?;
        if locks.is_empty() {
            Locks::remove(ext, who);
        } else {
            Locks::insert(ext, who, &locks);
        }
        Ok(())
    }
}
