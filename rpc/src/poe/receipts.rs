//! `poe_receipts`: every executor of a job's current and previous round,
//! with its commitment and revealed receipt as the chain keeps them, and
//! whether that receipt agrees with the proof record's verdict.

use super::chain::{assignments, commitment, known_job, proof_record, revealed};
use super::format::{address, receipt_json, status_json, verdict_json};
use crate::entropy::ss58_format;
use crate::error::PoeError;
use crate::params::to_hex;
use crate::server::Deps;
use entroos_primitives::H256;
use serde_json::{json, Value};

/// The receipts of job `id` at `at`.
pub(super) fn receipts(deps: &Deps, at: H256, id: u64) -> Result<Value, PoeError> {
    let job = known_job(deps, at, id)?;
    let record = proof_record(deps, at, id)?;
    let format = ss58_format(deps);
    let executors = assignments(&job)
        .into_iter()
        .map(|(round, executor)| {
            let committed = commitment(deps, at, id, &executor)?;
            let revealed = revealed(deps, at, id, &executor)?;
            let agrees = match (&revealed, &record) {
                (Some(r), Some(record)) => Some(r.receipt.verdict() == record.verdict),
                _ => None,
            };
            Ok(json!({
                "executor": address(format, &executor),
                "executorHex": to_hex(&executor.0),
                "round": round,
                "commitment": committed,
                "receipt": revealed.map(|r| receipt_json(&r.receipt)),
                "signature": revealed.map(|r| to_hex(&r.signature)),
                "agrees": agrees,
            }))
        })
        .collect::<Result<Vec<Value>, PoeError>>()?;
    Ok(json!({
        "at": at,
        "jobId": id,
        "round": job.round,
        "status": status_json(&job.status),
        "verdict": record.map(|r| verdict_json(&r.verdict)),
        "executors": executors,
    }))
}
