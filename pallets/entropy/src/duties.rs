//! Duty accounting: who was assigned what in the current epoch, who did it,
//! and which duty periods each validator missed a duty in.
//!
//! A duty period is `Params::duty_period` consecutive slots of the epoch.
//! When a period closes, every validator that missed a duty in it adds
//! `f = (weight of all who missed in it) / (total weight)` to its miss load.

use crate::params::Params;
use crate::randomness::secondary_index;
use crate::types::DutyRecord;
use crate::{Config, Duties, EpochSetOf, Error, Pallet, Period, PeriodStateOf};
use entroos_arithmetic::FixedU128;
use entroos_primitives::dispatch::DispatchError;
use entroos_support::bounded::BoundedVec;
use entroos_support::state::Externalities;
use std::collections::BTreeSet;

impl<T: Config> Pallet<T> {
    /// Accounts `slot`'s secondary duty: its assignee `done` it or not.
    pub(crate) fn note_slot_duty(
        ext: &mut dyn Externalities,
        set: &EpochSetOf<T>,
        params: &Params,
        epoch_start: u64,
        slot: u64,
        done: bool,
    ) {
        Self::enter_period(ext, set, params, epoch_start, slot);
        let Some(assignee) = secondary_index(set, slot) else {
            return;
        };
        Self::record_duty(ext, assignee, done);
    }

    /// Accounts every slot of `[from, to)` as missed by its assignee.
    pub(crate) fn charge_empty_slots(
        ext: &mut dyn Externalities,
        set: &EpochSetOf<T>,
        params: &Params,
        epoch_start: u64,
        from: u64,
        to: u64,
    ) {
        for slot in from..to {
            Self::note_slot_duty(ext, set, params, epoch_start, slot, false);
        }
    }

    /// Records one duty of the member at `index`.
    pub(crate) fn record_duty(ext: &mut dyn Externalities, index: u32, done: bool) {
        Duties::mutate(ext, &index, |duties| {
            duties.assigned = duties.assigned.saturating_add(1);
            if done {
                duties.done = duties.done.saturating_add(1);
            }
        });
        if !done {
            Period::<T>::mutate(ext, |period| mark_missed::<T>(period, index));
        }
    }

    /// Moves the period state to `slot`'s period, closing the one left.
    pub(crate) fn enter_period(
        ext: &mut dyn Externalities,
        set: &EpochSetOf<T>,
        params: &Params,
        epoch_start: u64,
        slot: u64,
    ) {
        let index = slot
            .saturating_sub(epoch_start)
            .checked_div(params.duty_period)
            .unwrap_or(0);
        let mut period = Period::<T>::get(ext);
        if period.index != index {
            Self::close_period(ext, set, &mut period);
            period.index = index;
        }
        period.touched = true;
        Period::<T>::put(ext, &period);
    }

    /// Closes the period (if any slot or vote was accounted in it): adds
    /// its miss share to everyone who missed in it.
    pub(crate) fn close_period(
        ext: &mut dyn Externalities,
        set: &EpochSetOf<T>,
        period: &mut PeriodStateOf<T>,
    ) {
        if !period.touched {
            return;
        }
        let missed = std::mem::take(&mut period.missed).into_inner();
        let missed_weight = missed
            .iter()
            .filter_map(|i| set.get(*i))
            .fold(0u128, |sum, a| sum.saturating_add(a.weight));
        let share =
            FixedU128::checked_from_rational(missed_weight, set.total_weight).unwrap_or_default();
        for index in missed {
            Duties::mutate(ext, &index, |d| {
                d.miss_load = d.miss_load.saturating_add(share)
            });
        }
        period.closed = period.closed.saturating_add(1);
        period.touched = false;
    }

    /// Accounts a verified justification: each member of the current set
    /// was assigned a precommit, done if its finality key is in `voters`.
    /// Refuses (changing nothing) a voter outside the set.
    pub fn note_precommits(
        ext: &mut dyn Externalities,
        voters: &[[u8; 32]],
    ) -> Result<(), DispatchError> {
        let set = Self::current_set(ext);
        let members: Vec<[u8; 32]> = set
            .authorities
            .as_slice()
            .iter()
            .map(|a| a.keys.finality)
            .collect();
        let voted: BTreeSet<&[u8; 32]> = voters.iter().collect();
        if voted.iter().any(|v| !members.contains(v)) {
            return Err(Self::error(Error::UnknownVoter));
        }
        Period::<T>::mutate(ext, |period| period.touched = true);
        for (index, key) in (0u32..).zip(members.iter()) {
            Self::record_duty(ext, index, voted.contains(key));
        }
        Ok(())
    }

    /// This epoch's duty record of the member at `index`.
    pub fn duties(ext: &dyn Externalities, index: u32) -> DutyRecord {
        Duties::get(ext, &index)
    }
}

/// Adds `index` to the period's sorted missed list (at most once).
fn mark_missed<T: Config>(period: &mut PeriodStateOf<T>, index: u32) {
    let mut missed = std::mem::take(&mut period.missed).into_inner();
    if let Err(position) = missed.binary_search(&index) {
        missed.insert(position, index);
    }
    // Indices are below the set's length, itself bounded: this always fits.
    period.missed = BoundedVec::try_from(missed).unwrap_or_default();
}
