//! The block hook: every job whose phase ended moves on.
//!
//! `on_initialize(n)` takes the jobs due at or before `n` (at most
//! [`MAX_DUE_PER_BLOCK`](crate::types::MAX_DUE_PER_BLOCK), earliest first;
//! the rest wait a block) and, by status:
//!
//! - `Pending`: draws the executors (or fails the job when fewer than `k`
//!   are eligible);
//! - `Committing`: closes the commit phase and opens the reveal phase
//!   (with no commitment at all, settles at once);
//! - `Revealing`, `Settling`, `Disputed`: settles.
//!
//! It refuses the block only when a dispute must be re-executed and the
//! job engine is missing or fails on this node: the block then cannot be
//! built or imported here, instead of being executed differently.

use crate::settlement::Budget;
use crate::types::JobStatus;
use crate::{weights, Config, Error, Jobs, Pallet};
use entroos_primitives::{BlockNumber, Weight};
use entroos_support::hooks::{Hooks, OffchainContext};
use entroos_support::state::Externalities;

impl<T: Config> Hooks<Error> for Pallet<T> {
    fn on_initialize(ext: &mut dyn Externalities, n: BlockNumber) -> Result<Weight, Error> {
        let due = Self::due_jobs(ext, n);
        let mut budget = Budget::new(Self::params(ext).reexecution_fuel_bound);
        for job_id in &due {
            Self::advance(ext, *job_id, n, &mut budget)?;
        }
        let jobs = u64::try_from(due.len()).unwrap_or(u64::MAX);
        Ok(weights::on_initialize(T::db_weight(), jobs, &budget))
    }

    /// Sends the heartbeats of the local executor keys that are providers.
    fn offchain_worker(ext: &dyn Externalities, n: BlockNumber, ctx: &mut dyn OffchainContext) {
        Self::send_heartbeats(ext, n, ctx);
    }
}

impl<T: Config> Pallet<T> {
    /// Moves job `job_id` on at block `now` (see the module docs).
    fn advance(
        ext: &mut dyn Externalities,
        job_id: u64,
        now: BlockNumber,
        budget: &mut Budget,
    ) -> Result<(), Error> {
        let Some(job) = Jobs::get(ext, &job_id) else {
            Self::unschedule(ext, job_id);
            return Ok(());
        };
        match job.status {
            JobStatus::Pending => {
                if let Err(reason) = Self::assign(ext, job_id, job.clone(), now) {
                    Self::fail(ext, job_id, job, reason);
                }
                Ok(())
            }
            JobStatus::Committing { .. } if Self::committed(ext, job_id, &job) > 0 => {
                Self::start_reveal(ext, job_id, job, now)
            }
            JobStatus::Committing { .. }
            | JobStatus::Revealing { .. }
            | JobStatus::Settling
            | JobStatus::Disputed => Self::settle(ext, job_id, job, now, budget),
            JobStatus::Verified | JobStatus::Failed(_) => {
                Self::unschedule(ext, job_id);
                Ok(())
            }
        }
    }
}
