//! Validator heartbeats: each member of the current set proves once per
//! epoch that its node is up, by an unsigned transaction its off-chain
//! worker sends.
//!
//! - **What is signed.** [`Heartbeat`] `{ epoch, validator_index,
//!   block_number }`, signed with sr25519 (context `substrate`) by the
//!   member's slot key (its `vrf` session key, key type `babe`, the key
//!   its node authors with) over [`heartbeat_payload`]:
//!   `b"entroos/heartbeat" ++ SCALE(heartbeat)`. The domain prefix keeps
//!   the signature from passing for anything else that key signs.
//! - **When it is accepted** ([`Pallet::check_heartbeat`], used by the
//!   pool's validation and again at dispatch): for the current epoch only,
//!   from an index of the current set, made at a block not after the one
//!   being built, once per member per epoch, with a valid signature.
//! - **What it counts for.** [`ReceivedHeartbeats`] holds, by index, the
//!   members heard from this epoch (at most the set's size; emptied at the
//!   epoch's end). At the end of the epoch each member has one heartbeat
//!   duty, done iff a heartbeat of it was received; the heartbeats form one
//!   duty period of their own, so members that miss them together share
//!   the correlated-miss load like any other period's.
//! - **The worker** ([`Pallet::send_heartbeats`]): for each member whose
//!   slot key the node holds and that has no heartbeat on chain this
//!   epoch, it signs and submits one, and notes the block in the node's
//!   persistent local storage ([`local_key`]) so that it resubmits only
//!   after [`RESUBMIT_AFTER`] blocks without inclusion.

use crate::{Call, Config, CurrentEpoch, Error, Event, Pallet, ReceivedHeartbeats};
use codec::{Decode, Encode};
use entroos_primitives::crypto::key_types::known;
use entroos_primitives::crypto::sr25519;
use entroos_primitives::dispatch::DispatchResult;
use entroos_primitives::{AccountId32, BlockNumber, UncheckedExtrinsic};
use entroos_support::hooks::OffchainContext;
use entroos_support::offchain::{sign_and_submit, SignedSubmission};
use entroos_support::state::Externalities;
use scale_info::TypeInfo;

/// The domain prefix of what a heartbeat's signature covers.
pub const HEARTBEAT_CONTEXT: &[u8] = b"entroos/heartbeat";
/// The keystore key type heartbeats are signed with: the slot key.
pub const HEARTBEAT_KEY_TYPE: [u8; 4] = known::BABE.0;
/// The prefix of the worker's local storage records.
pub const LOCAL_PREFIX: &[u8] = b"entropy/heartbeat/";
/// Blocks the worker waits for a submitted heartbeat to be included
/// before it submits another.
pub const RESUBMIT_AFTER: BlockNumber = 5;

/// A member's statement that its node is up in `epoch`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Heartbeat {
    /// The epoch it is for (the current one).
    pub epoch: u64,
    /// The member's index in the epoch's set.
    pub validator_index: u32,
    /// The block whose off-chain worker made it.
    pub block_number: BlockNumber,
}

/// The bytes a heartbeat's signature covers.
pub fn heartbeat_payload(heartbeat: &Heartbeat) -> Vec<u8> {
    let mut payload = HEARTBEAT_CONTEXT.to_vec();
    heartbeat.encode_to(&mut payload);
    payload
}

/// The worker's local storage key for the heartbeat of member `index` in
/// `epoch`: `b"entropy/heartbeat/" ++ SCALE(epoch) ++ SCALE(index)`; its
/// value is the SCALE block number it was last submitted at.
pub fn local_key(epoch: u64, index: u32) -> Vec<u8> {
    let mut key = LOCAL_PREFIX.to_vec();
    (epoch, index).encode_to(&mut key);
    key
}

/// An unsigned v4 extrinsic calling `call` of the pallet at
/// `pallet_index`: the runtime's call enum encodes as the pallet index
/// followed by the pallet's call, so this is the extrinsic the node's pool
/// decodes as that runtime call.
pub fn unsigned_extrinsic<C: Encode>(pallet_index: u8, call: &C) -> Vec<u8> {
    UncheckedExtrinsic::new_unsigned((pallet_index, call)).encode()
}

