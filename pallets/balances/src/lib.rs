//! # Balances pallet
//!
//! The native token: free and reserved balances kept in `System.Account`,
//! total issuance, the existential deposit, locks, and transfers.
//!
//! Invariants:
//! - `TotalIssuance` equals the sum of every account's `free + reserved`.
//! - An account's total is zero or at least `EXISTENTIAL_DEPOSIT`; an account
//!   that would fall below it is reaped and the remainder burned (`DustLost`),
//!   unless the operation keeps it alive, in which case it fails.
//! - `frozen` is the largest lock; the free balance never drops below it.

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

mod calls;
mod genesis;
mod locks;
mod metadata;
mod transfer;
mod types;
pub mod weights;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use calls::Call;
pub use genesis::GenesisConfig;
pub use types::*;

use codec::{Decode, Encode};
use entroos_primitives::hashing::Blake2_128Concat;
use entroos_primitives::{AccountId32, Balance};
use entroos_support::pallet_error;
use entroos_support::storage::{StorageMap, StorageValue, ValueQuery};
use entroos_support::storage_instance;
use scale_info::TypeInfo;
use std::marker::PhantomData;

/// The pallet's storage prefix.
pub const PALLET: &str = "Balances";

/// What the runtime provides to Balances.
pub trait Config:
    pallet_system::Config<AccountData = AccountData, RuntimeEvent: From<Event>>
{
    /// This pallet's index in the runtime.
    const PALLET_INDEX: u8;
    /// The least total balance an account may hold and exist.
    const EXISTENTIAL_DEPOSIT: Balance;
    /// The most locks one account may carry.
    const MAX_LOCKS: u32;
}

pub use pallet::{Error, Event};

/// Where the event and error types live, so that their type paths are
/// FRAME's `<crate>::pallet::{Event, Error}` (clients match on those paths).
pub mod pallet {
    #[allow(unused_imports)]
    use super::*;

    /// Balances' events, with FRAME's indices.
    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Event {
        /// An account was created with some free balance.
        #[codec(index = 0)]
        Endowed {
            /// The account.
            account: AccountId32,
            /// Its free balance.
            free_balance: Balance,
        },
        /// An account was reaped and its dust burned.
        #[codec(index = 1)]
        DustLost {
            /// The account.
            account: AccountId32,
            /// The dust.
            amount: Balance,
        },
        /// A transfer succeeded.
        #[codec(index = 2)]
        Transfer {
            /// Sender.
            from: AccountId32,
            /// Receiver.
            to: AccountId32,
            /// Amount.
            amount: Balance,
        },
        /// A balance was set by root.
        #[codec(index = 3)]
        BalanceSet {
            /// The account.
            who: AccountId32,
            /// Its new free balance.
            free: Balance,
        },
        /// Some balance was reserved.
        #[codec(index = 4)]
        Reserved {
            /// The account.
            who: AccountId32,
            /// Amount.
            amount: Balance,
        },
        /// Some balance was unreserved.
        #[codec(index = 5)]
        Unreserved {
            /// The account.
            who: AccountId32,
            /// Amount.
            amount: Balance,
        },
        /// Reserved balance moved from one account to another.
        #[codec(index = 6)]
        ReserveRepatriated {
            /// The account it was reserved in.
            from: AccountId32,
            /// The account that received it.
            to: AccountId32,
            /// Amount.
            amount: Balance,
            /// Where it landed in `to`.
            destination_status: BalanceStatus,
        },
        /// Some amount was deposited (e.g. a reward).
        #[codec(index = 7)]
        Deposit {
            /// The account.
            who: AccountId32,
            /// Amount.
            amount: Balance,
        },
        /// Some amount was withdrawn (e.g. a fee).
        #[codec(index = 8)]
        Withdraw {
            /// The account.
            who: AccountId32,
            /// Amount.
            amount: Balance,
        },
        /// Some amount was slashed.
        #[codec(index = 9)]
        Slashed {
            /// The account.
            who: AccountId32,
            /// Amount.
            amount: Balance,
        },
    }
    pallet_error! {
        /// Balances' errors, in FRAME's order.
        pub enum Error {
            /// Vesting balance too high to send value.
            VestingBalance,
            /// Account liquidity restrictions prevent withdrawal.
            LiquidityRestrictions,
            /// Balance too low to send value.
            InsufficientBalance,
            /// Value too low to create account due to existential deposit.
            ExistentialDeposit,
            /// Transfer/payment would kill account.
            Expendability,
            /// A vesting schedule already exists for this account.
            ExistingVestingSchedule,
            /// Beneficiary account must pre-exist.
            DeadAccount,
            /// Number of named reserves exceed `MaxReserves`.
            TooManyReserves,
            /// Number of holds exceed `VariantCountOf<T::RuntimeHoldReason>`.
            TooManyHolds,
            /// Number of freezes exceed `MaxFreezes`.
            TooManyFreezes,
            /// The issuance cannot be modified since it is already deactivated.
            IssuanceDeactivated,
            /// The delta cannot be zero.
            DeltaZero,
        }
    }
}

storage_instance!(pub TotalIssuancePrefix, PALLET, "TotalIssuance");
storage_instance!(pub InactiveIssuancePrefix, PALLET, "InactiveIssuance");
storage_instance!(pub LocksPrefix, PALLET, "Locks");
/// The total units issued.
pub type TotalIssuance = StorageValue<TotalIssuancePrefix, Balance, ValueQuery>;
/// Issued units that are not active (none on EntroOS; kept for tooling).
pub type InactiveIssuance = StorageValue<InactiveIssuancePrefix, Balance, ValueQuery>;
/// Each account's locks.
pub type Locks =
    StorageMap<LocksPrefix, Blake2_128Concat, AccountId32, Vec<BalanceLock>, ValueQuery>;

/// Whether an operation may reap the account it takes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Existence {
    /// The account must stay alive.
    KeepAlive,
    /// The account may be reaped.
    AllowDeath,
}

/// Balances' functions.
pub struct Pallet<T>(PhantomData<T>);

impl<T: Config> entroos_support::hooks::Hooks for Pallet<T> {}
