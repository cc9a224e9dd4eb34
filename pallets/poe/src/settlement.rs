//! Settling a round: quorum, dispute, re-execution, reassignment, failure,
//! and the payments, slashes and score changes each implies.
//!
//! - **Quorum**: the largest group of revealed receipts agreeing on
//!   `(output_hash, exit, fuel_used)` (ties: the group whose first member
//!   was drawn first) has `c` members with `3c > 2k` ⇒ Verified by quorum.
//! - **Dispute** otherwise. If the job's fuel is at most
//!   `Params::reexecution_fuel_bound`, the runtime runs it through the
//!   node's job engine ([`Externalities::job_executor`]) and the result is
//!   the verdict ⇒ Verified by re-execution. One block re-executes at most
//!   that bound's worth of fuel; a dispute that does not fit waits for the
//!   next block. Beyond the bound: round 0 goes to fresh executors
//!   (reassignment, if a round still ends before the deadline), round 1
//!   fails and the reward is refunded.
//! - **Verified**: the reward is shared equally by the executors whose
//!   receipts match the verdict (the remainder of the division, or all of
//!   it when none match, returns to the owner); every other executor of the
//!   round is slashed: a receipt that disagrees is a dissent, no valid
//!   receipt a no-show. A proof record keeps the verdict and `P`.
//! - **Slash**: `Params::slash_fraction` of the provider's bond is burned
//!   and its reliability decays toward zero (`R ← λR`, never below
//!   [`MIN_RELIABILITY`]); agreeing executors' reliability decays toward
//!   one (`R ← λR + (1 − λ)`). Without a verdict (reassignment, failure)
//!   only no-shows are slashed: who of the others was right is unknown.

use crate::receipt::execution_proof;
use crate::types::{
    Executors, FailReason, Job, JobStatus, Offence, ProofRecord, Receipt, Settlement, Verdict,
    MAX_LOG_BYTES, MAX_OUTPUT_BYTES, MIN_RELIABILITY,
};
use crate::{
    Config, Error, Event, JobInputs, Jobs, ModuleCodes, Pallet, ProofRecords, Providers, Receipts,
};
use entroos_arithmetic::FixedU128;
use entroos_primitives::{AccountId32, BlockNumber, H256};
use entroos_support::jobs::{JobExit, JobOutcome, JobRun};
use entroos_support::state::Externalities;

type Balances<T> = pallet_balances::Pallet<T>;

/// The verdict at least two thirds of `k` receipts agree on (2 of 3, 3 of
/// 4, 4 of 5), with the log hash of its first receipt, if there is one.
pub fn quorum(receipts: &[Option<Receipt>], k: u32) -> Option<(Verdict, H256)> {
    let mut groups: Vec<(Verdict, H256, u32)> = Vec::new();
    for receipt in receipts.iter().flatten() {
        let verdict = receipt.verdict();
        match groups.iter_mut().find(|(v, _, _)| *v == verdict) {
            Some((_, _, count)) => *count = count.saturating_add(1),
            None => groups.push((verdict, receipt.log_hash, 1)),
        }
    }
    let mut best: Option<(Verdict, H256, u32)> = None;
    for group in groups {
        if best.is_none_or(|(_, _, count)| group.2 > count) {
            best = Some(group);
        }
    }
    let (verdict, log_hash, count) = best?;
    (u64::from(count).saturating_mul(3) >= u64::from(k).saturating_mul(2))
        .then_some((verdict, log_hash))
}

/// What one block may still re-execute, and what it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Fuel left to spend this block.
    pub fuel_left: u64,
    /// Fuel re-executions asked for this block.
    pub fuel_spent: u64,
    /// Bytes of code compiled for them.
    pub code_bytes: u64,
}

impl Budget {
    /// A block's budget: `bound` fuel.
    pub fn new(bound: u64) -> Self {
        Budget {
            fuel_left: bound,
            fuel_spent: 0,
            code_bytes: 0,
        }
    }
}

/// A re-execution's verdict and log hash.
struct Found {
    verdict: Verdict,
    log_hash: H256,
}

