//! Bonding, unbonding and the intent to validate.
//!
//! Bonded stake is reserved in Balances (so it cannot be spent and can be
//! slashed); unbonding moves it from `active` to a chunk that unlocks
//! `Params::unbonding_epochs` epochs later; withdrawing unreserves unlocked
//! chunks. An account with nothing left bonded leaves: its keys, scores and
//! intent are removed.

use crate::scores::initial;
use crate::types::{StakingLedger, UnlockChunk, ValidatorPrefs};
use crate::{
    CandidateCount, Candidates, Config, CurrentEpoch, Error, Event, Keys, Ledger, Pallet, Scores,
};
use entroos_primitives::dispatch::{ArithmeticError, DispatchError, DispatchResult};
use entroos_primitives::{AccountId32, Balance};
use entroos_support::bounded::BoundedVec;
use entroos_support::state::Externalities;

type Balances<T> = pallet_balances::Pallet<T>;

impl<T: Config> Pallet<T> {
    fn deposit(ext: &mut dyn Externalities, event: Event) {
        pallet_system::Pallet::<T>::deposit_event(ext, event);
    }

    /// Bonds `value` of `stash`'s free balance.
    pub fn bond(
        ext: &mut dyn Externalities,
        stash: &AccountId32,
        value: Balance,
    ) -> DispatchResult {
        if Ledger::contains_key(ext, stash) {
            return Err(Self::error(Error::AlreadyBonded));
        }
        if value < Self::params(ext).minimum_bond {
            return Err(Self::error(Error::InsufficientBond));
        }
        Balances::<T>::reserve(ext, stash, value)?;
        let ledger = StakingLedger {
            active: value,
            unlocking: BoundedVec::default(),
        };
        Ledger::insert(ext, stash, &ledger);
        Self::deposit(
            ext,
            Event::Bonded {
                stash: *stash,
                amount: value,
            },
        );
        Ok(())
    }

    /// Adds up to `max_additional` (what the free balance allows) to the bond.
    pub fn bond_extra(
        ext: &mut dyn Externalities,
        stash: &AccountId32,
        max_additional: Balance,
    ) -> DispatchResult {
        let mut ledger = Ledger::get(ext, stash).ok_or_else(|| Self::error(Error::NotBonded))?;
        let usable = Balances::<T>::account(ext, stash).usable();
        let extra = max_additional.min(usable);
        ledger.active = ledger
            .active
            .checked_add(extra)
            .ok_or(ArithmeticError::Overflow)?;
        Balances::<T>::reserve(ext, stash, extra)?;
        Ledger::insert(ext, stash, &ledger);
        Self::deposit(
            ext,
            Event::Bonded {
                stash: *stash,
                amount: extra,
            },
        );
        Ok(())
    }

    /// Moves up to `value` of the active bond into an unlocking chunk.
    pub fn unbond(
        ext: &mut dyn Externalities,
        stash: &AccountId32,
        value: Balance,
    ) -> DispatchResult {
        let params = Self::params(ext);
        let mut ledger = Ledger::get(ext, stash).ok_or_else(|| Self::error(Error::NotBonded))?;
        let amount = value.min(ledger.active);
        if amount == 0 {
            return Err(Self::error(Error::NoActiveBond));
        }
        let remaining = ledger.active.saturating_sub(amount);
        if remaining > 0 && remaining < params.minimum_bond {
            return Err(Self::error(Error::InsufficientBond));
        }
        let unlock_at = CurrentEpoch::get(ext).saturating_add(u64::from(params.unbonding_epochs));
        ledger.unlocking = add_chunk(ledger.unlocking.into_inner(), amount, unlock_at)
            .ok_or_else(|| Self::error(Error::NoMoreChunks))?;
        ledger.active = remaining;
        Ledger::insert(ext, stash, &ledger);
        if remaining == 0 && Candidates::contains_key(ext, stash) {
            Self::remove_candidate(ext, stash);
        }
        Self::deposit(
            ext,
            Event::Unbonded {
                stash: *stash,
                amount,
            },
        );
        Ok(())
    }

    /// Unreserves every unlocked chunk; an emptied account leaves.
    pub fn withdraw_unbonded(ext: &mut dyn Externalities, stash: &AccountId32) -> DispatchResult {
        let mut ledger = Ledger::get(ext, stash).ok_or_else(|| Self::error(Error::NotBonded))?;
        let now = CurrentEpoch::get(ext);
        let (unlocked, locked): (Vec<_>, Vec<_>) = ledger
            .unlocking
            .into_inner()
            .into_iter()
            .partition(|c| c.epoch <= now);
        let amount = unlocked
            .iter()
            .fold(0u128, |sum, c| sum.saturating_add(c.value));
        if amount == 0 {
            return Err(Self::error(Error::NothingToWithdraw));
        }
        ledger.unlocking =
            BoundedVec::try_from(locked).map_err(|_| Self::error(Error::NoMoreChunks))?;
        Balances::<T>::unreserve(ext, stash, amount)?;
        if ledger.total() == 0 {
            Self::leave(ext, stash);
        } else {
            Ledger::insert(ext, stash, &ledger);
        }
        Self::deposit(
            ext,
            Event::Withdrawn {
                stash: *stash,
                amount,
            },
        );
        Ok(())
    }

