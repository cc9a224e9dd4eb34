//! The compute-provider registry: register with a reserved bond and a
//! declaration, unregister (no new assignments), withdraw the bond once
//! the unbonding period has passed and no assignment is open.
//!
//! The same registry serves the ledger's executor choice and, later, an
//! orchestration layer placing workloads: operator and zone spread
//! replicas over failure domains, capacity filters what fits, labels are
//! for selectors.

use crate::types::{Provider, ProviderInfo, ProviderStatus, MAX_PROVIDERS};
use crate::{Config, Error, Event, Pallet, ProviderCount, Providers};
use entroos_primitives::dispatch::DispatchResult;
use entroos_primitives::{AccountId32, Balance};
use entroos_support::state::Externalities;

type Balances<T> = pallet_balances::Pallet<T>;

impl<T: Config> Pallet<T> {
    /// Registers `who` with `bond` reserved.
    pub fn register_provider(
        ext: &mut dyn Externalities,
        who: &AccountId32,
        bond: Balance,
        info: ProviderInfo,
    ) -> DispatchResult {
        let params = Self::params(ext);
        if Providers::contains_key(ext, who) {
            return Err(Self::error(Error::AlreadyProvider));
        }
        if bond < params.minimum_provider_bond {
            return Err(Self::error(Error::BondTooLow));
        }
        let count = ProviderCount::get(ext);
        if count >= MAX_PROVIDERS {
            return Err(Self::error(Error::TooManyProviders));
        }
        Balances::<T>::reserve(ext, who, bond)?;
        let provider = Provider {
            bond,
            info,
            reliability: params.initial_reliability,
            status: ProviderStatus::Active,
            open_assignments: 0,
        };
        Providers::insert(ext, who, &provider);
        ProviderCount::put(ext, &count.saturating_add(1));
        Self::deposit_event(
            ext,
            Event::ProviderRegistered {
                provider: *who,
                bond,
            },
        );
        Ok(())
    }

    /// Marks `who` as leaving: no new assignments from now on.
    pub fn unregister_provider(ext: &mut dyn Externalities, who: &AccountId32) -> DispatchResult {
        let mut provider =
            Providers::get(ext, who).ok_or_else(|| Self::error(Error::NotProvider))?;
        if provider.status != ProviderStatus::Active {
            return Err(Self::error(Error::ProviderLeaving));
        }
        let release_at =
            pallet_system::Number::get(ext).saturating_add(Self::params(ext).unbonding_blocks);
        provider.status = ProviderStatus::Leaving { release_at };
        Providers::insert(ext, who, &provider);
        Self::deposit_event(
            ext,
            Event::ProviderUnregistered {
                provider: *who,
                release_at,
            },
        );
        Ok(())
    }

    /// Returns a leaving provider's bond and forgets it.
    pub fn withdraw_bond(ext: &mut dyn Externalities, who: &AccountId32) -> DispatchResult {
        let provider = Providers::get(ext, who).ok_or_else(|| Self::error(Error::NotProvider))?;
        let ProviderStatus::Leaving { release_at } = provider.status else {
            return Err(Self::error(Error::ProviderActive));
        };
        if pallet_system::Number::get(ext) < release_at {
            return Err(Self::error(Error::BondLocked));
        }
        if provider.open_assignments > 0 {
            return Err(Self::error(Error::AssignmentsOpen));
        }
        let amount = Balances::<T>::unreserve(ext, who, provider.bond)?;
        Providers::remove(ext, who);
        crate::LastHeartbeat::remove(ext, who);
        ProviderCount::mutate(ext, |count| *count = count.saturating_sub(1));
        Self::deposit_event(
            ext,
            Event::ProviderBondReleased {
                provider: *who,
                amount,
            },
        );
        Ok(())
    }
}
