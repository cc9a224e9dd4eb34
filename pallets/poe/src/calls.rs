//! Dispatching the pallet's calls.

use crate::jobs::JobRequest;
use crate::types::SignedReceipt;
use crate::{weights, Call, Config, Pallet};
use entroos_primitives::dispatch::DispatchError;
use entroos_primitives::dispatch::{DispatchClass, DispatchInfo, DispatchResult, Pays};
use entroos_support::dispatch::{ensure_none, ensure_signed, GetDispatchInfo, RawOrigin};
use entroos_support::state::Externalities;

impl GetDispatchInfo for Call {
    fn get_dispatch_info(&self) -> DispatchInfo {
        let weight = match self {
            Call::upload_module { code } => {
                weights::upload_module(u32::try_from(code.len()).unwrap_or(u32::MAX))
            }
            Call::remove_module { .. } => weights::REMOVE_MODULE,
            Call::register_provider { .. } => weights::REGISTER_PROVIDER,
            Call::unregister_provider {} => weights::UNREGISTER_PROVIDER,
            Call::withdraw_bond {} => weights::WITHDRAW_BOND,
            Call::submit_job { .. } => weights::SUBMIT_JOB,
            Call::commit_receipt { .. } => weights::COMMIT_RECEIPT,
            Call::reveal_receipt { .. } => weights::REVEAL_RECEIPT,
            Call::heartbeat { .. } => weights::HEARTBEAT,
        };
        // Unsigned heartbeats pay nothing; the pool admits one per provider
        // and epoch.
        let (class, pays_fee) = match self {
            Call::heartbeat { .. } => (DispatchClass::Operational, Pays::No),
            _ => (DispatchClass::Normal, Pays::Yes),
        };
        DispatchInfo {
            weight,
            class,
            pays_fee,
        }
    }
}

impl<T: Config> Pallet<T> {
    /// Dispatches a ledger call (every one but the unsigned heartbeat
    /// needs a signer).
    pub fn dispatch(ext: &mut dyn Externalities, origin: RawOrigin, call: Call) -> DispatchResult {
        if let Call::heartbeat {
            heartbeat,
            signature,
        } = &call
        {
            ensure_none(&origin)?;
            return Self::note_heartbeat(ext, heartbeat, signature);
        }
        let who = ensure_signed(&origin)?;
        match call {
            Call::upload_module { code } => Self::upload_module(ext, &who, code),
            Call::remove_module { module } => Self::remove_module(ext, &who, module),
            Call::register_provider { bond, info } => {
                Self::register_provider(ext, &who, bond, info)
            }
            Call::unregister_provider {} => Self::unregister_provider(ext, &who),
            Call::withdraw_bond {} => Self::withdraw_bond(ext, &who),
            Call::submit_job {
                module,
                input,
                fuel,
                memory_pages,
                replicas,
                reward,
                deadline,
            } => {
                let request = JobRequest {
                    module,
                    input,
                    fuel,
                    memory_pages,
                    replicas,
                    reward,
                    deadline,
                };
                Self::submit_job(ext, &who, request)
            }
            Call::commit_receipt { job_id, commitment } => {
                Self::commit_receipt(ext, &who, job_id, commitment)
            }
            Call::reveal_receipt {
                job_id,
                receipt,
                salt,
                signature,
            } => {
                let signed = SignedReceipt { receipt, signature };
                Self::reveal_receipt(ext, &who, job_id, signed, salt)
            }
            Call::heartbeat { .. } => Err(DispatchError::BadOrigin),
        }
    }
}
