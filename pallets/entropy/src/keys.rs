//! Session keys with proof of possession.
//!
//! `set_keys` takes the VRF (sr25519) and finality (ed25519) public keys and
//! a signature by each over [`key_ownership_message`]: the bytes
//! `"entroos/session-keys" ++ stash ++ vrf ++ finality`. The sr25519
//! signature uses Substrate's signing context `substrate`. A key belongs to
//! at most one stash; setting new keys frees the old ones. Keys take effect
//! at the next selection (sets already fixed keep their keys).

use crate::types::{KeyKind, KeyOwnershipProof, SessionKeys};
use crate::{Config, Error, Event, KeyOwner, Keys, Ledger, Pallet};
use entroos_primitives::crypto::{ed25519, sr25519};
use entroos_primitives::dispatch::DispatchResult;
use entroos_primitives::AccountId32;
use entroos_support::state::Externalities;

/// The prefix of the message session keys sign.
pub const KEY_PROOF_CONTEXT: &[u8] = b"entroos/session-keys";

/// The message both session keys sign to prove possession for `stash`.
pub fn key_ownership_message(stash: &AccountId32, keys: &SessionKeys) -> Vec<u8> {
    let mut message = KEY_PROOF_CONTEXT.to_vec();
    message.extend_from_slice(&stash.0);
    message.extend_from_slice(&keys.vrf);
    message.extend_from_slice(&keys.finality);
    message
}

/// Whether `proof` shows possession of both `keys` for `stash`.
pub fn verify_key_ownership(
    stash: &AccountId32,
    keys: &SessionKeys,
    proof: &KeyOwnershipProof,
) -> bool {
    let message = key_ownership_message(stash, keys);
    sr25519::verify(&proof.vrf_signature, &message, &keys.vrf)
        && ed25519::verify(&proof.finality_signature, &message, &keys.finality)
}

fn entries(keys: &SessionKeys) -> [(KeyKind, [u8; 32]); 2] {
    [(KeyKind::Vrf, keys.vrf), (KeyKind::Finality, keys.finality)]
}

impl<T: Config> Pallet<T> {
    /// Sets `stash`'s session keys after checking the proof and ownership.
    pub fn set_keys(
        ext: &mut dyn Externalities,
        stash: &AccountId32,
        keys: SessionKeys,
        proof: &KeyOwnershipProof,
    ) -> DispatchResult {
        if !Ledger::contains_key(ext, stash) {
            return Err(Self::error(Error::NotBonded));
        }
        if !verify_key_ownership(stash, &keys, proof) {
            return Err(Self::error(Error::InvalidKeyProof));
        }
        Self::install_keys(ext, stash, keys).map_err(Self::error)?;
        pallet_system::Pallet::<T>::deposit_event(
            ext,
            Event::KeysSet {
                stash: *stash,
                keys,
            },
        );
        Ok(())
    }

    /// Records `keys` as `stash`'s (no proof: genesis and `set_keys`).
    pub(crate) fn install_keys(
        ext: &mut dyn Externalities,
        stash: &AccountId32,
        keys: SessionKeys,
    ) -> Result<(), Error> {
        let taken = entries(&keys)
            .iter()
            .any(|entry| KeyOwner::get(ext, entry).is_some_and(|owner| owner != *stash));
        if taken {
            return Err(Error::DuplicatedKey);
        }
        if let Some(old) = Keys::get(ext, stash) {
            Self::forget_keys(ext, &old);
        }
        for entry in entries(&keys) {
            KeyOwner::insert(ext, &entry, stash);
        }
        Keys::insert(ext, stash, &keys);
        Ok(())
    }

    /// Frees `keys` for other stashes.
    pub(crate) fn forget_keys(ext: &mut dyn Externalities, keys: &SessionKeys) {
        for entry in entries(keys) {
            KeyOwner::remove(ext, &entry);
        }
    }
}
