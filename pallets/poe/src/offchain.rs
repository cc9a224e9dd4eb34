//! The executor's off-chain worker: what an executor node does after it
//! imports a best block, as pure logic over the state and the node's
//! off-chain context. It returns the calls to submit with their signers;
//! the runtime signs them with the executor keys and submits them.
//!
//! For every local executor key (`ctx.sr25519_public_keys(EXECUTOR_KEY_TYPE)`)
//! that is a registered provider, over the jobs in flight (`DueJobs`
//! order, earliest phase end first):
//!
//! - a job `Committing` with the key among its executors and no commitment
//!   of the key on chain: the node runs the job on its job engine exactly
//!   as re-execution does ([`crate::settlement`]'s run), once per job and
//!   round in one call whatever the number of its keys assigned, makes the
//!   receipt ([`receipt_of`]) and a salt (blake2-256 of a fresh sr25519
//!   signature by the key over `b"entroos/poe-salt" ‖ SCALE((job_id,
//!   round))`, unpredictable because sr25519 signatures are randomized),
//!   keeps the run under [`run_key`] and returns `commit_receipt`;
//! - a job `Revealing` with the key's commitment on chain and no receipt:
//!   it signs the kept receipt ([`receipt_signing_payload`]) and returns
//!   `reveal_receipt`.
//!
//! A submission is recorded in the run (`committed_at`, `revealed_at`):
//! it is made again only when it is still not on chain [`RESUBMIT_AFTER`]
//! blocks later (a transaction the pool dropped), so nothing is submitted
//! twice for one block. Work per call is bounded: at most
//! [`MAX_RUNS_PER_CALL`] job runs (the other jobs wait for the next
//! block), at most the queue's [`MAX_ACTIVE_JOBS`](crate::MAX_ACTIVE_JOBS)
//! jobs read. A failing engine or keystore skips the job or key for this
//! block; nothing here panics.
//!
//! With the `fault-injection` feature (test builds only) the worker reads
//! a [`Fault`](crate::local::Fault) per executor from local storage:
//! `Lie` commits to and reveals a receipt of a tampered output (the real
//! output followed by the executor's account, so two liars never agree),
//! `WithholdReveal` commits but never reveals, `WithholdCommit` never
//! commits.

use crate::local::{run_key, LocalRun, EXECUTOR_KEY_TYPE};
use crate::receipt::{commitment, receipt_of, receipt_signing_payload};
use crate::settlement::run_job;
use crate::types::{Job, JobStatus};
use crate::{Call, Commitments, DueJobs, Jobs, Providers, Receipts};
use codec::{DecodeAll, Encode};
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::{AccountId32, BlockNumber};
use entroos_support::hooks::OffchainContext;
use entroos_support::jobs::JobOutcome;
use entroos_support::state::Externalities;

/// Blocks after which a submission not seen on chain is made again.
pub const RESUBMIT_AFTER: BlockNumber = 4;
/// The most job runs one call of the worker makes.
pub const MAX_RUNS_PER_CALL: u32 = 4;
/// The domain of the signatures salts are made from.
pub const SALT_CONTEXT: &[u8] = b"entroos/poe-salt";

/// A call for the runtime to sign with `signer`'s executor key and submit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
    /// The executor (its account is its sr25519 public key).
    pub signer: AccountId32,
    /// The ledger call.
    pub call: Call,
}

/// What the worker of block `now` submits, writing its runs to `ctx`'s
/// local storage (see the module docs).
pub fn work(
    ext: &dyn Externalities,
    now: BlockNumber,
    ctx: &mut dyn OffchainContext,
) -> Vec<Submission> {
    let keys = local_executors(ext, &*ctx);
    let mut worker = Worker {
        now,
        runs_left: MAX_RUNS_PER_CALL,
        submissions: Vec::new(),
    };
    if keys.is_empty() {
        return worker.submissions;
    }
    for (_, job_id) in DueJobs::get(ext).into_inner() {
        let Some(job) = Jobs::get(ext, &job_id) else {
            continue;
        };
        let mine: Vec<AccountId32> = keys
            .iter()
            .filter(|key| job.executors.as_slice().contains(key))
            .copied()
            .collect();
        if mine.is_empty() {
            continue;
        }
        match job.status {
            JobStatus::Committing { .. } => worker.commit(ext, ctx, job_id, &job, &mine),
            JobStatus::Revealing { .. } => {
                for key in &mine {
                    worker.reveal(ext, ctx, job_id, &job, key);
                }
            }
            _ => {}
        }
    }
    worker.submissions
}

/// The keystore's executor keys that are registered providers, in order.
fn local_executors(ext: &dyn Externalities, ctx: &dyn OffchainContext) -> Vec<AccountId32> {
    let mut keys: Vec<AccountId32> = ctx
        .sr25519_public_keys(EXECUTOR_KEY_TYPE)
        .into_iter()
        .map(AccountId32)
        .collect();
    keys.sort();
    keys.dedup();
    keys.retain(|key| Providers::contains_key(ext, key));
    keys
}

/// One call's state: the block, the runs it may still make, its output.
struct Worker {
    now: BlockNumber,
    runs_left: u32,
    submissions: Vec<Submission>,
}

impl Worker {
    /// Whether a submission last made at `at` may be made now.
    fn due(&self, at: Option<BlockNumber>) -> bool {
        at.is_none_or(|at| self.now >= at.saturating_add(RESUBMIT_AFTER))
    }

