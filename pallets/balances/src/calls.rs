//! Balances' calls, with FRAME's call indices.

use crate::{weights, Config, Existence, Pallet};
use codec::{Decode, Encode};
use entroos_primitives::dispatch::{
    DispatchClass, DispatchError, DispatchInfo, DispatchResult, Pays,
};
use entroos_primitives::{AccountId32, Address, Balance};
use entroos_support::dispatch::{ensure_root, ensure_signed, GetDispatchInfo, RawOrigin};
use entroos_support::state::Externalities;
use scale_info::TypeInfo;

/// Balances' calls.
#[allow(non_camel_case_types)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("calls", "pallet"))]
pub enum Call {
    /// Transfers, reaping the sender if it falls below the existential deposit.
    #[codec(index = 0)]
    transfer_allow_death {
        /// Receiver.
        dest: Address,
        /// Amount.
        #[codec(compact)]
        value: Balance,
    },
    /// Transfers from any account (root).
    #[codec(index = 2)]
    force_transfer {
        /// Sender.
        source: Address,
        /// Receiver.
        dest: Address,
        /// Amount.
        #[codec(compact)]
        value: Balance,
    },
    /// Transfers, failing if the sender would be reaped.
    #[codec(index = 3)]
    transfer_keep_alive {
        /// Receiver.
        dest: Address,
        /// Amount.
        #[codec(compact)]
        value: Balance,
    },
    /// Transfers everything that can be sent.
    #[codec(index = 4)]
    transfer_all {
        /// Receiver.
        dest: Address,
        /// Whether the sender must stay alive.
        keep_alive: bool,
    },
    /// Sets an account's free balance (root).
    #[codec(index = 8)]
    force_set_balance {
        /// The account.
        who: Address,
        /// Its new free balance.
        #[codec(compact)]
        new_free: Balance,
    },
}

impl GetDispatchInfo for Call {
    fn get_dispatch_info(&self) -> DispatchInfo {
        let (weight, class) = match self {
            Call::transfer_allow_death { .. } | Call::transfer_keep_alive { .. } => {
                (weights::TRANSFER, DispatchClass::Normal)
            }
            Call::force_transfer { .. } => (weights::TRANSFER, DispatchClass::Operational),
            Call::transfer_all { .. } => (weights::TRANSFER_ALL, DispatchClass::Normal),
            Call::force_set_balance { .. } => {
                (weights::FORCE_SET_BALANCE, DispatchClass::Operational)
            }
        };
        DispatchInfo {
            weight,
            class,
            pays_fee: Pays::Yes,
        }
    }
}

fn lookup(address: &Address) -> Result<AccountId32, DispatchError> {
    address
        .account()
        .copied()
        .ok_or(DispatchError::CannotLookup)
}

impl<T: Config> Pallet<T> {
    /// Dispatches a Balances call.
    pub fn dispatch(ext: &mut dyn Externalities, origin: RawOrigin, call: Call) -> DispatchResult {
        match call {
            Call::transfer_allow_death { dest, value } => {
                let from = ensure_signed(&origin)?;
                Self::transfer(ext, &from, &lookup(&dest)?, value, Existence::AllowDeath)
            }
            Call::transfer_keep_alive { dest, value } => {
                let from = ensure_signed(&origin)?;
                Self::transfer(ext, &from, &lookup(&dest)?, value, Existence::KeepAlive)
            }
            Call::force_transfer {
                source,
                dest,
                value,
            } => {
                ensure_root(&origin)?;
                Self::transfer(
                    ext,
                    &lookup(&source)?,
                    &lookup(&dest)?,
                    value,
                    Existence::AllowDeath,
                )
            }
            Call::transfer_all { dest, keep_alive } => {
                let from = ensure_signed(&origin)?;
                let existence = if keep_alive {
                    Existence::KeepAlive
                } else {
                    Existence::AllowDeath
                };
                let value = Self::reducible_balance(ext, &from, existence);
                Self::transfer(ext, &from, &lookup(&dest)?, value, existence)
            }
            Call::force_set_balance { who, new_free } => {
                ensure_root(&origin)?;
                Self::set_free_balance(ext, &lookup(&who)?, new_free)
            }
        }
    }
}
