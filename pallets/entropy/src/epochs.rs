//! Slots and epochs: the `on_initialize` hook.
//!
//! Each block states its slot (and its author's claim). The pallet
//! 1. starts epoch 0 at the first block's slot;
//! 2. refuses a slot that does not follow the last accounted one;
//! 3. charges every slot skipped since then to its secondary assignee;
//! 4. at an epoch boundary, accounts each member's heartbeat duty, scores
//!    the ending epoch's set and rotates:
//!    the set fixed one epoch earlier becomes current and the set after it
//!    is selected (when the chain skipped whole epochs, it jumps straight
//!    to the slot's epoch; the skipped epochs' slots are not charged);
//! 5. checks the claim against the current set, credits a secondary
//!    assignee that authored, and folds a primary VRF output into the
//!    randomness.

use crate::randomness::{derive, secondary_index};
use crate::scores::{initial, update};
use crate::types::{AuthorClaim, ClaimKind};
use crate::{
    weights, BlockAuthorship, Config, CurrentEpoch, Duties, EpochSets, Error, Event, GenesisSlot,
    LastSlot, Pallet, Period, PeriodStateOf, RandomnessAccumulator, Scores,
};
use entroos_primitives::{BlockNumber, Weight};
use entroos_support::hooks::{Hooks, OffchainContext};
use entroos_support::state::Externalities;

impl<T: Config> Hooks<Error> for Pallet<T> {
    /// Accounts the block's slot and claim; refuses a block whose slot does
    /// not increase or whose claim contradicts the current set.
    fn on_initialize(ext: &mut dyn Externalities, _n: BlockNumber) -> Result<Weight, Error> {
        let Some(slot) = T::Authorship::current_slot(ext) else {
            return Ok(T::db_weight().reads_writes(1, 0));
        };
        let claim = T::Authorship::claim(ext);
        Self::on_slot(ext, slot, claim)
    }

    /// Sends the heartbeats of the members whose slot keys the node holds.
    fn offchain_worker(ext: &dyn Externalities, n: BlockNumber, ctx: &mut dyn OffchainContext) {
        Self::send_heartbeats(ext, n, ctx);
    }
}

impl<T: Config> Pallet<T> {
    /// Accounts a block at `slot` authored with `claim` (see the module docs).
    pub fn on_slot(
        ext: &mut dyn Externalities,
        slot: u64,
        claim: Option<AuthorClaim>,
    ) -> Result<Weight, Error> {
        let genesis_slot = match GenesisSlot::get(ext) {
            Some(genesis_slot) => genesis_slot,
            None => {
                GenesisSlot::put(ext, &slot);
                slot
            }
        };
        let last = LastSlot::get(ext);
        if last.is_some_and(|last| slot <= last) {
            return Err(Error::SlotNotIncreasing);
        }
        let first_unaccounted = last.map_or(slot, |l| l.saturating_add(1));
        let (charged, rotated) = Self::account_gap(ext, genesis_slot, first_unaccounted, slot);
        Self::account_claim(ext, genesis_slot, slot, claim)?;
        LastSlot::put(ext, &slot);
        let members = if rotated {
            u64::from(T::MAX_VALIDATORS).saturating_add(u64::from(T::MAX_CANDIDATES))
        } else {
            0
        };
        Ok(weights::on_slot(T::db_weight(), charged, members))
    }

    /// Charges the empty slots `[from, slot)` and rotates epochs up to
    /// `slot`'s; returns how many slots were charged and whether it rotated.
    fn account_gap(
        ext: &mut dyn Externalities,
        genesis_slot: u64,
        from: u64,
        slot: u64,
    ) -> (u64, bool) {
        let params = Self::params(ext);
        let mut cursor = from;
        let mut charged = 0u64;
        let mut rotated = false;
        loop {
            let epoch = CurrentEpoch::get(ext);
            let start = params.epoch_start(genesis_slot, epoch);
            let end = params.epoch_start(genesis_slot, epoch.saturating_add(1));
            let set = Self::current_set(ext);
            let stop = slot.min(end);
            let begin = cursor.max(start);
            if begin < stop {
                Self::charge_empty_slots(ext, &set, &params, start, begin, stop);
                charged = charged.saturating_add(stop.saturating_sub(begin));
            }
            if slot < end {
                return (charged, rotated);
            }
            let target = params.epoch_of(genesis_slot, slot).unwrap_or(epoch);
            rotated = true;
            Self::end_epoch(ext);
            Self::rotate(ext, epoch, target.max(epoch.saturating_add(1)));
            cursor = end;
        }
    }