    /// Commits for each of `keys` (executors of `job`) that has not.
    fn commit(
        &mut self,
        ext: &dyn Externalities,
        ctx: &mut dyn OffchainContext,
        job_id: u64,
        job: &Job,
        keys: &[AccountId32],
    ) {
        let mut outcome: Option<JobOutcome> = None;
        for key in keys {
            let behaviour = behaviour(&*ctx, key);
            if Commitments::contains_key(ext, &job_id, key)
                || behaviour == Behaviour::WithholdCommit
            {
                continue;
            }
            let at = run_key(job_id, job.round, key);
            let mut run = match load_run(&*ctx, &at) {
                Some(run) if self.due(run.committed_at) => run,
                Some(_) => continue,
                None => {
                    if outcome.is_none() {
                        outcome = self.run(ext, job_id, job);
                    }
                    let Some(honest) = &outcome else {
                        return;
                    };
                    let Some(salt) = salt(&*ctx, key, job_id, job.round) else {
                        continue;
                    };
                    new_run(job_id, job, key, honest, salt, behaviour)
                }
            };
            run.committed_at = Some(self.now);
            ctx.local_storage_set(&at, &run.encode());
            let commitment = commitment(&run.receipt, key, &run.salt);
            self.submissions.push(Submission {
                signer: *key,
                call: Call::commit_receipt { job_id, commitment },
            });
        }
    }

    /// Runs `job` if this call may still run one.
    fn run(&mut self, ext: &dyn Externalities, job_id: u64, job: &Job) -> Option<JobOutcome> {
        self.runs_left = self.runs_left.checked_sub(1)?;
        run_job(ext, job_id, job).ok().map(|(outcome, _)| outcome)
    }

    /// Reveals `key`'s kept receipt of `job` if it committed to it and has
    /// not revealed.
    fn reveal(
        &mut self,
        ext: &dyn Externalities,
        ctx: &mut dyn OffchainContext,
        job_id: u64,
        job: &Job,
        key: &AccountId32,
    ) {
        let Some(committed) = Commitments::get(ext, &job_id, key) else {
            return;
        };
        if Receipts::contains_key(ext, &job_id, key)
            || behaviour(&*ctx, key) == Behaviour::WithholdReveal
        {
            return;
        }
        let at = run_key(job_id, job.round, key);
        let Some(mut run) = load_run(&*ctx, &at) else {
            return;
        };
        if commitment(&run.receipt, key, &run.salt) != committed || !self.due(run.revealed_at) {
            return;
        }
        let payload = receipt_signing_payload(&run.receipt, key);
        let Ok(signature) = ctx.sr25519_sign(EXECUTOR_KEY_TYPE, &key.0, &payload) else {
            return;
        };
        run.revealed_at = Some(self.now);
        ctx.local_storage_set(&at, &run.encode());
        self.submissions.push(Submission {
            signer: *key,
            call: Call::reveal_receipt {
                job_id,
                receipt: run.receipt,
                salt: run.salt,
                signature,
            },
        });
    }
}

/// The kept run at `key`, if there is one that decodes.
fn load_run(ctx: &dyn OffchainContext, key: &[u8]) -> Option<LocalRun> {
    let bytes = ctx.local_storage_get(key)?;
    LocalRun::decode_all(&mut &bytes[..]).ok()
}

/// blake2-256 of `key`'s signature of `SALT_CONTEXT ‖ SCALE((job_id, round))`.
fn salt(ctx: &dyn OffchainContext, key: &AccountId32, job_id: u64, round: u8) -> Option<[u8; 32]> {
    let mut message = SALT_CONTEXT.to_vec();
    (job_id, round).encode_to(&mut message);
    let signature = ctx.sr25519_sign(EXECUTOR_KEY_TYPE, &key.0, &message).ok()?;
    Some(blake2_256(&signature))
}

/// `key`'s run of `job` from the honest outcome (tampered for a liar).
fn new_run(
    job_id: u64,
    job: &Job,
    key: &AccountId32,
    honest: &JobOutcome,
    salt: [u8; 32],
    behaviour: Behaviour,
) -> LocalRun {
    let mut outcome = honest.clone();
    if behaviour == Behaviour::Lie {
        outcome.output.extend_from_slice(&key.0);
    }
    LocalRun {
        receipt: receipt_of(job_id, &job.entropy_seed, &outcome),
        salt,
        output: outcome.output,
        log: outcome.log,
        committed_at: None,
        revealed_at: None,
    }
}

/// How the worker acts for one executor: always honestly, except in test
/// builds with fault injection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(feature = "fault-injection"), allow(dead_code))]
enum Behaviour {
    Honest,
    Lie,
    WithholdReveal,
    WithholdCommit,
}

#[cfg(not(feature = "fault-injection"))]
fn behaviour(_ctx: &dyn OffchainContext, _key: &AccountId32) -> Behaviour {
    Behaviour::Honest
}

#[cfg(feature = "fault-injection")]
fn behaviour(ctx: &dyn OffchainContext, key: &AccountId32) -> Behaviour {
    use crate::local::{fault_key, Fault};
    let fault = ctx
        .local_storage_get(&fault_key(key))
        .and_then(|bytes| Fault::decode_all(&mut &bytes[..]).ok());
    match fault {
        None => Behaviour::Honest,
        Some(Fault::Lie) => Behaviour::Lie,
        Some(Fault::WithholdReveal) => Behaviour::WithholdReveal,
        Some(Fault::WithholdCommit) => Behaviour::WithholdCommit,
    }
}
