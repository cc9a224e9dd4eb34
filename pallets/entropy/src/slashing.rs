//! Punishing verified offences.
//!
//! A report is checked in two steps: the proof itself (pure, see
//! [`equivocation`](crate::equivocation)), then against state — the
//! offence's epoch must be the current or the previous one, the offending
//! key must be in that epoch's set, and `(offender, slot or round)` must not
//! have been punished already. [`Pallet::slash_offender`] then
//!
//! - burns `Params::slash_fraction` of the offender's bond (active first,
//!   then the chunks that unlock last), through Balances' reserved balance;
//! - resets its reliability to at most `Params::initial_reliability` (what
//!   a fresh stash would get: any lower value could be escaped by bonding
//!   anew);
//! - removes it from the next epoch's set (unless it is the only member:
//!   a set is never empty) and withdraws its intent to validate;
//! - records the offence, so that the same one is never punished twice.
//!   Records are kept per epoch, at most [`MAX_OFFENCES_PER_EPOCH`] each,
//!   and forgotten once their epoch can no longer be reported; the count
//!   of offences punished since genesis ([`SlashedOffences`]) is kept.

use crate::equivocation::{
    verify_block_equivocation, verify_vote_equivocation, BlockEquivocationProof,
    VoteEquivocationProof,
};
use crate::types::{Offence, OffenceTime, SessionKeys};
use crate::{
    BlockAuthorship, Candidates, Config, CurrentEpoch, EpochSets, Error, Event, GenesisSlot,
    Ledger, Offences, OffencesByEpoch, Pallet, Scores, SlashedOffences, MAX_OFFENCES_PER_EPOCH,
};
use codec::Encode;
use entroos_primitives::dispatch::DispatchError;
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::{Balance, H256};
use entroos_support::bounded::BoundedVec;
use entroos_support::state::Externalities;

/// The key an offence is deduplicated by: `blake2_256(SCALE((offender, time)))`.
pub fn offence_key(offence: &Offence) -> H256 {
    H256(blake2_256(&(offence.offender, offence.time).encode()))
}

impl<T: Config> Pallet<T> {
    /// The offence a block-equivocation report proves, if it is punishable now.
    pub fn check_block_report(
        ext: &dyn Externalities,
        proof: &BlockEquivocationProof,
    ) -> Result<Offence, Error> {
        verify_block_equivocation(proof, T::Authorship::slot_of)?;
        let genesis_slot = GenesisSlot::get(ext).ok_or(Error::OffenceOutOfWindow)?;
        let epoch = Self::params(ext)
            .epoch_of(genesis_slot, proof.slot)
            .ok_or(Error::OffenceOutOfWindow)?;
        let time = OffenceTime::Slot(proof.slot);
        Self::punishable(ext, epoch, time, |keys| keys.vrf == proof.offender)
    }

    /// The offence a vote-equivocation report proves, if it is punishable
    /// now (the finality set id is the epoch index).
    pub fn check_vote_report(
        ext: &dyn Externalities,
        proof: &VoteEquivocationProof,
    ) -> Result<Offence, Error> {
        verify_vote_equivocation(proof)?;
        let time = OffenceTime::Round {
            set_id: proof.set_id,
            round: proof.round,
        };
        Self::punishable(ext, proof.set_id, time, |keys| {
            keys.finality == proof.offender
        })
    }

    /// The offence by the member of `epoch`'s set whose keys match, if the
    /// epoch is reportable and the offence new.
    fn punishable(
        ext: &dyn Externalities,
        epoch: u64,
        time: OffenceTime,
        is_offender: impl Fn(&SessionKeys) -> bool,
    ) -> Result<Offence, Error> {
        let current = CurrentEpoch::get(ext);
        if epoch != current && epoch.saturating_add(1) != current {
            return Err(Error::OffenceOutOfWindow);
        }
        let set = EpochSets::<T>::get(ext, &epoch).ok_or(Error::OffenceOutOfWindow)?;
        let offender = set
            .authorities
            .as_slice()
            .iter()
            .find(|a| is_offender(&a.keys))
            .ok_or(Error::UnknownOffender)?
            .stash;
        let offence = Offence {
            offender,
            time,
            epoch,
        };
        if Offences::contains_key(ext, &offence_key(&offence)) {
            return Err(Error::DuplicateReport);
        }
        Ok(offence)
    }

    /// Punishes a verified offence (see the module docs); returns the stake burned.
    pub fn slash_offender(
        ext: &mut dyn Externalities,
        offence: &Offence,
    ) -> Result<Balance, DispatchError> {
        Self::record_offence(ext, offence).map_err(Self::error)?;
        let stash = offence.offender;
        let params = Self::params(ext);
        let bonded = Ledger::get(ext, &stash).map_or(0, |ledger| ledger.total());
        let due = params.slash_fraction.saturating_mul_int(bonded);
        let taken = Self::take_from_bond(ext, &stash, due)?;
        let burned = pallet_balances::Pallet::<T>::slash_reserved(ext, &stash, taken)?;
        Scores::mutate(ext, &stash, |scores| {
            if let Some(scores) = scores {
                scores.reliability = scores.reliability.min(params.initial_reliability);
            }
        });
        Self::remove_from_next_set(ext, &stash);
        if Candidates::contains_key(ext, &stash) {
            Self::remove_candidate(ext, &stash);
        }
        pallet_system::Pallet::<T>::deposit_event(
            ext,
            Event::Slashed {
                stash,
                amount: burned,
                time: offence.time,
            },
        );
        Ok(burned)
    }

    /// Records `offence` for deduplication.
    fn record_offence(ext: &mut dyn Externalities, offence: &Offence) -> Result<(), Error> {
        let key = offence_key(offence);
        if Offences::contains_key(ext, &key) {
            return Err(Error::DuplicateReport);
        }
        let mut recorded = OffencesByEpoch::get(ext, &offence.epoch).into_inner();
        if recorded.len() >= MAX_OFFENCES_PER_EPOCH as usize {
            return Err(Error::TooManyReports);
        }
        recorded.push(key);
        let recorded = BoundedVec::try_from(recorded).map_err(|_| Error::TooManyReports)?;
        OffencesByEpoch::insert(ext, &offence.epoch, &recorded);
        Offences::insert(ext, &key, &offence.epoch);
        SlashedOffences::mutate(ext, |count| *count = count.saturating_add(1));
        Ok(())
    }

    /// Drops `stash` from the next epoch's set, unless it is the only member.
    fn remove_from_next_set(ext: &mut dyn Externalities, stash: &entroos_primitives::AccountId32) {
        let next = CurrentEpoch::get(ext).saturating_add(1);
        let Some(mut set) = EpochSets::<T>::get(ext, &next) else {
            return;
        };
        let mut members = set.authorities.into_inner();
        members.retain(|a| a.stash != *stash);
        if members.is_empty() {
            return;
        }
        set.total_weight = members
            .iter()
            .fold(0u128, |sum, a| sum.saturating_add(a.weight));
        set.authorities = BoundedVec::try_from(members).unwrap_or_default();
        EpochSets::<T>::insert(ext, &next, &set);
    }

    /// Forgets the offences of epochs before `epoch` (no longer reportable).
    pub(crate) fn forget_offences_before(ext: &mut dyn Externalities, epoch: u64) {
        for (old, keys) in OffencesByEpoch::iter(ext) {
            if old >= epoch {
                continue;
            }
            for key in keys.as_slice() {
                Offences::remove(ext, key);
            }
            OffencesByEpoch::remove(ext, &old);
        }
    }
}
