//! Submitting a job: checks against the chain's limits, the reward
//! reserved, and a place in the due queue for the next block's hook.

use crate::types::{Executors, Job, JobInput, JobStatus, MAX_REPLICAS};
use crate::{Config, Error, Event, JobInputs, Jobs, Modules, NextJobId, Pallet, ProviderCount};
use entroos_primitives::dispatch::DispatchResult;
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::{AccountId32, Balance, BlockNumber, H256};
use entroos_support::state::Externalities;

/// What a submitter asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobRequest {
    /// The module's hash.
    pub module: H256,
    /// The input.
    pub input: JobInput,
    /// Fuel limit.
    pub fuel: u64,
    /// Memory limit in pages.
    pub memory_pages: u32,
    /// `k`.
    pub replicas: u8,
    /// The reward to reserve.
    pub reward: Balance,
    /// The settlement deadline.
    pub deadline: BlockNumber,
}

impl<T: Config> Pallet<T> {
    fn check_request(ext: &dyn Externalities, request: &JobRequest) -> Result<(), Error> {
        let params = Self::params(ext);
        if !Modules::contains_key(ext, &request.module) {
            return Err(Error::UnknownModule);
        }
        if request.fuel == 0 || request.fuel > params.max_fuel {
            return Err(Error::FuelOutOfRange);
        }
        if request.memory_pages == 0 || request.memory_pages > params.max_memory_pages {
            return Err(Error::PagesOutOfRange);
        }
        if request.replicas == 0 || u32::from(request.replicas) > MAX_REPLICAS {
            return Err(Error::InvalidReplication);
        }
        if ProviderCount::get(ext) < u32::from(request.replicas) {
            return Err(Error::NotEnoughProviders);
        }
        let earliest = pallet_system::Number::get(ext)
            .saturating_add(1)
            .saturating_add(params.round_blocks());
        if request.deadline < earliest {
            return Err(Error::DeadlineTooSoon);
        }
        Ok(())
    }

    /// Submits `request` for `owner`, reserving the reward.
    pub fn submit_job(
        ext: &mut dyn Externalities,
        owner: &AccountId32,
        request: JobRequest,
    ) -> DispatchResult {
        Self::check_request(ext, &request).map_err(Self::error)?;
        let now = pallet_system::Number::get(ext);
        let job_id = NextJobId::get(ext);
        let next_id = job_id
            .checked_add(1)
            .ok_or_else(|| Self::error(Error::Overflow))?;
        Self::schedule(ext, job_id, now.saturating_add(1)).map_err(Self::error)?;
        pallet_balances::Pallet::<T>::reserve(ext, owner, request.reward)?;
        let job = Job {
            owner: *owner,
            module: request.module,
            input_hash: H256(blake2_256(request.input.as_slice())),
            fuel: request.fuel,
            memory_pages: request.memory_pages,
            replicas: request.replicas,
            reward: request.reward,
            deadline: request.deadline,
            submitted_at: now,
            round: 0,
            entropy_seed: H256::default(),
            executors: Executors::default(),
            previous: Executors::default(),
            status: JobStatus::Pending,
        };
        Jobs::insert(ext, &job_id, &job);
        JobInputs::insert(ext, &job_id, &request.input);
        NextJobId::put(ext, &next_id);
        Self::note_module_use(ext, &request.module, true);
        Self::deposit_event(
            ext,
            Event::JobSubmitted {
                job_id,
                owner: *owner,
                module: request.module,
                replicas: request.replicas,
                reward: request.reward,
                deadline: request.deadline,
            },
        );
        Ok(())
    }
}
