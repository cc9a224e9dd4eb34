//! # Aura pallet
//!
//! Who may author blocks, and the slot of the current block.
//!
//! - `Authorities`: the sr25519 keys of the block authors, at most
//!   `MAX_AUTHORITIES`, set at genesis (`{"aura": {"authorities": [<SS58>…]}}`,
//!   the field zombienet edits). The `AuraApi_authorities` runtime API
//!   returns them to the node.
//! - `CurrentSlot`: the slot of the block being executed. The author states
//!   it in the header's pre-runtime digest under [`ENGINE_ID`] (a SCALE
//!   `u64`); `on_initialize` stores it and refuses the block with a
//!   [`SlotError`] when it does not decode or is not strictly greater than
//!   the parent's slot. A block without that digest leaves the slot as is.
//! - The slot duration is twice Timestamp's `MINIMUM_PERIOD`, as in
//!   Substrate, so the two pallets cannot disagree.
//!
//! Invariants: `CurrentSlot` only grows; `Authorities` never holds more
//! than `MAX_AUTHORITIES` keys.

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::float_arithmetic
    )
)]

mod genesis;
mod metadata;
mod types;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use genesis::GenesisConfig;
pub use types::{AuthorityId, Slot};

use codec::DecodeAll;
use entroos_primitives::generic::ConsensusEngineId;
use entroos_primitives::{BlockNumber, Moment, Weight};
use entroos_support::bounded::BoundedVec;
use entroos_support::hooks::Hooks;
use entroos_support::state::Externalities;
use entroos_support::storage::{StorageValue, TypedGet, ValueQuery};
use entroos_support::storage_instance;
use std::marker::PhantomData;

/// The pallet's storage prefix.
pub const PALLET: &str = "Aura";
/// The engine id of the pre-runtime digest that carries the slot.
pub const ENGINE_ID: ConsensusEngineId = *b"entr";

/// What the runtime provides to Aura.
pub trait Config: pallet_timestamp::Config {
    /// The most authorities there may be.
    const MAX_AUTHORITIES: u32;
}

/// `T::MAX_AUTHORITIES` as a type, for the bounded authority list.
pub struct MaxAuthorities<T>(PhantomData<T>);

impl<T: Config> TypedGet for MaxAuthorities<T> {
    type Value = u32;
    fn get() -> u32 {
        T::MAX_AUTHORITIES
    }
}

/// The authority list, bounded by `T::MAX_AUTHORITIES`.
pub type AuthorityList<T> = BoundedVec<AuthorityId, MaxAuthorities<T>>;

storage_instance!(pub AuthoritiesPrefix, PALLET, "Authorities");
storage_instance!(pub CurrentSlotPrefix, PALLET, "CurrentSlot");
/// The current authority set.
pub type Authorities<T> = StorageValue<AuthoritiesPrefix, AuthorityList<T>, ValueQuery>;
/// The slot of the current block.
pub type CurrentSlot = StorageValue<CurrentSlotPrefix, Slot, ValueQuery>;

/// Why a block's slot is refused (the block is invalid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SlotError {
    /// The slot is not after the parent block's.
    #[error("slot {new} does not follow the current slot {current}")]
    NotIncreasing {
        /// The parent block's slot.
        current: Slot,
        /// The block's slot.
        new: Slot,
    },
    /// The slot digest is not a SCALE `u64`.
    #[error("the slot pre-runtime digest is not a SCALE u64")]
    Malformed,
}

/// Aura's functions.
pub struct Pallet<T>(PhantomData<T>);

impl<T: Config> Pallet<T> {
    /// The current authorities.
    pub fn authorities(ext: &dyn Externalities) -> Vec<AuthorityId> {
        Authorities::<T>::get(ext).into_inner()
    }

    /// The slot of the current block.
    pub fn current_slot(ext: &dyn Externalities) -> Slot {
        CurrentSlot::get(ext)
    }

    /// The slot duration in milliseconds: twice Timestamp's minimum period.
    pub fn slot_duration() -> Moment {
        T::MINIMUM_PERIOD.saturating_mul(2)
    }

    /// The slot the current block's digest states, if it states one.
    fn slot_from_digest(ext: &dyn Externalities) -> Result<Option<Slot>, SlotError> {
        let digest = pallet_system::DigestItems::get(ext);
        digest
            .pre_runtime(ENGINE_ID)
            .map(|mut raw| Slot::decode_all(&mut raw).map_err(|_| SlotError::Malformed))
            .transpose()
    }
}

impl<T: Config> Hooks<SlotError> for Pallet<T> {
    /// Stores the block's slot; refuses one that does not follow the parent's.
    fn on_initialize(ext: &mut dyn Externalities, _n: BlockNumber) -> Result<Weight, SlotError> {
        let db = T::db_weight();
        let Some(new) = Self::slot_from_digest(ext)? else {
            return Ok(db.reads_writes(1, 0));
        };
        let current = CurrentSlot::get(ext);
        if new <= current {
            return Err(SlotError::NotIncreasing { current, new });
        }
        CurrentSlot::put(ext, &new);
        Ok(db.reads_writes(2, 1))
    }
}