impl<T: Config> Pallet<T> {
    /// The round's receipts, in executor order.
    pub(crate) fn round_receipts(
        ext: &dyn Externalities,
        job_id: u64,
        job: &Job,
    ) -> Vec<Option<Receipt>> {
        job.executors
            .as_slice()
            .iter()
            .map(|who| Receipts::get(ext, &job_id, who).map(|signed| signed.receipt))
            .collect()
    }

    /// Settles `job`'s round at `now` if its `receipts` already hold a quorum
    /// (the last reveal of a round calls it, so an agreeing round is
    /// Verified in the block of its last reveal); whether it did.
    pub(crate) fn settle_if_quorum(
        ext: &mut dyn Externalities,
        job_id: u64,
        job: &Job,
        receipts: &[Option<Receipt>],
        now: BlockNumber,
    ) -> bool {
        let Some((verdict, log_hash)) = quorum(receipts, u32::from(job.replicas)) else {
            return false;
        };
        let found = Found { verdict, log_hash };
        Self::unschedule(ext, job_id);
        Self::verify(
            ext,
            job_id,
            job.clone(),
            receipts,
            found,
            Settlement::Quorum,
            now,
        );
        true
    }

    /// Settles `job`'s round at `now`; `budget` is the re-execution fuel the
    /// block has left. Fails only when a needed re-execution cannot run here.
    pub(crate) fn settle(
        ext: &mut dyn Externalities,
        job_id: u64,
        job: Job,
        now: BlockNumber,
        budget: &mut Budget,
    ) -> Result<(), Error> {
        let receipts = Self::round_receipts(ext, job_id, &job);
        if let Some((verdict, log_hash)) = quorum(&receipts, u32::from(job.replicas)) {
            let found = Found { verdict, log_hash };
            Self::verify(ext, job_id, job, &receipts, found, Settlement::Quorum, now);
            return Ok(());
        }
        if job.status != JobStatus::Disputed {
            Self::deposit_event(
                ext,
                Event::JobDisputed {
                    job_id,
                    round: job.round,
                },
            );
        }
        let params = Self::params(ext);
        if job.fuel <= params.reexecution_fuel_bound {
            return Self::settle_by_reexecution(ext, job_id, job, &receipts, now, budget);
        }
        Self::punish_no_shows(ext, job_id, &job, &receipts);
        Self::close_round(ext, &job);
        let next_round_ends = now.saturating_add(params.round_blocks());
        match (job.round, next_round_ends <= job.deadline) {
            (0, true) => Self::reassign(ext, job_id, job, now),
            (0, false) => Self::fail(ext, job_id, job, FailReason::DeadlinePassed),
            _ => Self::fail(ext, job_id, job, FailReason::NoQuorum),
        }
        Ok(())
    }

    fn settle_by_reexecution(
        ext: &mut dyn Externalities,
        job_id: u64,
        mut job: Job,
        receipts: &[Option<Receipt>],
        now: BlockNumber,
        budget: &mut Budget,
    ) -> Result<(), Error> {
        if job.fuel > budget.fuel_left {
            job.status = JobStatus::Disputed;
            Jobs::insert(ext, &job_id, &job);
            return Self::schedule(ext, job_id, now.saturating_add(1));
        }
        budget.fuel_left = budget.fuel_left.saturating_sub(job.fuel);
        budget.fuel_spent = budget.fuel_spent.saturating_add(job.fuel);
        let outcome = Self::reexecute(ext, job_id, &job, budget)?;
        let found = Found {
            verdict: Verdict {
                output_hash: outcome.output_hash(),
                exit: outcome.exit,
                fuel_used: outcome.fuel_used,
            },
            log_hash: outcome.log_hash(),
        };
        Self::deposit_event(
            ext,
            Event::JobReExecuted {
                job_id,
                output_hash: found.verdict.output_hash,
                exit: found.verdict.exit,
                fuel_used: found.verdict.fuel_used,
            },
        );
        Self::verify(
            ext,
            job_id,
            job,
            receipts,
            found,
            Settlement::ReExecution,
            now,
        );
        Ok(())
    }

