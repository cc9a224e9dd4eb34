//! # Transaction payment pallet
//!
//! Fees for signed extrinsics:
//! `fee = base + length fee + weight fee × multiplier + tip`, where
//! `base = weight_to_fee(base extrinsic weight of the class)`,
//! `length fee = LENGTH_FEE_PER_BYTE × encoded length` and
//! `weight fee = weight_to_fee(call weight)`. Fees are withdrawn before
//! dispatch (keeping the payer alive) and burned; `TransactionFeePaid` records
//! them.
//!
//! The multiplier follows Substrate's targeted fee adjustment at the end of
//! every block: with `s = (normal weight used − target) / max normal weight`
//! and a fixed `v`, `m ← m · (1 + v·s + (v·s)²/2)`, never below one. It rises
//! only while blocks are fuller than the target.

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

mod adjustment;
mod metadata;

use codec::{Decode, Encode};
use entroos_primitives::arithmetic::FixedU128;
use entroos_primitives::dispatch::{DispatchClass, DispatchInfo, FeeDetails, InclusionFee, Pays};
use entroos_primitives::validity::InvalidTransaction;
use entroos_primitives::{AccountId32, Balance, BlockNumber, Weight};
use entroos_support::hooks::Hooks;
use entroos_support::state::Externalities;
use entroos_support::storage::{StorageValue, TypedGet, ValueQueryWith};
use entroos_support::storage_instance;
use pallet_balances::Existence;
use scale_info::TypeInfo;
use std::marker::PhantomData;

pub use adjustment::next_multiplier;

/// The pallet's storage prefix.
pub const PALLET: &str = "TransactionPayment";

/// What the runtime provides to TransactionPayment.
pub trait Config: pallet_balances::Config<RuntimeEvent: From<Event>> {
    /// The fee per byte of encoded extrinsic.
    const LENGTH_FEE_PER_BYTE: Balance;
    /// How much more operational extrinsics' tips weigh in their priority.
    const OPERATIONAL_FEE_MULTIPLIER: u8;
    /// Converts weight into fee.
    fn weight_to_fee(weight: Weight) -> Balance;
}

pub use pallet::Event;

/// Where the event and error types live, so that their type paths are
/// FRAME's `<crate>::pallet::{Event, Error}` (clients match on those paths).
pub mod pallet {
    #[allow(unused_imports)]
    use super::*;

    /// TransactionPayment's events.
    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Event {
        /// A fee was paid.
        #[codec(index = 0)]
        TransactionFeePaid {
            /// The payer.
            who: AccountId32,
            /// The fee, tip included.
            actual_fee: Balance,
            /// The tip.
            tip: Balance,
        },
    }
}

/// One, the multiplier's resting value.
pub struct MultiplierOnEmpty;
impl TypedGet for MultiplierOnEmpty {
    type Value = FixedU128;
    fn get() -> FixedU128 {
        FixedU128::one()
    }
}

storage_instance!(pub NextFeeMultiplierPrefix, PALLET, "NextFeeMultiplier");
/// The multiplier applied to weight fees in the next block.
pub type NextFeeMultiplier =
    StorageValue<NextFeeMultiplierPrefix, FixedU128, ValueQueryWith<MultiplierOnEmpty>>;

/// TransactionPayment's functions.
pub struct Pallet<T>(PhantomData<T>);

impl<T: Config> Pallet<T> {
    /// The fee's parts for an extrinsic of `len` bytes with this dispatch info and tip.
    pub fn compute_fee_details(
        ext: &dyn Externalities,
        len: u32,
        info: &DispatchInfo,
        tip: Balance,
    ) -> FeeDetails {
        if info.pays_fee == Pays::No {
            return FeeDetails {
                inclusion_fee: None,
                tip,
            };
        }
        let base_weight = T::block_weights().per_class.get(info.class).base_extrinsic;
        let multiplier = NextFeeMultiplier::get(ext);
        FeeDetails {
            inclusion_fee: Some(InclusionFee {
                base_fee: T::weight_to_fee(base_weight),
                len_fee: T::LENGTH_FEE_PER_BYTE.saturating_mul(Balance::from(len)),
                adjusted_weight_fee: multiplier.saturating_mul_int(T::weight_to_fee(info.weight)),
            }),
            tip,
        }
    }

    /// The total fee, tip included.
    pub fn compute_fee(
        ext: &dyn Externalities,
        len: u32,
        info: &DispatchInfo,
        tip: Balance,
    ) -> Balance {
        let details = Self::compute_fee_details(ext, len, info, tip);
        let inclusion = details.inclusion_fee.map_or(0, |f| {
            f.base_fee
                .saturating_add(f.len_fee)
                .saturating_add(f.adjusted_weight_fee)
        });
        inclusion.saturating_add(if info.pays_fee == Pays::Yes { tip } else { 0 })
    }

    /// Withdraws the fee from `who` (who must stay alive) before dispatch.
    pub fn withdraw_fee(
        ext: &mut dyn Externalities,
        who: &AccountId32,
        fee: Balance,
    ) -> Result<(), InvalidTransaction> {
        pallet_balances::Pallet::<T>::withdraw(ext, who, fee, Existence::KeepAlive)
            .map_err(|_| InvalidTransaction::Payment)
    }

    /// Records a paid fee.
    pub fn note_fee_paid(
        ext: &mut dyn Externalities,
        who: &AccountId32,
        actual_fee: Balance,
        tip: Balance,
    ) {
        pallet_system::Pallet::<T>::deposit_event(
            ext,
            Event::TransactionFeePaid {
                who: *who,
                actual_fee,
                tip,
            },
        );
    }

    /// The pool priority of a transaction: its fee, and for operational ones
    /// their tip counted `OPERATIONAL_FEE_MULTIPLIER` more times.
    pub fn priority(fee: Balance, tip: Balance, class: DispatchClass) -> u64 {
        let boost = match class {
            DispatchClass::Operational => {
                tip.saturating_mul(Balance::from(T::OPERATIONAL_FEE_MULTIPLIER))
            }
            _ => 0,
        };
        u64::try_from(fee.saturating_add(boost)).unwrap_or(u64::MAX)
    }
}

impl<T: Config> Hooks for Pallet<T> {
    /// Updates the multiplier from the block's normal-class weight.
    fn on_finalize(ext: &mut dyn Externalities, _n: BlockNumber) {
        let normal_used = pallet_system::BlockWeight::get(ext).normal;
        let max_normal = T::block_weights()
            .per_class
            .normal
            .max_total
            .unwrap_or(T::block_weights().max_block);
        let current = NextFeeMultiplier::get(ext);
        NextFeeMultiplier::put(
            ext,
            &next_multiplier(current, normal_used.ref_time, max_normal.ref_time),
        );
    }
}
