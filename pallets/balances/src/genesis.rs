//! Balances' genesis: endowed accounts.

use crate::{AccountData, Config, TotalIssuance, NEW_LOGIC_FLAG};
use entroos_primitives::{AccountId32, Balance};
use entroos_support::hooks::GenesisError;
use entroos_support::state::Externalities;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Accounts and their initial free balances (`{"balances": [["5Grw…", 1000], …]}`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenesisConfig {
    /// `(account, free balance)` pairs.
    #[serde(default)]
    pub balances: Vec<(AccountId32, Balance)>,
}

impl GenesisConfig {
    /// Endows the accounts; rejects duplicates, amounts below the existential
    /// deposit and an issuance that overflows.
    pub fn build<T: Config>(&self, ext: &mut dyn Externalities) -> Result<(), GenesisError> {
        let mut seen = BTreeSet::new();
        let mut issuance: Balance = 0;
        for (who, free) in &self.balances {
            if !seen.insert(*who) {
                return Err(GenesisError::Invalid(format!(
                    "account {who} is endowed twice"
                )));
            }
            if *free < T::EXISTENTIAL_DEPOSIT {
                return Err(GenesisError::Invalid(format!(
                    "account {who} is endowed with {free}, below the existential deposit {}",
                    T::EXISTENTIAL_DEPOSIT
                )));
            }
            issuance = issuance
                .checked_add(*free)
                .ok_or_else(|| GenesisError::Invalid("total issuance overflows".into()))?;
            let data = AccountData {
                free: *free,
                flags: NEW_LOGIC_FLAG,
                ..Default::default()
            };
            pallet_system::Account::<T>::mutate(ext, who, |account| account.data = data);
            pallet_system::Pallet::<T>::inc_providers(ext, who);
        }
        TotalIssuance::put(ext, &issuance);
        Ok(())
    }
}