    /// Re-executes `job`, counting its code in `budget`.
    fn reexecute(
        ext: &dyn Externalities,
        job_id: u64,
        job: &Job,
        budget: &mut Budget,
    ) -> Result<JobOutcome, Error> {
        let (outcome, code_bytes) = run_job(ext, job_id, job)?;
        budget.code_bytes = budget.code_bytes.saturating_add(code_bytes);
        Ok(outcome)
    }

    fn verify(
        ext: &mut dyn Externalities,
        job_id: u64,
        mut job: Job,
        receipts: &[Option<Receipt>],
        found: Found,
        settlement: Settlement,
        now: BlockNumber,
    ) {
        let agreeing = Self::judge(ext, job_id, &job, receipts, &found.verdict);
        Self::pay(ext, job_id, &job, &agreeing);
        Self::close_round(ext, &job);
        let record = ProofRecord {
            module: job.module,
            input_hash: job.input_hash,
            entropy_seed: job.entropy_seed,
            verdict: found.verdict,
            log_hash: found.log_hash,
            proof: execution_proof(
                job_id,
                &job.entropy_seed,
                found.verdict.fuel_used,
                &found.verdict.output_hash,
            ),
            settlement,
            agreeing,
            settled_at: now,
        };
        ProofRecords::insert(ext, &job_id, &record);
        job.status = JobStatus::Verified;
        Self::end(ext, job_id, &job);
        Self::deposit_event(
            ext,
            Event::JobVerified {
                job_id,
                output_hash: found.verdict.output_hash,
                exit: found.verdict.exit,
                fuel_used: found.verdict.fuel_used,
                settlement,
            },
        );
    }

    /// Raises the agreeing executors' scores and slashes the others;
    /// returns the agreeing ones.
    fn judge(
        ext: &mut dyn Externalities,
        job_id: u64,
        job: &Job,
        receipts: &[Option<Receipt>],
        verdict: &Verdict,
    ) -> Executors {
        let mut agreeing = Vec::new();
        for (who, receipt) in job.executors.as_slice().iter().zip(receipts) {
            match receipt {
                Some(r) if r.verdict() == *verdict => {
                    Self::reward_score(ext, who);
                    agreeing.push(*who);
                }
                Some(_) => Self::slash(ext, job_id, who, Offence::Dissent),
                None => Self::slash(ext, job_id, who, Offence::NoShow),
            }
        }
        Executors::try_from(agreeing).unwrap_or_default()
    }

    /// Shares the reward among `agreeing`; the rest returns to the owner.
    fn pay(ext: &mut dyn Externalities, job_id: u64, job: &Job, agreeing: &Executors) {
        let count = u128::try_from(agreeing.len()).unwrap_or(u128::MAX);
        let share = job.reward.checked_div(count).unwrap_or(0);
        let mut paid = 0u128;
        for who in agreeing.as_slice() {
            let moved =
                Balances::<T>::repatriate_reserved(ext, &job.owner, who, share).unwrap_or(0);
            paid = paid.saturating_add(moved);
            Self::deposit_event(
                ext,
                Event::ExecutorRewarded {
                    job_id,
                    executor: *who,
                    amount: moved,
                },
            );
        }
        let _ = Balances::<T>::unreserve(ext, &job.owner, job.reward.saturating_sub(paid));
    }

    /// Slashes the executors of the round that revealed no receipt.
    fn punish_no_shows(
        ext: &mut dyn Externalities,
        job_id: u64,
        job: &Job,
        receipts: &[Option<Receipt>],
    ) {
        for (who, receipt) in job.executors.as_slice().iter().zip(receipts) {
            if receipt.is_none() {
                Self::slash(ext, job_id, who, Offence::NoShow);
            }
        }
    }

    /// Burns part of `who`'s bond and lowers its reliability.
    fn slash(ext: &mut dyn Externalities, job_id: u64, who: &AccountId32, offence: Offence) {
        let Some(mut provider) = Providers::get(ext, who) else {
            return;
        };
        let params = Self::params(ext);
        let due = params.slash_fraction.saturating_mul_int(provider.bond);
        let burned = Balances::<T>::slash_reserved(ext, who, due).unwrap_or(0);
        provider.bond = provider.bond.saturating_sub(burned);
        provider.reliability = provider
            .reliability
            .decay_toward(FixedU128::zero(), params.score_decay)
            .max(MIN_RELIABILITY);
        Providers::insert(ext, who, &provider);
        Self::deposit_event(
            ext,
            Event::ExecutorSlashed {
                job_id,
                executor: *who,
                amount: burned,
                offence,
            },
        );
    }

