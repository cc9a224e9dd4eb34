//! Moving, minting, burning and reserving balance.

use crate::{
    AccountData, BalanceStatus, Config, Error, Event, Existence, Pallet, TotalIssuance,
    NEW_LOGIC_FLAG,
};
use entroos_primitives::dispatch::{ArithmeticError, DispatchError};
use entroos_primitives::{AccountId32, Balance};
use entroos_support::dispatch::PalletError;
use entroos_support::state::Externalities;

impl<T: Config> Pallet<T> {
    pub(crate) fn error(e: Error) -> DispatchError {
        e.into_module_error(T::PALLET_INDEX)
    }

    /// The account's balance data.
    pub fn account(ext: &dyn Externalities, who: &AccountId32) -> AccountData {
        pallet_system::Pallet::<T>::account(ext, who).data
    }

    /// The account's free balance.
    pub fn free_balance(ext: &dyn Externalities, who: &AccountId32) -> Balance {
        Self::account(ext, who).free
    }

    /// All units issued.
    pub fn total_issuance(ext: &dyn Externalities) -> Balance {
        TotalIssuance::get(ext)
    }

    /// Changes an account's data, reaping it (and burning the dust) when its
    /// total falls below the existential deposit. `f` receives whether the
    /// account is new. Callers that mint or burn adjust the issuance after
    /// this returns, by the amount they moved: the dust is already accounted.
    pub(crate) fn mutate_account<R>(
        ext: &mut dyn Externalities,
        who: &AccountId32,
        f: impl FnOnce(&mut AccountData, bool) -> Result<R, DispatchError>,
    ) -> Result<R, DispatchError> {
        let (result, dust, endowed) = pallet_system::Pallet::<T>::try_mutate_account_data(
            ext,
            who,
            |data: &mut AccountData| {
                let is_new = data.total() == 0;
                let result = f(data, is_new)?;
                let total = data.total();
                if total < T::EXISTENTIAL_DEPOSIT {
                    *data = AccountData::default();
                    return Ok::<_, DispatchError>((result, (total > 0).then_some(total), None));
                }
                data.flags |= NEW_LOGIC_FLAG;
                Ok((result, None, is_new.then_some(data.free)))
            },
        )?;
        if let Some(dust) = dust {
            burn(ext, dust);
            pallet_system::Pallet::<T>::deposit_event(
                ext,
                Event::DustLost {
                    account: *who,
                    amount: dust,
                },
            );
        }
        if let Some(free_balance) = endowed {
            pallet_system::Pallet::<T>::deposit_event(
                ext,
                Event::Endowed {
                    account: *who,
                    free_balance,
                },
            );
        }
        Ok(result)
    }

    /// Takes `amount` from `data`'s free balance, respecting locks and existence.
    fn debit(
        data: &mut AccountData,
        amount: Balance,
        existence: Existence,
    ) -> Result<(), DispatchError> {
        data.free = data
            .free
            .checked_sub(amount)
            .ok_or_else(|| Self::error(Error::InsufficientBalance))?;
        if data.free < data.frozen {
            return Err(Self::error(Error::LiquidityRestrictions));
        }
        if existence == Existence::KeepAlive && data.total() < T::EXISTENTIAL_DEPOSIT {
            return Err(Self::error(Error::Expendability));
        }
        Ok(())
    }

    /// Moves `value` of free balance from `from` to `to`.
    pub fn transfer(
        ext: &mut dyn Externalities,
        from: &AccountId32,
        to: &AccountId32,
        value: Balance,
        existence: Existence,
    ) -> Result<(), DispatchError> {
        if value == 0 || from == to {
            return Ok(());
        }
        let receiver = Self::account(ext, to);
        if receiver.total() == 0 && value < T::EXISTENTIAL_DEPOSIT {
            return Err(Self::error(Error::ExistentialDeposit));
        }
        receiver
            .free
            .checked_add(value)
            .ok_or(ArithmeticError::Overflow)?;
        Self::mutate_account(ext, from, |data, _| Self::debit(data, value, existence))?;
        Self::mutate_account(ext, to, |data, _| {
            data.free = data
                .free
                .checked_add(value)
                .ok_or(ArithmeticError::Overflow)?;
            Ok(())
        })?;
        pallet_system::Pallet::<T>::deposit_event(
            ext,
            Event::Transfer {
                from: *from,
                to: *to,
                amount: value,
            },
        );
        Ok(())
    }

    /// Burns `amount` of `who`'s free balance (fees); emits `Withdraw`.
    pub fn withdraw(
        ext: &mut dyn Externalities,
        who: &AccountId32,
        amount: Balance,
        existence: Existence,
    ) -> Result<(), DispatchError> {
        if amount == 0 {
            return Ok(());
        }
        Self::mutate_account(ext, who, |data, _| Self::debit(data, amount, existence))?;
        burn(ext, amount);
        pallet_system::Pallet::<T>::deposit_event(ext, Event::Withdraw { who: *who, amount });
        Ok(())
    }

    /// Mints `amount` into `who`'s free balance; emits `Deposit`.
    pub fn deposit(
        ext: &mut dyn Externalities,
        who: &AccountId32,
        amount: Balance,
    ) -> Result<(), DispatchError> {
        if amount == 0 {
            return Ok(());
        }
        ensure_can_mint(ext, amount)?;
        Self::mutate_account(ext, who, |data, is_new| {
            if is_new && amount < T::EXISTENTIAL_DEPOSIT {
                return Err(Self::error(Error::ExistentialDeposit));
            }
            data.free = data
                .free
                .checked_add(amount)
                .ok_or(ArithmeticError::Overflow)?;
            Ok(())
        })?;
        mint(ext, amount);
        pallet_system::Pallet::<T>::deposit_event(ext, Event::Deposit { who: *who, amount });
        Ok(())
    }

