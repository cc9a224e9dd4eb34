//! Executor heartbeats: each registered provider's node states once per
//! epoch (the entropy pallet's epochs) that it is up, by an unsigned
//! transaction its off-chain worker sends. They are liveness evidence for
//! schedulers: [`LastHeartbeat`] holds the last epoch each provider was
//! heard from, and [`Pallet::heard_recently`] says whether that is the
//! current or the previous epoch. Executor selection does not use them.
//!
//! - **What is signed.** [`ProviderHeartbeat`] `{ epoch, provider,
//!   block_number }`, signed with sr25519 (context `substrate`) by the
//!   provider's executor key (key type
//!   [`EXECUTOR_KEY_TYPE`](crate::local::EXECUTOR_KEY_TYPE), whose public
//!   key is the provider account) over [`heartbeat_payload`]:
//!   `b"entroos/poe-heartbeat" ++ SCALE(heartbeat)`.
//! - **When it is accepted** ([`Pallet::check_heartbeat`], used by the
//!   pool's validation and again at dispatch): for the current epoch,
//!   made at a block not after the one being built, from a registered
//!   provider not yet heard from this epoch, with a valid signature.
//! - **The worker** ([`Pallet::send_heartbeats`]): for each executor key
//!   in the node's keystore that is a registered provider not heard from
//!   this epoch, it signs and submits a heartbeat and notes the block
//!   under [`local_key`] in the node's persistent local storage, so that
//!   it resubmits only after [`RESUBMIT_AFTER`] blocks without inclusion.
//!
//! `LastHeartbeat` has at most one entry per registered provider: the
//! entry goes when the provider's bond is withdrawn.

use crate::local::EXECUTOR_KEY_TYPE;
use crate::{Call, Config, Error, Event, Pallet, Providers, PALLET};
use codec::{Decode, Encode};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::dispatch::DispatchResult;
use entroos_primitives::hashing::Blake2_128Concat;
use entroos_primitives::{AccountId32, BlockNumber};
use entroos_support::hooks::OffchainContext;
use entroos_support::offchain::{sign_and_submit, SignedSubmission};
use entroos_support::state::Externalities;
use entroos_support::storage::{OptionQuery, StorageMap};
use entroos_support::storage_instance;
use pallet_entropy::heartbeat::unsigned_extrinsic;
use scale_info::TypeInfo;

/// The domain prefix of what a provider heartbeat's signature covers.
pub const HEARTBEAT_CONTEXT: &[u8] = b"entroos/poe-heartbeat";
/// The prefix of the worker's local storage records.
pub const LOCAL_PREFIX: &[u8] = b"poe/heartbeat/";
/// Blocks the worker waits for a submitted heartbeat to be included
/// before it submits another.
pub const RESUBMIT_AFTER: BlockNumber = 5;

storage_instance!(pub LastHeartbeatPrefix, PALLET, "LastHeartbeat");

/// The last epoch each registered provider was heard from.
pub type LastHeartbeat =
    StorageMap<LastHeartbeatPrefix, Blake2_128Concat, AccountId32, u64, OptionQuery>;

/// A provider's statement that its node is up in `epoch`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct ProviderHeartbeat {
    /// The epoch it is for (the current one).
    pub epoch: u64,
    /// The provider (its executor key's public key).
    pub provider: AccountId32,
    /// The block whose off-chain worker made it.
    pub block_number: BlockNumber,
}

/// The bytes a provider heartbeat's signature covers.
pub fn heartbeat_payload(heartbeat: &ProviderHeartbeat) -> Vec<u8> {
    let mut payload = HEARTBEAT_CONTEXT.to_vec();
    heartbeat.encode_to(&mut payload);
    payload
}

/// The worker's local storage key for `provider`'s heartbeat in `epoch`:
/// `b"poe/heartbeat/" ++ SCALE(epoch) ++ provider (32)`; its value is the
/// SCALE block number it was last submitted at.
pub fn local_key(epoch: u64, provider: &AccountId32) -> Vec<u8> {
    let mut key = LOCAL_PREFIX.to_vec();
    epoch.encode_to(&mut key);
    key.extend_from_slice(&provider.0);
    key
}