    /// Removes everything the pallet keeps about `stash`.
    fn leave(ext: &mut dyn Externalities, stash: &AccountId32) {
        Ledger::remove(ext, stash);
        Scores::remove(ext, stash);
        if Candidates::contains_key(ext, stash) {
            Self::remove_candidate(ext, stash);
        }
        if let Some(keys) = Keys::get(ext, stash) {
            Self::forget_keys(ext, &keys);
            Keys::remove(ext, stash);
        }
    }

    /// Declares (or updates) `stash`'s intent to validate.
    pub fn validate(
        ext: &mut dyn Externalities,
        stash: &AccountId32,
        prefs: ValidatorPrefs,
    ) -> DispatchResult {
        let params = Self::params(ext);
        let ledger = Ledger::get(ext, stash).ok_or_else(|| Self::error(Error::NotBonded))?;
        if ledger.active < params.minimum_bond {
            return Err(Self::error(Error::InsufficientBond));
        }
        if !Keys::contains_key(ext, stash) {
            return Err(Self::error(Error::NoSessionKeys));
        }
        if !Candidates::contains_key(ext, stash) {
            let count = CandidateCount::get(ext);
            if count >= T::MAX_CANDIDATES {
                return Err(Self::error(Error::TooManyCandidates));
            }
            CandidateCount::put(ext, &count.saturating_add(1));
        }
        if !Scores::contains_key(ext, stash) {
            Scores::insert(ext, stash, &initial(&params));
        }
        Candidates::insert(ext, stash, &prefs);
        Self::deposit(
            ext,
            Event::ValidatorPrefsSet {
                stash: *stash,
                prefs,
            },
        );
        Ok(())
    }

    /// Withdraws `stash`'s intent to validate.
    pub fn chill(ext: &mut dyn Externalities, stash: &AccountId32) -> DispatchResult {
        if !Candidates::contains_key(ext, stash) {
            return Err(Self::error(Error::NotCandidate));
        }
        Self::remove_candidate(ext, stash);
        Ok(())
    }

    /// Removes an existing candidate and emits `Chilled`.
    pub(crate) fn remove_candidate(ext: &mut dyn Externalities, stash: &AccountId32) {
        Candidates::remove(ext, stash);
        CandidateCount::mutate(ext, |count| *count = count.saturating_sub(1));
        Self::deposit(ext, Event::Chilled { stash: *stash });
    }

    /// Takes up to `amount` out of `stash`'s bond, active first, then the
    /// chunks that unlock last; returns what it took (not yet unreserved).
    pub(crate) fn take_from_bond(
        ext: &mut dyn Externalities,
        stash: &AccountId32,
        amount: Balance,
    ) -> Result<Balance, DispatchError> {
        let Some(mut ledger) = Ledger::get(ext, stash) else {
            return Ok(0);
        };
        let from_active = amount.min(ledger.active);
        ledger.active = ledger.active.saturating_sub(from_active);
        let mut left = amount.saturating_sub(from_active);
        let mut chunks = ledger.unlocking.into_inner();
        for chunk in chunks.iter_mut().rev() {
            let taken = left.min(chunk.value);
            chunk.value = chunk.value.saturating_sub(taken);
            left = left.saturating_sub(taken);
        }
        chunks.retain(|c| c.value > 0);
        ledger.unlocking =
            BoundedVec::try_from(chunks).map_err(|_| Self::error(Error::NoMoreChunks))?;
        Ledger::insert(ext, stash, &ledger);
        Ok(amount.saturating_sub(left))
    }
}

/// The chunks with `value` more unlocking at `epoch` (merged into a chunk
/// of the same epoch), or `None` when no chunk is left.
fn add_chunk(
    mut chunks: Vec<UnlockChunk>,
    value: Balance,
    epoch: u64,
) -> Option<
    BoundedVec<UnlockChunk, entroos_support::bounded::ConstU32<{ crate::MAX_UNLOCKING_CHUNKS }>>,
> {
    match chunks.iter_mut().find(|c| c.epoch == epoch) {
        Some(chunk) => chunk.value = chunk.value.checked_add(value)?,
        None => chunks.push(UnlockChunk { value, epoch }),
    }
    BoundedVec::try_from(chunks).ok()
}