/// Whether a submission made at `last` still waits for inclusion at `now`.
impl<T: Config> Pallet<T> {
    /// Whether the state accepts `heartbeat` with `signature` (see the
    /// module docs); the sending member's stash if it does.
    pub fn check_heartbeat(
        ext: &dyn Externalities,
        heartbeat: &Heartbeat,
        signature: &[u8; 64],
    ) -> Result<AccountId32, Error> {
        if heartbeat.epoch != CurrentEpoch::get(ext) {
            return Err(Error::StaleHeartbeat);
        }
        if heartbeat.block_number > pallet_system::Number::get(ext) {
            return Err(Error::FutureHeartbeat);
        }
        let set = Self::current_set(ext);
        let member = set
            .get(heartbeat.validator_index)
            .ok_or(Error::UnknownValidator)?;
        if ReceivedHeartbeats::contains_key(ext, &heartbeat.validator_index) {
            return Err(Error::DuplicateHeartbeat);
        }
        if !sr25519::verify(signature, &heartbeat_payload(heartbeat), &member.keys.vrf) {
            return Err(Error::InvalidSignature);
        }
        Ok(member.stash)
    }

    /// Records an accepted heartbeat.
    pub(crate) fn note_heartbeat(
        ext: &mut dyn Externalities,
        heartbeat: &Heartbeat,
        signature: &[u8; 64],
    ) -> DispatchResult {
        let stash = Self::check_heartbeat(ext, heartbeat, signature).map_err(Self::error)?;
        let index = heartbeat.validator_index;
        ReceivedHeartbeats::insert(ext, &index, &heartbeat.block_number);
        let event = Event::HeartbeatReceived {
            epoch: heartbeat.epoch,
            validator_index: index,
            stash,
        };
        pallet_system::Pallet::<T>::deposit_event(ext, event);
        Ok(())
    }

    /// Whether member `index` was heard from this epoch.
    pub fn heartbeat_received(ext: &dyn Externalities, index: u32) -> bool {
        ReceivedHeartbeats::contains_key(ext, &index)
    }

    /// At the epoch's end: one heartbeat duty for each of the set's
    /// `members`, done iff received, all in one duty period; forgets the
    /// heartbeats.
    pub(crate) fn note_heartbeat_duties(ext: &mut dyn Externalities, members: u32) {
        crate::Period::<T>::mutate(ext, |period| period.touched = true);
        for index in 0..members {
            let received = ReceivedHeartbeats::contains_key(ext, &index);
            ReceivedHeartbeats::remove(ext, &index);
            Self::record_duty(ext, index, received);
        }
    }

    /// The off-chain worker's part after block `now`: a heartbeat for each
    /// local member not yet heard from this epoch (see the module docs).
    pub fn send_heartbeats(
        ext: &dyn Externalities,
        now: BlockNumber,
        ctx: &mut dyn OffchainContext,
    ) {
        let epoch = CurrentEpoch::get(ext);
        let local = ctx.sr25519_public_keys(HEARTBEAT_KEY_TYPE);
        if local.is_empty() {
            return;
        }
        let set = Self::current_set(ext);
        for (index, member) in (0u32..).zip(set.authorities.as_slice()) {
            if !local.contains(&member.keys.vrf) || Self::heartbeat_received(ext, index) {
                continue;
            }
            let key = local_key(epoch, index);
            let heartbeat = Heartbeat {
                epoch,
                validator_index: index,
                block_number: now,
            };
            let payload = heartbeat_payload(&heartbeat);
            let submission = SignedSubmission {
                key: (HEARTBEAT_KEY_TYPE, member.keys.vrf),
                payload: &payload,
                record_key: &key,
                now,
                resubmit_after: RESUBMIT_AFTER,
            };
            sign_and_submit(ctx, &submission, |signature| {
                unsigned_extrinsic(
                    T::INDEX,
                    &Call::heartbeat {
                        heartbeat,
                        signature,
                    },
                )
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_key_and_payload_are_domain_separated() {
        let heartbeat = Heartbeat {
            epoch: 3,
            validator_index: 2,
            block_number: 40,
        };
        let payload = heartbeat_payload(&heartbeat);
        assert!(payload.starts_with(HEARTBEAT_CONTEXT));
        assert_eq!(&payload[HEARTBEAT_CONTEXT.len()..], &heartbeat.encode()[..]);
        assert_eq!(
            local_key(3, 2),
            [LOCAL_PREFIX, &3u64.to_le_bytes(), &2u32.to_le_bytes()].concat()
        );
    }
}
