//! The ledger's storage read at a block, keyed by its storage types
//! (`entroos-poe-primitives`), and the executor runs this node keeps in its off-chain storage.
//!
//! A value that does not decode is an error ([`PoeError::Undecodable`]),
//! never read as missing: a client must not be told a job or receipt is
//! absent when the node cannot read it.

use crate::error::PoeError;
use crate::server::Deps;
use codec::{Decode, DecodeLimit};
use entroos_poe_primitives::local::{run_key, LocalRun};
use entroos_poe_primitives::{
    Commitments, Job, Jobs, NextJobId, ProofRecord, ProofRecords, Receipts, SignedReceipt,
};
use entroos_primitives::{AccountId32, H256, MAX_DECODE_DEPTH};

/// Decodes all of `bytes` as `T`, naming `what` if it does not decode.
fn decode<T: Decode>(bytes: &[u8], what: impl FnOnce() -> String) -> Result<T, PoeError> {
    T::decode_all_with_depth_limit(MAX_DECODE_DEPTH, &mut &bytes[..]).map_err(|e| {
        PoeError::Undecodable {
            what: what(),
            reason: e.to_string(),
        }
    })
}

/// The value at `key` in block `at`'s state, decoded.
fn read<T: Decode>(
    deps: &Deps,
    at: H256,
    key: &[u8],
    what: impl FnOnce() -> String,
) -> Result<Option<T>, PoeError> {
    deps.state
        .storage(at, key)?
        .map(|bytes| decode(&bytes, what))
        .transpose()
}

/// Job `id`, if there is one.
pub fn job(deps: &Deps, at: H256, id: u64) -> Result<Option<Job>, PoeError> {
    read(deps, at, &Jobs::key(&id), || format!("job {id}"))
}

/// Job `id`, or [`PoeError::UnknownJob`].
pub fn known_job(deps: &Deps, at: H256, id: u64) -> Result<Job, PoeError> {
    job(deps, at, id)?.ok_or(PoeError::UnknownJob(id))
}

/// The proof record of job `id`, if it was verified.
pub fn proof_record(deps: &Deps, at: H256, id: u64) -> Result<Option<ProofRecord>, PoeError> {
    read(deps, at, &ProofRecords::key(&id), || {
        format!("the proof record of job {id}")
    })
}

/// The id the next job gets: every job has a smaller one.
pub fn next_job_id(deps: &Deps, at: H256) -> Result<u64, PoeError> {
    Ok(read(deps, at, &NextJobId::key(), || "the next job id".into())?.unwrap_or(0))
}

/// `executor`'s commitment for job `id`, if it committed.
pub fn commitment(
    deps: &Deps,
    at: H256,
    id: u64,
    executor: &AccountId32,
) -> Result<Option<H256>, PoeError> {
    read(deps, at, &Commitments::key(&id, executor), || {
        format!("the commitment of {executor} for job {id}")
    })
}

/// `executor`'s revealed receipt for job `id`, if it revealed one.
pub fn revealed(
    deps: &Deps,
    at: H256,
    id: u64,
    executor: &AccountId32,
) -> Result<Option<SignedReceipt>, PoeError> {
    read(deps, at, &Receipts::key(&id, executor), || {
        format!("the receipt of {executor} for job {id}")
    })
}

/// The job's executors with their round: this round's, then the
/// previous round's.
pub fn assignments(job: &Job) -> Vec<(u8, AccountId32)> {
    let current = job.executors.as_slice().iter().map(|who| (job.round, *who));
    let previous = job
        .round
        .checked_sub(1)
        .map(|round| job.previous.as_slice().iter().map(move |who| (round, *who)))
        .into_iter()
        .flatten();
    current.chain(previous).collect()
}

/// The round of the job `executor` was drawn for, if it was.
pub fn round_of(job: &Job, executor: &AccountId32) -> Option<u8> {
    assignments(job)
        .into_iter()
        .find(|(_, who)| who == executor)
        .map(|(round, _)| round)
}

/// `executor`'s run of round `round` of job `id`, as this node keeps it.
pub fn local_run(
    deps: &Deps,
    id: u64,
    round: u8,
    executor: &AccountId32,
) -> Result<Option<LocalRun>, PoeError> {
    deps.offchain
        .get(&run_key(id, round, executor))?
        .map(|bytes| {
            decode(&bytes, || {
                format!("this node's run of job {id} (round {round}) by {executor}")
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_support::bounded::BoundedVec;

    #[test]
    fn assignments_list_this_round_then_the_previous_one() {
        let mut job = Job {
            owner: AccountId32([0; 32]),
            module: H256::default(),
            input_hash: H256::default(),
            fuel: 1,
            memory_pages: 1,
            replicas: 2,
            reward: 0,
            deadline: 100,
            submitted_at: 1,
            round: 1,
            entropy_seed: H256::default(),
            executors: BoundedVec::try_from(vec![AccountId32([1; 32]), AccountId32([2; 32])])
                .unwrap(),
            previous: BoundedVec::try_from(vec![AccountId32([3; 32])]).unwrap(),
            status: entroos_poe_primitives::JobStatus::Pending,
        };
        assert_eq!(
            assignments(&job),
            vec![
                (1, AccountId32([1; 32])),
                (1, AccountId32([2; 32])),
                (0, AccountId32([3; 32]))
            ]
        );
        assert_eq!(round_of(&job, &AccountId32([3; 32])), Some(0));
        assert_eq!(round_of(&job, &AccountId32([9; 32])), None);
        job.round = 0;
        assert_eq!(assignments(&job).len(), 2, "round 0 has no previous round");
    }
}
