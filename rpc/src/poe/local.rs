//! `poe_output` and `poe_logs`: a job's output or log as THIS node keeps
//! it — the run of one of the job's executors whose key this node holds,
//! in its persistent off-chain storage — served only when it matches the
//! chain.
//!
//! A copy is served only if its blake2-256 is what the chain holds, the
//! first of: the proof record's (`verdict.outputHash`, or `logHash`) once
//! the job is verified; else the executor's revealed receipt's; else, while
//! receipts are hidden, the hash in the run's own receipt — provided that
//! receipt and the run's salt give the executor's commitment on chain.
//! The copies of every executor of the job (this round's, then the
//! previous round's) are tried in order and the first that matches is
//! served. Nothing that fails the check is ever served: the answer is then
//! an error saying why.

use super::chain::{assignments, commitment, known_job, local_run, proof_record, revealed};
use super::format::address;
use crate::entropy::ss58_format;
use crate::error::PoeError;
use crate::params::to_hex;
use crate::server::Deps;
use entroos_poe_primitives::local::LocalRun;
use entroos_poe_primitives::receipt::commitment as commitment_of;
use entroos_poe_primitives::{ProofRecord, Receipt};
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::{AccountId32, H256};
use serde_json::{json, Value};

/// What of a run is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Artifact {
    /// The bytes written to fd 1.
    Output,
    /// The bytes kept from fd 2.
    Log,
}

impl Artifact {
    fn name(self) -> &'static str {
        match self {
            Artifact::Output => "output",
            Artifact::Log => "log",
        }
    }

    fn bytes(self, run: &LocalRun) -> &[u8] {
        match self {
            Artifact::Output => &run.output,
            Artifact::Log => &run.log,
        }
    }

    fn in_receipt(self, receipt: &Receipt) -> H256 {
        match self {
            Artifact::Output => receipt.output_hash,
            Artifact::Log => receipt.log_hash,
        }
    }

    fn in_record(self, record: &ProofRecord) -> H256 {
        match self {
            Artifact::Output => record.verdict.output_hash,
            Artifact::Log => record.log_hash,
        }
    }
}

/// What the chain holds that a copy was checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Anchor {
    Verdict,
    Receipt,
    Commitment,
}

impl Anchor {
    fn name(self) -> &'static str {
        match self {
            Anchor::Verdict => "verdict",
            Anchor::Receipt => "receipt",
            Anchor::Commitment => "commitment",
        }
    }
}

/// How one copy compares with the chain.
enum Check {
    Matches(Anchor),
    Differs(String),
    NothingOnChain,
}

/// One executor's run of the job, with where it sits.
struct KeptRun<'a> {
    job_id: u64,
    round: u8,
    executor: &'a AccountId32,
    run: &'a LocalRun,
}

/// Job `id`'s `artifact` as this node keeps it, if a copy matches the
/// chain at the best block.
pub(super) fn serve(deps: &Deps, id: u64, artifact: Artifact) -> Result<Value, PoeError> {
    let at = deps.chain.best().1;
    let job = known_job(deps, at, id)?;
    let record = proof_record(deps, at, id)?;
    let mut kept_any = false;
    let mut mismatch = None;
    for (round, executor) in assignments(&job) {
        let Some(run) = local_run(deps, id, round, &executor)? else {
            continue;
        };
        kept_any = true;
        let copy = KeptRun {
            job_id: id,
            round,
            executor: &executor,
            run: &run,
        };
        match check(deps, at, &copy, record.as_ref(), artifact)? {
            Check::Matches(anchor) => return Ok(served(deps, &copy, artifact, anchor)),
            Check::Differs(detail) => {
                mismatch.get_or_insert(detail);
            }
            Check::NothingOnChain => {}
        }
    }
    match (kept_any, mismatch) {
        (false, _) => Err(PoeError::NoLocalCopy(id)),
        (true, Some(detail)) => Err(PoeError::CopyMismatch { job_id: id, detail }),
        (true, None) => Err(PoeError::NothingToCheck(id)),
    }
}

/// Compares `copy`'s `artifact` with what the chain holds at `at`.
fn check(
    deps: &Deps,
    at: H256,
    copy: &KeptRun<'_>,
    record: Option<&ProofRecord>,
    artifact: Artifact,
) -> Result<Check, PoeError> {
    let (name, executor) = (artifact.name(), copy.executor);
    let hash = H256(blake2_256(artifact.bytes(copy.run)));
    let (anchor, expected) = if let Some(record) = record {
        (Anchor::Verdict, artifact.in_record(record))
    } else if let Some(revealed) = revealed(deps, at, copy.job_id, executor)? {
        (Anchor::Receipt, artifact.in_receipt(&revealed.receipt))
    } else if let Some(committed) = commitment(deps, at, copy.job_id, executor)? {
        let kept = &copy.run.receipt;
        if commitment_of(kept, executor, &copy.run.salt) != committed {
            return Ok(Check::Differs(format!(
                "the receipt kept for {executor} is not the one it committed to"
            )));
        }
        (Anchor::Commitment, artifact.in_receipt(kept))
    } else {
        return Ok(Check::NothingOnChain);
    };
    Ok(if hash == expected {
        Check::Matches(anchor)
    } else {
        Check::Differs(format!(
            "the {name} kept for {executor} hashes to {hash:?}, the chain's {} says {expected:?}",
            anchor.name()
        ))
    })
}

fn served(deps: &Deps, copy: &KeptRun<'_>, artifact: Artifact, anchor: Anchor) -> Value {
    let bytes = artifact.bytes(copy.run);
    json!({
        "jobId": copy.job_id,
        "round": copy.round,
        "executor": address(ss58_format(deps), copy.executor),
        "executorHex": to_hex(&copy.executor.0),
        "bytes": to_hex(bytes),
        "length": bytes.len(),
        "hash": H256(blake2_256(bytes)),
        "checkedAgainst": anchor.name(),
    })
}
