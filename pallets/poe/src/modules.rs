//! Content-addressed modules: upload (checked, deposit reserved) and
//! removal (deposit returned) when no job in flight names the module.

use crate::types::{ModuleCode, ModuleInfo};
use crate::wasm::check_module;
use crate::{Config, Error, Event, ModuleCodes, Modules, Pallet};
use entroos_primitives::dispatch::DispatchResult;
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::{AccountId32, H256};
use entroos_support::state::Externalities;

type Balances<T> = pallet_balances::Pallet<T>;

impl<T: Config> Pallet<T> {
    /// Checks and stores `code` under its blake2-256, reserving the deposit.
    pub fn upload_module(
        ext: &mut dyn Externalities,
        owner: &AccountId32,
        code: ModuleCode,
    ) -> DispatchResult {
        let params = Self::params(ext);
        check_module(code.as_slice(), params.max_module_bytes).map_err(Self::error)?;
        let hash = H256(blake2_256(code.as_slice()));
        if Modules::contains_key(ext, &hash) {
            return Err(Self::error(Error::ModuleExists));
        }
        let size = u32::try_from(code.len()).map_err(|_| Self::error(Error::ModuleTooLarge))?;
        let deposit = params
            .module_deposit(size)
            .ok_or_else(|| Self::error(Error::Overflow))?;
        Balances::<T>::reserve(ext, owner, deposit)?;
        let info = ModuleInfo {
            owner: *owner,
            deposit,
            code_bytes: size,
            active_jobs: 0,
        };
        Modules::insert(ext, &hash, &info);
        ModuleCodes::insert(ext, &hash, &code);
        Self::deposit_event(
            ext,
            Event::ModuleStored {
                module: hash,
                owner: *owner,
                code_bytes: size,
                deposit,
            },
        );
        Ok(())
    }

    /// Removes `hash` if `who` uploaded it and no job in flight names it.
    pub fn remove_module(
        ext: &mut dyn Externalities,
        who: &AccountId32,
        hash: H256,
    ) -> DispatchResult {
        let info = Modules::get(ext, &hash).ok_or_else(|| Self::error(Error::UnknownModule))?;
        if info.owner != *who {
            return Err(Self::error(Error::NotModuleOwner));
        }
        if info.active_jobs > 0 {
            return Err(Self::error(Error::ModuleInUse));
        }
        Balances::<T>::unreserve(ext, who, info.deposit)?;
        Modules::remove(ext, &hash);
        ModuleCodes::remove(ext, &hash);
        Self::deposit_event(
            ext,
            Event::ModuleRemoved {
                module: hash,
                deposit: info.deposit,
            },
        );
        Ok(())
    }

    /// Counts a job in flight naming `hash` in (`add`) or out.
    pub(crate) fn note_module_use(ext: &mut dyn Externalities, hash: &H256, add: bool) {
        Modules::mutate(ext, hash, |info| {
            if let Some(info) = info {
                info.active_jobs = if add {
                    info.active_jobs.saturating_add(1)
                } else {
                    info.active_jobs.saturating_sub(1)
                };
            }
        });
    }
}
