//! Account lifecycle: nonces and the reference counts that decide whether an
//! account exists.

use crate::{Account, Config, Event, Pallet};
use entroos_primitives::dispatch::DispatchError;
use entroos_primitives::{AccountId32, Nonce};
use entroos_support::state::Externalities;

impl<T: Config> Pallet<T> {
    /// The account's info (default if it does not exist).
    pub fn account(
        ext: &dyn Externalities,
        who: &AccountId32,
    ) -> crate::AccountInfo<T::AccountData> {
        Account::<T>::get(ext, who)
    }

    /// Whether the account exists.
    pub fn account_exists(ext: &dyn Externalities, who: &AccountId32) -> bool {
        Account::<T>::contains_key(ext, who)
    }

    /// The account's next nonce.
    pub fn account_nonce(ext: &dyn Externalities, who: &AccountId32) -> Nonce {
        Account::<T>::get(ext, who).nonce
    }

    /// Increments the account's nonce (wrapping is impossible in practice; it saturates).
    pub fn inc_account_nonce(ext: &mut dyn Externalities, who: &AccountId32) {
        Account::<T>::mutate(ext, who, |a| a.nonce = a.nonce.saturating_add(1));
    }

    /// Adds a provider; creates the account if it had none.
    pub fn inc_providers(ext: &mut dyn Externalities, who: &AccountId32) {
        let created = Account::<T>::mutate(ext, who, |a| {
            let created = a.providers == 0 && a.sufficients == 0;
            a.providers = a.providers.saturating_add(1);
            created
        });
        if created {
            Self::deposit_event(ext, Event::NewAccount { account: *who });
        }
    }

    /// Removes a provider; reaps the account when none remain. Fails while
    /// consumers depend on the last provider.
    pub fn dec_providers(
        ext: &mut dyn Externalities,
        who: &AccountId32,
    ) -> Result<(), DispatchError> {
        let mut account = Account::<T>::get(ext, who);
        if account.providers == 0 {
            return Ok(());
        }
        if account.providers == 1 && account.sufficients == 0 {
            if account.consumers > 0 {
                return Err(DispatchError::ConsumerRemaining);
            }
            Account::<T>::remove(ext, who);
            Self::deposit_event(ext, Event::KilledAccount { account: *who });
            return Ok(());
        }
        account.providers = account.providers.saturating_sub(1);
        Account::<T>::insert(ext, who, &account);
        Ok(())
    }

    /// Adds a consumer (something that needs the account to stay alive).
    pub fn inc_consumers(
        ext: &mut dyn Externalities,
        who: &AccountId32,
    ) -> Result<(), DispatchError> {
        Account::<T>::try_mutate(ext, who, |a| {
            if a.providers == 0 {
                return Err(DispatchError::NoProviders);
            }
            a.consumers = a.consumers.saturating_add(1);
            Ok(())
        })
    }

    /// Removes a consumer.
    pub fn dec_consumers(ext: &mut dyn Externalities, who: &AccountId32) {
        if Self::account_exists(ext, who) {
            Account::<T>::mutate(ext, who, |a| a.consumers = a.consumers.saturating_sub(1));
        }
    }

    /// Changes the account's data. An account "provides" while its data is not
    /// the default: becoming non-default adds a provider (creating the
    /// account), becoming default removes it (possibly reaping the account).
    pub fn try_mutate_account_data<R, E: From<DispatchError>>(
        ext: &mut dyn Externalities,
        who: &AccountId32,
        f: impl FnOnce(&mut T::AccountData) -> Result<R, E>,
    ) -> Result<R, E> {
        let mut account = Account::<T>::get(ext, who);
        let was_providing = account.data != T::AccountData::default();
        let result = f(&mut account.data)?;
        let is_providing = account.data != T::AccountData::default();
        if is_providing {
            Account::<T>::mutate(ext, who, |a| a.data = account.data.clone());
        }
        match (was_providing, is_providing) {
            (false, true) => Self::inc_providers(ext, who),
            (true, false) => {
                Self::dec_providers(ext, who)?;
                if Self::account_exists(ext, who) {
                    Account::<T>::mutate(ext, who, |a| a.data = account.data);
                }
            }
            _ => {}
        }
        Ok(result)
    }
}