    /// Moves `amount` from free to reserved.
    pub fn reserve(
        ext: &mut dyn Externalities,
        who: &AccountId32,
        amount: Balance,
    ) -> Result<(), DispatchError> {
        if amount == 0 {
            return Ok(());
        }
        Self::mutate_account(ext, who, |data, _| {
            Self::debit(data, amount, Existence::AllowDeath)?;
            data.reserved = data
                .reserved
                .checked_add(amount)
                .ok_or(ArithmeticError::Overflow)?;
            Ok(())
        })?;
        pallet_system::Pallet::<T>::deposit_event(ext, Event::Reserved { who: *who, amount });
        Ok(())
    }

    /// Moves up to `amount` from reserved back to free; returns what moved.
    pub fn unreserve(
        ext: &mut dyn Externalities,
        who: &AccountId32,
        amount: Balance,
    ) -> Result<Balance, DispatchError> {
        let moved = Self::mutate_account(ext, who, |data, _| {
            let moved = take_reserved(data, amount);
            data.free = data
                .free
                .checked_add(moved)
                .ok_or(ArithmeticError::Overflow)?;
            Ok(moved)
        })?;
        if moved > 0 {
            pallet_system::Pallet::<T>::deposit_event(
                ext,
                Event::Unreserved {
                    who: *who,
                    amount: moved,
                },
            );
        }
        Ok(moved)
    }

    /// Burns up to `amount` of reserved balance; returns what was burned.
    pub fn slash_reserved(
        ext: &mut dyn Externalities,
        who: &AccountId32,
        amount: Balance,
    ) -> Result<Balance, DispatchError> {
        let slashed = Self::mutate_account(ext, who, |data, _| Ok(take_reserved(data, amount)))?;
        if slashed > 0 {
            burn(ext, slashed);
            pallet_system::Pallet::<T>::deposit_event(
                ext,
                Event::Slashed {
                    who: *who,
                    amount: slashed,
                },
            );
        }
        Ok(slashed)
    }

    /// Moves up to `amount` of `from`'s reserved balance into `to`'s free
    /// balance; returns what moved. `to` must exist already unless what
    /// moves reaches the existential deposit.
    pub fn repatriate_reserved(
        ext: &mut dyn Externalities,
        from: &AccountId32,
        to: &AccountId32,
        amount: Balance,
    ) -> Result<Balance, DispatchError> {
        let moved = amount.min(Self::account(ext, from).reserved);
        if moved == 0 {
            return Ok(0);
        }
        if from == to {
            return Self::unreserve(ext, from, moved);
        }
        Self::mutate_account(ext, to, |data, is_new| {
            if is_new && moved < T::EXISTENTIAL_DEPOSIT {
                return Err(Self::error(Error::ExistentialDeposit));
            }
            data.free = data
                .free
                .checked_add(moved)
                .ok_or(ArithmeticError::Overflow)?;
            Ok(())
        })?;
        Self::mutate_account(ext, from, |data, _| Ok(take_reserved(data, moved)))?;
        pallet_system::Pallet::<T>::deposit_event(
            ext,
            Event::ReserveRepatriated {
                from: *from,
                to: *to,
                amount: moved,
                destination_status: BalanceStatus::Free,
            },
        );
        Ok(moved)
    }

    /// Sets `who`'s free balance, minting or burning the difference (root).
    /// A total left below the existential deposit reaps the account, and its
    /// dust leaves the issuance too.
    pub fn set_free_balance(
        ext: &mut dyn Externalities,
        who: &AccountId32,
        free: Balance,
    ) -> Result<(), DispatchError> {
        let old = Self::free_balance(ext, who);
        let (minted, burned) = (free.saturating_sub(old), old.saturating_sub(free));
        ensure_can_mint(ext, minted)?;
        Self::mutate_account(ext, who, |data, _| {
            data.free = free;
            Ok(())
        })?;
        mint(ext, minted);
        burn(ext, burned);
        let free = Self::free_balance(ext, who);
        pallet_system::Pallet::<T>::deposit_event(ext, Event::BalanceSet { who: *who, free });
        Ok(())
    }

    /// What `who` can send: free less locks, and less the deposit when kept alive.
    pub fn reducible_balance(
        ext: &dyn Externalities,
        who: &AccountId32,
        existence: Existence,
    ) -> Balance {
        let data = Self::account(ext, who);
        let keep = match existence {
            Existence::KeepAlive => T::EXISTENTIAL_DEPOSIT.saturating_sub(data.reserved),
            Existence::AllowDeath => 0,
        };
        data.free.saturating_sub(data.frozen.max(keep))
    }
}

/// Takes up to `amount` out of `data`'s reserved balance; returns what it took.
fn take_reserved(data: &mut AccountData, amount: Balance) -> Balance {
    let taken = amount.min(data.reserved);
    data.reserved = data.reserved.saturating_sub(taken);
    taken
}

/// Fails if minting `amount` would overflow the issuance.
fn ensure_can_mint(ext: &dyn Externalities, amount: Balance) -> Result<(), DispatchError> {
    TotalIssuance::get(ext)
        .checked_add(amount)
        .map(drop)
        .ok_or_else(|| ArithmeticError::Overflow.into())
}

/// Adds `amount` to the issuance (checked beforehand by [`ensure_can_mint`]).
fn mint(ext: &mut dyn Externalities, amount: Balance) {
    if amount > 0 {
        TotalIssuance::mutate(ext, |i| *i = i.saturating_add(amount));
    }
}

/// Removes `amount` from the issuance.
fn burn(ext: &mut dyn Externalities, amount: Balance) {
    if amount > 0 {
        TotalIssuance::mutate(ext, |i| *i = i.saturating_sub(amount));
    }
}
