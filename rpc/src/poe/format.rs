//! The JSON of the ledger's types: camelCase fields, hashes and bytes as
//! `0x` hex, `u128` amounts as decimal strings, accounts as SS58 in the
//! chain's format beside their hex, statuses and exits as objects tagged
//! by `kind`.

use entroos_poe_primitives::{
    FailReason, Job, JobStatus, ProofRecord, Receipt, Settlement, Verdict,
};
use entroos_primitives::AccountId32;
use entroos_support::jobs::{JobExit, JobTrap};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::params::to_hex;

/// `account` as SS58 in `format`.
pub(crate) fn address(format: u16, account: &AccountId32) -> String {
    account.to_ss58(format)
}

/// `accounts` as SS58 addresses and as hex, in order.
fn accounts(format: u16, accounts: &[AccountId32]) -> (Vec<String>, Vec<String>) {
    accounts
        .iter()
        .map(|a| (address(format, a), to_hex(&a.0)))
        .unzip()
}

/// Why a job failed, as a `reason`.
fn fail_reason(reason: FailReason) -> &'static str {
    match reason {
        FailReason::NotEnoughExecutors => "notEnoughExecutors",
        FailReason::NoQuorum => "noQuorum",
        FailReason::DeadlinePassed => "deadlinePassed",
    }
}

/// Every status `kind`, in lifecycle order.
pub const STATUS_KINDS: [&str; 7] = [
    "pending",
    "committing",
    "revealing",
    "settling",
    "disputed",
    "verified",
    "failed",
];

/// The `kind` of a status.
pub fn status_kind(status: &JobStatus) -> &'static str {
    match status {
        JobStatus::Pending => "pending",
        JobStatus::Committing { .. } => "committing",
        JobStatus::Revealing { .. } => "revealing",
        JobStatus::Settling => "settling",
        JobStatus::Disputed => "disputed",
        JobStatus::Verified => "verified",
        JobStatus::Failed(_) => "failed",
    }
}

/// `{ kind, until? , reason? }`.
pub fn status_json(status: &JobStatus) -> Value {
    let kind = status_kind(status);
    match status {
        JobStatus::Committing { until } | JobStatus::Revealing { until } => {
            json!({ "kind": kind, "until": until })
        }
        JobStatus::Failed(reason) => json!({ "kind": kind, "reason": fail_reason(*reason) }),
        _ => json!({ "kind": kind }),
    }
}

/// How a job ended, in JSON: `{ "kind": "exited", "code": 0 }`,
/// `{ "kind": "trapped", "trap": "unreachable" }`, `{ "kind": "outOfFuel" }`,
/// `{ "kind": "memoryExceeded" }`, `{ "kind": "outputTooLarge" }`,
/// `{ "kind": "refused" }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ExitJson {
    /// `proc_exit(code)`, or `_start` returned (0).
    Exited {
        /// The exit code.
        code: u32,
    },
    /// The module trapped.
    Trapped {
        /// Why.
        trap: JobTrap,
    },
    /// The fuel ran out.
    OutOfFuel,
    /// Memory would have grown past the limit.
    MemoryExceeded,
    /// More output than the bound.
    OutputTooLarge,
    /// The engine refused the module.
    Refused,
}

impl From<JobExit> for ExitJson {
    fn from(exit: JobExit) -> Self {
        match exit {
            JobExit::Exited(code) => ExitJson::Exited { code },
            JobExit::Trapped(trap) => ExitJson::Trapped { trap },
            JobExit::OutOfFuel => ExitJson::OutOfFuel,
            JobExit::MemoryExceeded => ExitJson::MemoryExceeded,
            JobExit::OutputTooLarge => ExitJson::OutputTooLarge,
            JobExit::Refused => ExitJson::Refused,
        }
    }
}

impl From<ExitJson> for JobExit {
    fn from(exit: ExitJson) -> Self {
        match exit {
            ExitJson::Exited { code } => JobExit::Exited(code),
            ExitJson::Trapped { trap } => JobExit::Trapped(trap),
            ExitJson::OutOfFuel => JobExit::OutOfFuel,
            ExitJson::MemoryExceeded => JobExit::MemoryExceeded,
            ExitJson::OutputTooLarge => JobExit::OutputTooLarge,
            ExitJson::Refused => JobExit::Refused,
        }
    }
}

