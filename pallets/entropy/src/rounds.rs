//! Finality rounds noted on chain: the precommits of a round of the
//! current set, submitted by any voter as an unsigned transaction once the
//! round finalized a block. They are the on-chain evidence of the finality
//! duty: each member of the set was assigned a precommit in the round, done
//! if its precommit is in the note ([`Pallet::note_precommits`]).
//!
//! A note is accepted when it is for the current set, for a round above
//! the last one noted in it, and its precommits are signed by distinct
//! members of the set over the finality gadget's payload ([`vote_payload`])
//! and carry more than two thirds of the set's weight, as a justification
//! does. A block author or submitter may leave out precommits beyond that
//! threshold; the members left out are charged a missed duty for that
//! round, a bias bounded by the rounds a faulty submitter gets noted first.

use crate::equivocation::{vote_payload, SignedVote, VoteKind};
use crate::{Config, CurrentEpoch, EpochSets, Error, Event, LastNotedRound, Pallet};
use codec::{Decode, Encode};
use entroos_arithmetic::supermajority;
use entroos_primitives::crypto::ed25519;
use entroos_support::bounded::{BoundedVec, ConstU32};
use entroos_support::state::Externalities;
use scale_info::TypeInfo;
use std::collections::BTreeSet;

/// The most precommits a note carries.
pub const MAX_NOTED_PRECOMMITS: u32 = 1_024;

/// A precommit of a noted round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct NotedPrecommit {
    /// The voter's ed25519 finality key.
    pub voter: [u8; 32],
    /// Its target and signature.
    pub vote: SignedVote,
}

/// The precommits of one finality round.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct RoundNote {
    /// The finality set (the epoch index).
    pub set_id: u64,
    /// The round.
    pub round: u64,
    /// One precommit per voter.
    pub precommits: BoundedVec<NotedPrecommit, ConstU32<MAX_NOTED_PRECOMMITS>>,
}

impl<T: Config> Pallet<T> {
    /// The voters of `note` if the state accepts it (see the module docs).
    pub fn check_round_note(
        ext: &dyn Externalities,
        note: &RoundNote,
    ) -> Result<Vec<[u8; 32]>, Error> {
        let current = CurrentEpoch::get(ext);
        if note.set_id != current {
            return Err(Error::OffenceOutOfWindow);
        }
        if let Some(last) = LastNotedRound::get(ext) {
            if (note.set_id, note.round) <= last {
                return Err(Error::DuplicateReport);
            }
        }
        let set = EpochSets::<T>::get(ext, &current).ok_or(Error::OffenceOutOfWindow)?;
        let members = set.authorities.as_slice();
        let mut voters = BTreeSet::new();
        let mut weight: u128 = 0;
        for precommit in note.precommits.as_slice() {
            let member = members
                .iter()
                .find(|a| a.keys.finality == precommit.voter)
                .ok_or(Error::UnknownVoter)?;
            if !voters.insert(precommit.voter) {
                return Err(Error::ProofMismatch);
            }
            let vote = &precommit.vote;
            let payload = vote_payload(
                note.round,
                note.set_id,
                vote.target_hash,
                vote.target_number,
                VoteKind::Precommit,
            );
            if !ed25519::verify(&vote.signature, &payload, &precommit.voter) {
                return Err(Error::InvalidSignature);
            }
            weight = weight.saturating_add(member.weight);
        }
        if weight < supermajority(set.total_weight) {
            return Err(Error::NotEnoughWeight);
        }
        Ok(voters.into_iter().collect())
    }

    /// Records an accepted note: its round is the last noted, and its
    /// voters' duties are counted.
    pub(crate) fn note_round(
        ext: &mut dyn Externalities,
        note: &RoundNote,
    ) -> entroos_primitives::dispatch::DispatchResult {
        let voters = Self::check_round_note(ext, note).map_err(Self::error)?;
        LastNotedRound::put(ext, &(note.set_id, note.round));
        Self::note_precommits(ext, &voters)?;
        let event = Event::FinalityRoundNoted {
            set_id: note.set_id,
            round: note.round,
            voters: u32::try_from(voters.len()).unwrap_or(u32::MAX),
        };
        pallet_system::Pallet::<T>::deposit_event(ext, event);
        Ok(())
    }
}