/// Whether a submission made at `last` still waits for inclusion at `now`.
impl<T: Config> Pallet<T> {
    /// Whether the state accepts `heartbeat` with `signature` (see the
    /// module docs).
    pub fn check_heartbeat(
        ext: &dyn Externalities,
        heartbeat: &ProviderHeartbeat,
        signature: &[u8; 64],
    ) -> Result<(), Error> {
        let epoch = pallet_entropy::CurrentEpoch::get(ext);
        if heartbeat.epoch != epoch {
            return Err(Error::StaleHeartbeat);
        }
        if heartbeat.block_number > pallet_system::Number::get(ext) {
            return Err(Error::FutureHeartbeat);
        }
        if !Providers::contains_key(ext, &heartbeat.provider) {
            return Err(Error::NotProvider);
        }
        if LastHeartbeat::get(ext, &heartbeat.provider) == Some(epoch) {
            return Err(Error::DuplicateHeartbeat);
        }
        let payload = heartbeat_payload(heartbeat);
        if !sr25519::verify(signature, &payload, &heartbeat.provider.0) {
            return Err(Error::InvalidHeartbeatSignature);
        }
        Ok(())
    }

    /// Records an accepted heartbeat.
    pub(crate) fn note_heartbeat(
        ext: &mut dyn Externalities,
        heartbeat: &ProviderHeartbeat,
        signature: &[u8; 64],
    ) -> DispatchResult {
        Self::check_heartbeat(ext, heartbeat, signature).map_err(Self::error)?;
        LastHeartbeat::insert(ext, &heartbeat.provider, &heartbeat.epoch);
        let event = Event::ProviderHeartbeat {
            provider: heartbeat.provider,
            epoch: heartbeat.epoch,
        };
        Self::deposit_event(ext, event);
        Ok(())
    }

    /// Whether `provider` was heard from in the current or the previous
    /// epoch: what a scheduler reads as "alive".
    pub fn heard_recently(ext: &dyn Externalities, provider: &AccountId32) -> bool {
        let current = pallet_entropy::CurrentEpoch::get(ext);
        LastHeartbeat::get(ext, provider)
            .is_some_and(|epoch| epoch <= current && current.saturating_sub(epoch) <= 1)
    }

    /// The off-chain worker's heartbeats after block `now`: one for each
    /// local executor key that is a registered provider not heard from
    /// this epoch (see the module docs).
    pub fn send_heartbeats(
        ext: &dyn Externalities,
        now: BlockNumber,
        ctx: &mut dyn OffchainContext,
    ) {
        let epoch = pallet_entropy::CurrentEpoch::get(ext);
        for public in ctx.sr25519_public_keys(EXECUTOR_KEY_TYPE) {
            let provider = AccountId32(public);
            if !Providers::contains_key(ext, &provider)
                || LastHeartbeat::get(ext, &provider) == Some(epoch)
            {
                continue;
            }
            let key = local_key(epoch, &provider);
            let heartbeat = ProviderHeartbeat {
                epoch,
                provider,
                block_number: now,
            };
            let payload = heartbeat_payload(&heartbeat);
            let submission = SignedSubmission {
                key: (EXECUTOR_KEY_TYPE, public),
                payload: &payload,
                record_key: &key,
                now,
                resubmit_after: RESUBMIT_AFTER,
            };
            sign_and_submit(ctx, &submission, |signature| {
                unsigned_extrinsic(
                    T::POE_INDEX,
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
        let provider = AccountId32([5; 32]);
        let heartbeat = ProviderHeartbeat {
            epoch: 4,
            provider,
            block_number: 9,
        };
        let payload = heartbeat_payload(&heartbeat);
        assert_eq!(
            payload,
            [HEARTBEAT_CONTEXT, &heartbeat.encode()[..]].concat()
        );
        assert_eq!(
            local_key(4, &provider),
            [LOCAL_PREFIX, &4u64.to_le_bytes(), &[5; 32]].concat()
        );
    }
}