/// `exit` as its tagged object.
pub fn exit_json(exit: JobExit) -> Value {
    json!(ExitJson::from(exit))
}

/// `{ jobId, outputHash, logHash, exit, fuelUsed, proof }`.
pub fn receipt_json(receipt: &Receipt) -> Value {
    json!({
        "jobId": receipt.job_id,
        "outputHash": receipt.output_hash,
        "logHash": receipt.log_hash,
        "exit": exit_json(receipt.exit),
        "fuelUsed": receipt.fuel_used,
        "proof": receipt.proof,
    })
}

/// `{ outputHash, exit, fuelUsed }`.
pub fn verdict_json(verdict: &Verdict) -> Value {
    json!({
        "outputHash": verdict.output_hash,
        "exit": exit_json(verdict.exit),
        "fuelUsed": verdict.fuel_used,
    })
}

fn settlement(settlement: Settlement) -> &'static str {
    match settlement {
        Settlement::Quorum => "quorum",
        Settlement::ReExecution => "reExecution",
    }
}

/// A proof record, its agreeing executors as SS58 and hex.
pub fn proof_json(format: u16, record: &ProofRecord) -> Value {
    let (agreeing, agreeing_hex) = accounts(format, record.agreeing.as_slice());
    json!({
        "module": record.module,
        "inputHash": record.input_hash,
        "entropySeed": record.entropy_seed,
        "verdict": verdict_json(&record.verdict),
        "logHash": record.log_hash,
        "proof": record.proof,
        "settlement": settlement(record.settlement),
        "agreeing": agreeing,
        "agreeingHex": agreeing_hex,
        "settledAt": record.settled_at,
    })
}

/// Job `id`, with its proof record if it has one.
pub fn job_json(format: u16, id: u64, job: &Job, proof: Option<&ProofRecord>) -> Value {
    let (executors, executors_hex) = accounts(format, job.executors.as_slice());
    let (previous, previous_hex) = accounts(format, job.previous.as_slice());
    json!({
        "id": id,
        "owner": address(format, &job.owner),
        "ownerHex": to_hex(&job.owner.0),
        "module": job.module,
        "inputHash": job.input_hash,
        "fuel": job.fuel,
        "memoryPages": job.memory_pages,
        "replicas": job.replicas,
        "reward": job.reward.to_string(),
        "deadline": job.deadline,
        "submittedAt": job.submitted_at,
        "round": job.round,
        "entropySeed": job.entropy_seed,
        "executors": executors,
        "executorsHex": executors_hex,
        "previous": previous,
        "previousHex": previous_hex,
        "status": status_json(&job.status),
        "proof": proof.map(|record| proof_json(format, record)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exits_round_trip_through_their_tagged_objects() {
        let exits = [
            JobExit::Exited(3),
            JobExit::Trapped(JobTrap::IntegerDivisionByZero),
            JobExit::OutOfFuel,
            JobExit::MemoryExceeded,
            JobExit::OutputTooLarge,
            JobExit::Refused,
        ];
        for exit in exits {
            let value = exit_json(exit);
            let back: ExitJson = serde_json::from_value(value.clone()).unwrap();
            assert_eq!(JobExit::from(back), exit, "{value}");
        }
        assert_eq!(
            exit_json(JobExit::Trapped(JobTrap::Unreachable)),
            json!({ "kind": "trapped", "trap": "unreachable" })
        );
        assert_eq!(
            exit_json(JobExit::Exited(0)),
            json!({ "kind": "exited", "code": 0 })
        );
    }

    #[test]
    fn statuses_name_their_kind_and_bounds() {
        assert_eq!(
            status_json(&JobStatus::Committing { until: 9 }),
            json!({ "kind": "committing", "until": 9 })
        );
        assert_eq!(
            status_json(&JobStatus::Failed(FailReason::DeadlinePassed)),
            json!({ "kind": "failed", "reason": "deadlinePassed" })
        );
        assert_eq!(
            status_json(&JobStatus::Verified),
            json!({ "kind": "verified" })
        );
        assert!(STATUS_KINDS.contains(&status_kind(&JobStatus::Disputed)));
    }
}