    /// Raises `who`'s reliability toward one.
    fn reward_score(ext: &mut dyn Externalities, who: &AccountId32) {
        let decay = Self::params(ext).score_decay;
        Providers::mutate(ext, who, |provider| {
            if let Some(p) = provider {
                p.reliability = p
                    .reliability
                    .decay_toward(FixedU128::one(), decay)
                    .min(FixedU128::one());
            }
        });
    }

    /// Closes the assignments of `job`'s current round.
    fn close_round(ext: &mut dyn Externalities, job: &Job) {
        for who in job.executors.as_slice() {
            Self::note_assignment(ext, who, false);
        }
    }

    fn reassign(ext: &mut dyn Externalities, job_id: u64, mut job: Job, now: BlockNumber) {
        Self::next_round(&mut job);
        Self::deposit_event(
            ext,
            Event::JobReassigned {
                job_id,
                round: job.round,
            },
        );
        if let Err(reason) = Self::assign(ext, job_id, job.clone(), now) {
            Self::fail(ext, job_id, job, reason);
        }
    }

    /// Ends `job` without a verdict and refunds its reward. The caller has
    /// closed the round's assignments.
    pub(crate) fn fail(ext: &mut dyn Externalities, job_id: u64, mut job: Job, reason: FailReason) {
        let refunded = Balances::<T>::unreserve(ext, &job.owner, job.reward).unwrap_or(0);
        job.status = JobStatus::Failed(reason);
        Self::end(ext, job_id, &job);
        Self::deposit_event(
            ext,
            Event::JobFailed {
                job_id,
                reason,
                refunded,
            },
        );
    }

    /// Stores a job that has ended and takes it out of the queue.
    fn end(ext: &mut dyn Externalities, job_id: u64, job: &Job) {
        Jobs::insert(ext, &job_id, job);
        Self::unschedule(ext, job_id);
        Self::note_module_use(ext, &job.module, false);
    }
}

/// Runs job `job_id` on the job engine lent to `ext` the way every run of
/// a job is made, re-execution's and executors': the job's module, input,
/// fuel and pages, the output and log bounds. Returns the outcome and the
/// size of the module compiled (0 when the module is gone: the outcome is
/// then `Refused`, the same everywhere).
pub(crate) fn run_job(
    ext: &dyn Externalities,
    job_id: u64,
    job: &Job,
) -> Result<(JobOutcome, u64), Error> {
    let Some(code) = ModuleCodes::get(ext, &job.module) else {
        let refused = JobOutcome {
            exit: JobExit::Refused,
            output: Vec::new(),
            log: Vec::new(),
            fuel_used: 0,
        };
        return Ok((refused, 0));
    };
    let input = JobInputs::get(ext, &job_id).unwrap_or_default();
    let code_bytes = u64::try_from(code.len()).unwrap_or(u64::MAX);
    let engine = ext.job_executor().ok_or(Error::NoJobExecutor)?;
    let run = JobRun {
        module: code.as_slice(),
        input: input.as_slice(),
        fuel: job.fuel,
        memory_pages: job.memory_pages,
        max_output: MAX_OUTPUT_BYTES,
        max_log: MAX_LOG_BYTES,
    };
    let outcome = engine.execute(&run).map_err(|_| Error::JobExecutorFailed)?;
    let within = |bytes: &[u8], max: u32| u32::try_from(bytes.len()).is_ok_and(|n| n <= max);
    if !within(&outcome.output, MAX_OUTPUT_BYTES)
        || !within(&outcome.log, MAX_LOG_BYTES)
        || outcome.fuel_used > job.fuel
    {
        return Err(Error::JobExecutorFailed);
    }
    Ok((outcome, code_bytes))
}