    /// Checks `claim` against the current set and accounts it.
    fn account_claim(
        ext: &mut dyn Externalities,
        genesis_slot: u64,
        slot: u64,
        claim: Option<AuthorClaim>,
    ) -> Result<(), Error> {
        let params = Self::params(ext);
        let set = Self::current_set(ext);
        let start = params.epoch_start(genesis_slot, CurrentEpoch::get(ext));
        Self::enter_period(ext, &set, &params, start, slot);
        let Some(claim) = claim else {
            return Ok(());
        };
        if set.get(claim.authority_index).is_none() {
            return Err(Error::UnknownAuthor);
        }
        match claim.kind {
            ClaimKind::Secondary => {
                if secondary_index(&set, slot) != Some(claim.authority_index) {
                    return Err(Error::WrongSecondaryAuthor);
                }
                Self::note_slot_duty(ext, &set, &params, start, slot, true);
            }
            ClaimKind::Primary { vrf_output } => Self::accumulate(ext, &vrf_output),
        }
        Ok(())
    }

    /// Scores every member of the ending epoch's set from its duties: the
    /// last slot period closes, then the heartbeat period is accounted and
    /// closed.
    fn end_epoch(ext: &mut dyn Externalities) {
        let params = Self::params(ext);
        let set = Self::current_set(ext);
        let mut period = Period::<T>::get(ext);
        Self::close_period(ext, &set, &mut period);
        Period::<T>::put(ext, &period);
        Self::note_heartbeat_duties(ext, set.len());
        let mut period = Period::<T>::get(ext);
        Self::close_period(ext, &set, &mut period);
        for (index, authority) in (0u32..).zip(set.authorities.as_slice()) {
            let duties = Duties::get(ext, &index);
            Duties::remove(ext, &index);
            let Some(scores) = Scores::get(ext, &authority.stash) else {
                continue;
            };
            let next = update(scores, &duties, period.closed, &params);
            Scores::insert(ext, &authority.stash, &next);
        }
        Period::<T>::put(ext, &PeriodStateOf::<T>::default());
    }

    /// Makes `target` the current epoch: the set fixed for `ending + 1`
    /// becomes its set, and the set of `target + 1` is selected.
    fn rotate(ext: &mut dyn Externalities, ending: u64, target: u64) {
        let ending_set = EpochSets::<T>::get(ext, &ending).unwrap_or_default();
        let next_of_ending = ending.saturating_add(1);
        let current =
            EpochSets::<T>::get(ext, &next_of_ending).unwrap_or_else(|| ending_set.clone());
        if target != next_of_ending {
            EpochSets::<T>::remove(ext, &next_of_ending);
            EpochSets::<T>::remove(ext, &ending);
        }
        if let Some(before) = ending.checked_sub(1) {
            EpochSets::<T>::remove(ext, &before);
        }
        EpochSets::<T>::insert(ext, &target, &current);
        let following = target.saturating_add(1);
        let accumulator = RandomnessAccumulator::get(ext);
        let randomness = derive(&ending_set.randomness, following, &accumulator);
        let mut next = Self::select(ext, randomness).unwrap_or_else(|| current.clone());
        next.randomness = randomness;
        EpochSets::<T>::insert(ext, &following, &next);
        RandomnessAccumulator::kill(ext);
        CurrentEpoch::put(ext, &target);
        Self::forget_offences_before(ext, target.saturating_sub(1));
        pallet_system::Pallet::<T>::deposit_event(
            ext,
            Event::NewEpoch {
                epoch: target,
                next_validators: next.len(),
                next_total_weight: next.total_weight,
            },
        );
    }

    /// The scores of `stash`, or the initial ones if it has none yet.
    pub fn scores(
        ext: &dyn Externalities,
        stash: &entroos_primitives::AccountId32,
    ) -> crate::ValidatorScores {
        Scores::get(ext, stash).unwrap_or_else(|| initial(&Self::params(ext)))
    }
}
